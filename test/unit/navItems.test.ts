import { describe, expect, it } from 'vitest'
import { activeKey, navItems } from '../../src/app/shell/navItems'

const ORG = '00000000-0000-4000-8000-000000000001'
const keys = (m: Parameters<typeof navItems>[0]) => {
  const { bar, overflow } = navItems(m)
  return { bar: bar.map((i) => i.key), overflow: overflow.map((i) => i.key) }
}

describe('the professionals’ navigation per role', () => {
  it('gives each role its own bar, Vandaag first and Meer last', () => {
    expect(keys([{ organisationId: ORG, role: 'sociaal-werker' }]).bar).toEqual(['today', 'cases', 'inbox', 'map', 'more'])
    expect(keys([{ organisationId: ORG, role: 'huisarts' }]).bar).toEqual(['today', 'refer', 'referrals', 'map', 'more'])
    expect(keys([{ organisationId: ORG, role: 'beheerder' }]).bar).toEqual(['today', 'members', 'devices', 'more'])
    expect(keys([{ organisationId: ORG, role: 'kaartbeheerder' }]).bar).toEqual(['today', 'editor', 'reports', 'proposals', 'more'])
    expect(keys([{ organisationId: ORG, role: 'programma' }]).bar).toEqual(['today', 'figures', 'more'])
  })

  it('joins several roles to at most five items; the rest go under Meer', () => {
    const k = keys([
      { organisationId: ORG, role: 'beheerder' },
      { organisationId: ORG, role: 'sociaal-werker' },
      { organisationId: ORG, role: 'programma' },
    ])
    expect(k.bar).toEqual(['today', 'cases', 'inbox', 'members', 'more'])
    expect(k.overflow).toEqual(['devices', 'figures', 'map'])
    expect(navItems([{ organisationId: ORG, role: 'beheerder' }]).bar[1]!.to).toBe(`/beheer/organisatie/${ORG}/leden`)
  })

  it('marks the item a page belongs to: the longest matching path, never a mere prefix of a word', () => {
    const { bar } = navItems([{ organisationId: ORG, role: 'sociaal-werker' }])
    expect(activeKey(bar, '/werk/casus/abc/plan')).toBe('cases')
    expect(activeKey(bar, '/werk/verwijzingen')).toBe('inbox')
    expect(activeKey(bar, '/beheer')).toBe('today')
    expect(activeKey(bar, '/beheer/meer')).toBe('more')
    expect(activeKey(bar, '/beheer/account')).toBe('more')
    expect(activeKey(bar, '/werkplaats')).toBeUndefined()
  })
})
