/**
 * Residents' own initiatives (issue 20, docs/initiatives.md): proposed without an account,
 * moderated by the region's map editors, published as a burgerinitiatief.
 */
import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { INITIATIVES_PER_HOUR, MAX_WAITING_INITIATIVES } from '../../src/server/routes/initiatives'
import type { Service } from '../../src/shared/socialMap/hsds'
import { isInitiative, type InitiativeProposal } from '../../src/shared/socialMap/initiative'
import { setupServerTest, type ServerTest } from './fixture'
import { readMap } from './helpers'
import { initiativeProposal } from '../support/initiativeProposal'

let server: ServerTest
beforeEach(async () => {
  server = await setupServerTest({ trustedProxies: 1 })
})
afterEach(async () => {
  await server.close()
})

const proposal = (over: Partial<InitiativeProposal> = {}) => initiativeProposal(randomUUID(), over)
const post = (body: unknown, address = '203.0.113.7') =>
  server.app.request('/api/initiatives', { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': address } })
const rows = async () => (await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM initiative_proposals')).rows[0]!.n

describe('POST /api/initiatives (a resident proposes an activity)', () => {
  it('stores a proposal once, even when the phone sends it twice', async () => {
    const p = proposal()
    expect((await post({ proposal: p })).status).toBe(201)
    const again = await post({ proposal: p })
    expect(again.status).toBe(200)
    expect(await again.json()).toEqual({ id: p.id, status: 'already-received' })
    expect(await rows()).toBe(1)
  })

  it('answers a bot that fills the hidden field as if received, and stores nothing', async () => {
    const res = await post({ proposal: proposal(), website: 'https://spam.example' })
    expect(res.status).toBe(201)
    expect(await res.json()).toMatchObject({ status: 'received' })
    expect(await rows()).toBe(0)
  })

  it(`turns away the ${INITIATIVES_PER_HOUR + 1}th proposal from one address within an hour (Retry-After), and takes it an hour later`, async () => {
    for (let i = 0; i < INITIATIVES_PER_HOUR; i++) expect((await post({ proposal: proposal() })).status).toBe(201)
    const flood = await post({ proposal: proposal() })
    expect(flood.status).toBe(429)
    expect(Number(flood.headers.get('Retry-After'))).toBeGreaterThan(0)
    expect(await rows()).toBe(INITIATIVES_PER_HOUR)
    expect((await post({ proposal: proposal() }, '198.51.100.9')).status).toBe(201) // another address is not held up
    server.clock.advance(3600)
    expect((await post({ proposal: proposal() })).status).toBe(201)
  })

  it('counts an IPv6 /64 as one address: rotating through it does not get around the limit (review of issue 20)', async () => {
    const answers: number[] = []
    for (let i = 1; i <= INITIATIVES_PER_HOUR + 1; i++) answers.push((await post({ proposal: proposal() }, `2001:db8:1:2::${i.toString(16)}`)).status)
    expect(answers).toEqual([...Array<number>(INITIATIVES_PER_HOUR).fill(201), 429])
    expect((await post({ proposal: proposal() }, '2001:db8:1:3::1')).status).toBe(201) // the next /64 is another household
  })

  it('turns away new proposals while the editors already have the maximum waiting', async () => {
    await server.db.query(
      `INSERT INTO initiative_proposals (id, name, doc) SELECT gen_random_uuid(), 'x', '{}'::jsonb FROM generate_series(1, $1::int)`,
      [MAX_WAITING_INITIATIVES],
    )
    const res = await post({ proposal: proposal() })
    expect(res.status).toBe(429)
    expect(await res.json()).toMatchObject({ code: 'queue-full' })
    expect(await rows()).toBe(MAX_WAITING_INITIATIVES)
  })

  it('refuses a proposal that does not pass the check with the reason, and stores nothing', async () => {
    const bad: unknown[] = [
      { proposal: { ...proposal(), consent: false } },
      { proposal: proposal({ village: 'Uden' }) }, // Uden is in Maashorst, not Bernheze
      { proposal: { ...proposal(), phone: undefined } }, // neither phone nor e-mail
      { proposal: proposal({ name: 'Brei\u202eclub' }) }, // a direction override hides what the editor reads
      { proposal: proposal({ lifeDomains: [] }) },
      { proposal: { ...proposal(), extra: 1 } },
      { proposal: proposal(), other: 1 },
      '{not json',
    ]
    for (const [i, body] of bad.entries()) {
      const res = await post(body, `192.0.2.${i + 1}`) // a refusal counts against the address's hourly limit too
      expect(res.status).toBe(400)
      expect(((await res.json()) as { error: string }).error).toMatch(/^(The body is not valid JSON|Invalid proposal)/)
    }
    expect(await rows()).toBe(0)
  })
})

describe('the map editors moderate proposals', () => {
  it('accepts one: it is published as a burgerinitiatief with the resident’s words, and cannot be accepted twice', async () => {
    const p = proposal()
    await post({ proposal: p })
    const editor = await server.signedIn('kaartbeheerder')
    const list = (await (await editor.agent.call('GET', '/api/map/initiatives')).json()) as { total: number; initiatives: { id: string; proposal: InitiativeProposal }[] }
    expect(list.total).toBe(1)
    expect(list.initiatives[0]!.proposal).toEqual(p)
    const accepted = await editor.agent.call('POST', `/api/map/initiatives/${p.id}/accept`)
    expect(accepted.status).toBe(200)
    expect(await accepted.json()).toMatchObject({ status: 'accepted', serviceId: p.id })
    const listed = (await readMap(await server.app.request('/api/social-map'))).services.find((s) => s.id === p.id) as Service
    expect(isInitiative(listed)).toBe(true)
    expect(listed.description).toContain('Elke woensdag van 14 tot 16 uur')
    expect(listed.service_at_locations![0]!.location!.addresses![0]).toMatchObject({ city: 'Heesch', region: 'Bernheze' })
    expect((await editor.agent.call('POST', `/api/map/initiatives/${p.id}/accept`)).status).toBe(404)
    const versions = await server.db.query<{ change: string }>('SELECT change FROM service_versions WHERE service_id = $1', [p.id])
    expect(versions.rows).toEqual([{ change: 'accept-initiative' }])
    // The listing holds what is published; the proposal keeps no copy of the resident's details.
    expect((await server.db.query('SELECT doc FROM initiative_proposals WHERE id = $1', [p.id])).rows).toEqual([{ doc: null }])
  })

  it('rejects one with a reason: the resident’s details are deleted, the name and reason kept', async () => {
    const p = proposal()
    await post({ proposal: p })
    const editor = await server.signedIn('kaartbeheerder')
    expect((await editor.agent.call('POST', `/api/map/initiatives/${p.id}/reject`, { reason: 'Dit is een commerciële cursus.' })).status).toBe(200)
    const stored = JSON.stringify((await server.db.query('SELECT * FROM initiative_proposals')).rows)
    expect(stored).not.toContain('06 12345678')
    expect(stored).not.toContain('Els van Dijk')
    expect(stored).toContain('Dit is een commerciële cursus.')
    expect((await editor.agent.call('POST', `/api/map/initiatives/${p.id}/accept`)).status).toBe(404)
    const decided = (await (await editor.agent.call('GET', '/api/map/initiatives?status=decided')).json()) as { initiatives: { status: string; proposal: unknown }[] }
    expect(decided.initiatives).toMatchObject([{ status: 'rejected', proposal: null }])
  })

  it('shows a stored proposal that no longer passes the check as unreadable, and will not publish it', async () => {
    const p = proposal()
    await post({ proposal: p })
    await server.db.query(`UPDATE initiative_proposals SET doc = jsonb_set(doc, '{village}', '"Atlantis"')`)
    const editor = await server.signedIn('kaartbeheerder')
    const list = (await (await editor.agent.call('GET', '/api/map/initiatives')).json()) as { initiatives: { unreadable: boolean; proposal: unknown }[] }
    expect(list.initiatives).toMatchObject([{ unreadable: true, proposal: null }])
    const res = await editor.agent.call('POST', `/api/map/initiatives/${p.id}/accept`)
    expect(res.status).toBe(409)
    expect((await readMap(await server.app.request('/api/social-map'))).services.some((s) => s.id === p.id)).toBe(false)
    expect((await server.db.query(`SELECT status FROM initiative_proposals`)).rows).toEqual([{ status: 'open' }])
  })
})
