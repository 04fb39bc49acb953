import { mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import { describe, expect, it } from 'vitest'
import OrganisationMemberItem from '../../src/app/features/organisations/OrganisationMemberItem.vue'
import type { Person } from '../../src/app/features/organisations/people'
import nl from '../../src/app/i18n/nl.json'
import proNl from '../../src/app/i18n/pro.nl.json'

const person: Person = { id: 'u2', name: 'Karim Kaart', email: 'karim@x.example', roles: ['huisarts'], locked: false, totpEnabled: true, isHome: false }

function render(props: { canRemove: boolean; canManage: boolean; isSelf?: boolean; person?: Person }) {
  const i18n = createI18n({ legacy: false, locale: 'nl', messages: { nl: { ...nl, ...proNl } } })
  return mount(OrganisationMemberItem, { props: { orgId: 'o1', person, isSelf: false, ...props }, global: { plugins: [i18n] } })
}
const buttons = (w: ReturnType<typeof render>) => w.findAll('button').map((b) => b.text())

describe('what a beheerder may do with one person', () => {
  it('offers only removal when the account belongs to another organisation', () => {
    expect(buttons(render({ canRemove: true, canManage: false }))).toEqual(['Uit organisatie halen'])
  })

  it('offers lock, sign-out and both reset links where the organisation is the home (or the viewer the region)', () => {
    expect(buttons(render({ canRemove: true, canManage: true }))).toEqual(['Op slot zetten', 'Overal uitloggen', 'Link voor nieuw wachtwoord', 'Link voor nieuwe authenticator-app', 'Uit organisatie halen'])
  })

  it('offers unlocking a locked account and says it is locked in words, not only colour', () => {
    const w = render({ canRemove: false, canManage: true, person: { ...person, locked: true } })
    expect(buttons(w)[0]).toBe('Weer openzetten')
    expect(w.text()).toContain('Op slot')
  })

  it('offers nothing for the viewer themselves', () => {
    const w = render({ canRemove: true, canManage: true, isSelf: true })
    expect(buttons(w)).toEqual([])
    expect(w.text()).toContain('Dit ben jij.')
  })

  it('asks before removing someone, in place', async () => {
    const w = render({ canRemove: true, canManage: false })
    await w.get('button').trigger('click')
    expect(w.text()).toContain('Wil je Karim Kaart uit deze organisatie halen?')
    expect(buttons(w)).toEqual(['Ja, uit de organisatie halen', 'Nee, toch niet'])
  })
})
