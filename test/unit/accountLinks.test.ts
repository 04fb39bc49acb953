import { describe, expect, it, vi } from 'vitest'
import { forgetLinkToken, takeLinkToken } from '../../src/app/features/auth/linkToken'
import { absoluteLink } from '../../src/app/api/links'
import { groupPeople } from '../../src/app/features/organisations/people'

function place(hash: string, stored: string | null = null) {
  const data = new Map<string, string>(stored ? [['swz-account-link', stored]] : [])
  const storage = { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), removeItem: (k: string) => void data.delete(k) }
  return { hash, storage, clearHash: vi.fn(), data }
}
const TOKEN = 'abcdefghijklmnopqrstuvwxyz012345'

describe('the token of a one-time link', () => {
  it('is taken from the fragment and removed from the address bar at once', () => {
    const p = place(`#${TOKEN}`)
    expect(takeLinkToken(p)).toBe(TOKEN)
    expect(p.clearHash).toHaveBeenCalledOnce()
  })

  it('survives a reload or a sign-in on the way in this tab, until it is forgotten', () => {
    const p = place(`#${TOKEN}`)
    takeLinkToken(p)
    const again = { ...p, hash: '' }
    expect(takeLinkToken(again)).toBe(TOKEN)
    forgetLinkToken(p.storage)
    expect(takeLinkToken(again)).toBeNull()
  })

  it('refuses something that is not a token, and forgets an older one', () => {
    const p = place('#<script>', TOKEN)
    expect(takeLinkToken(p)).toBeNull()
    expect(p.clearHash).toHaveBeenCalledOnce()
    expect(p.data.size).toBe(0)
  })

  it('becomes a whole address to hand over', () => {
    expect(absoluteLink(`/beheer/link#${TOKEN}`, 'https://samen.example')).toBe(`https://samen.example/beheer/link#${TOKEN}`)
  })
})

describe('the members list', () => {
  it('shows one entry per person, with all their roles', () => {
    const row = { id: 'u1', email: 'a@x.example', name: 'Anna', locked: false, totpEnabled: true, isHome: true }
    const people = groupPeople([
      { ...row, role: 'beheerder' },
      { ...row, role: 'kaartbeheerder' },
      { ...row, id: 'u2', name: 'Bram', email: 'b@x.example', role: 'huisarts', isHome: false },
    ])
    expect(people).toEqual([
      { ...row, roles: ['beheerder', 'kaartbeheerder'] },
      { ...row, id: 'u2', name: 'Bram', email: 'b@x.example', roles: ['huisarts'], isHome: false },
    ])
  })
})
