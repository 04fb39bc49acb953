/**
 * Another organisation on a case (docs/case-sync.md "Another organisation"; src/server/caseSync/invitations.ts)
 * with real WebCrypto, across organisations and roles: the lead's invitation by e-mail answers the
 * same for an unknown and a known address and stores a row only for a sociaal-werker; nobody but the
 * lead invites; nobody of another organisation is added without an accepted invitation; an accepted
 * invitee of organisation B is added, pulls, pushes and takes the lead, and once they leave B gets 404;
 * an expired invitation cannot be accepted; a lead's invitations per day are limited in the database.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/server/db/types'
import { docPullSchema } from '../../src/shared/api/caseSync'
import { colleaguesSchema, INVITATIONS_PER_DAY, invitationsSchema } from '../../src/shared/api/caseTeam'
import { isExchangeBox, makeExchangeKey, openExchangeBox, sealDocumentKey, type ExchangeKey } from '../../src/shared/caseSync/exchange'
import { Clock, signedIn } from './agent'
import { caseSyncWorld, ownCase, type Phone, type TestCase } from './caseSyncWorld'
import { approvedBoundDevice, organisationTrust } from './devices'
import { setupServerTest, type TestApp } from './fixture'

let db: Database
let close: () => Promise<void>
let app: TestApp
const clock = new Clock()
let w: Awaited<ReturnType<typeof caseSyncWorld>>
const keys = new Map<string, { record: ExchangeKey; privateKey: CryptoKey }>()
const emails = new Map<string, string>()
let orgB: string
/** A sociaal-werker of organisation B, one of organisation C, a GP and a beheerder of A. */
let b: Phone
let third: Phone
let gp: Phone
let beheerder: Phone

const signerOf = (p: Phone) => ({ deviceId: p.device.id, signingKey: p.device.keys.signing.privateKey })
async function call(p: Phone, method: string, path: string, body?: unknown) {
  const res = await p.agent.call(method, path, body)
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}
const docs = (id: string) => `/api/case-sync/docs/${id}`
const invite = (by: Phone, c: TestCase, email: string) => call(by, 'POST', `${docs(c.docId)}/invitations`, { email })
const count = async (sql: string, params: unknown[]) => Number((await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${sql}`, params)).rows[0]!.n)
const invited = (c: TestCase) => db.query<{ invitee_id: string }>('SELECT invitee_id FROM case_invitations WHERE document_id = $1 ORDER BY invitee_id', [c.docId]).then((r) => r.rows.map((x) => x.invitee_id))

async function worker(role: 'huisarts' | 'sociaal-werker', admin: { agent: Phone['agent']; organisationId: string }): Promise<Phone> {
  const s = await signedIn(app, db, clock, role, { organisationId: admin.organisationId })
  const p = { agent: s.agent, userId: s.userId, device: await approvedBoundDevice(s.agent, admin.agent, admin.organisationId) }
  emails.set(p.userId, s.email)
  return p
}
const sealTo = (c: { docId: string; dk: CryptoKey }, to: Phone, by: Phone = w.phone) =>
  sealDocumentKey(c.dk, { docId: c.docId, keyGen: 1, userId: to.userId, exchangeKey: { deviceId: keys.get(to.userId)!.record.keyId, publicKey: keys.get(to.userId)!.record.publicKey } }, signerOf(by), new Date().toISOString())
const add = async (c: TestCase, to: Phone, by: Phone = w.phone) => call(by, 'POST', `${docs(c.docId)}/members`, { userId: to.userId, keyBox: await sealTo(c, to, by) })

beforeAll(async () => {
  ;({ db, close, app } = await setupServerTest({ clock }))
  w = await caseSyncWorld({ app, db, clock })
  for (const p of [w.phone, w.colleague]) emails.set(p.userId, (await db.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [p.userId])).rows[0]!.email)
  const adminB = await signedIn(app, db, clock, 'beheerder')
  orgB = adminB.organisationId
  await db.query('UPDATE organisations SET name = $2 WHERE id = $1', [orgB, 'Welzijn Uden'])
  b = await worker('sociaal-werker', adminB)
  third = await worker('sociaal-werker', await signedIn(app, db, clock, 'beheerder'))
  gp = await worker('huisarts', w.admin)
  beheerder = { agent: w.admin.agent, userId: w.admin.userId, device: (await organisationTrust(w.admin.agent, w.org)).admin }
  for (const p of [w.phone, w.colleague, b, third]) {
    const uk = { keyId: randomUUID(), key: await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']) }
    const made = await makeExchangeKey(p.userId, uk, signerOf(p))
    expect((await call(p, 'PUT', '/api/case-sync/exchange-key', made.record)).status).toBe(201)
    keys.set(p.userId, made)
  }
}, 120_000)
afterAll(async () => {
  await close()
})

describe('an invitation by e-mail', () => {
  it('answers the same whether or not the address is a sociaal-werker’s, and stores a row only for one', async () => {
    const c = await ownCase(w.phone)
    const sent = { status: 200, body: { sent: true } }
    // Unknown, another organisation's worker (in capitals), the own colleague, a GP, the lead themself.
    for (const email of [`niemand.${randomUUID().slice(0, 8)}@example.org`, emails.get(b.userId)!.toUpperCase(), emails.get(w.colleague.userId)!, emails.get(gp.userId)!, w.worker.email]) {
      expect(await invite(w.phone, c, email)).toEqual(sent)
    }
    expect(await invited(c)).toEqual([b.userId, w.colleague.userId].sort())
    const log = (await call(w.phone, 'GET', `${docs(c.docId)}/access-log`)).body.entries as { action: string; userId: string }[]
    expect(log.filter((e) => e.action === 'invite').map((e) => e.userId)).toEqual(Array(5).fill(w.phone.userId))
    expect(await count("audit_log WHERE action = 'invite-to-case' AND entity_id = $1", [c.docId])).toBe(5)
  })

  it('is asked only by the lead: not a member, another organisation, a GP or a beheerder; nothing is stored', async () => {
    const c = await ownCase(w.phone)
    expect((await add(c, w.colleague)).status).toBe(201)
    const email = emails.get(b.userId)!
    expect((await invite(w.colleague, c, email)).body).toMatchObject({ code: 'not-lead' })
    expect((await invite(third, c, email)).status).toBe(404)
    expect((await invite(b, c, email)).status).toBe(404)
    expect((await invite(gp, c, email)).status).toBe(403)
    expect((await invite(beheerder, c, email)).status).toBe(403)
    expect(await invited(c)).toEqual([])
    expect(await count("case_access_log WHERE action = 'invite' AND document_id = $1", [c.docId])).toBe(0)
  })

  it('is limited per lead per day in the database, with the same answer for a known and an unknown address', async () => {
    const c = await ownCase(w.colleague)
    await db.query('INSERT INTO case_invitation_counts (user_id, day, hits) VALUES ($1, $2, $3)', [w.colleague.userId, new Date(clock.now()).toISOString().slice(0, 10), INVITATIONS_PER_DAY - 1])
    expect((await invite(w.colleague, c, `x.${randomUUID().slice(0, 8)}@example.org`)).status).toBe(200)
    const unknown = await invite(w.colleague, c, `y.${randomUUID().slice(0, 8)}@example.org`)
    const known = await invite(w.colleague, c, emails.get(b.userId)!)
    expect(unknown.status).toBe(429)
    expect({ ...known.body, error: '' }).toEqual({ ...unknown.body, error: '' })
    expect(await invited(c)).toEqual([])
  })
})

describe('a professional of another organisation', () => {
  it('is added only after accepting; then pulls, pushes, takes the lead, and gets 404 once they leave their organisation', async () => {
    const c = await ownCase(w.phone)
    const aName = (await db.query<{ name: string }>('SELECT name FROM organisations WHERE id = $1', [w.org])).rows[0]!.name
    // Not without an invitation, not before accepting, and no one but the invitee accepts.
    expect((await add(c, b)).body).toMatchObject({ code: 'not-a-colleague' })
    expect((await invite(w.phone, c, emails.get(b.userId)!)).status).toBe(200)
    expect((await add(c, b)).body).toMatchObject({ code: 'not-a-colleague' })
    expect((await call(third, 'POST', `/api/case-sync/invitations/${c.docId}/accept`)).status).toBe(404)
    expect((await add(c, third)).body).toMatchObject({ code: 'not-a-colleague' })
    const pendingFor = async (p: Phone) => invitationsSchema.parse((await call(p, 'GET', '/api/case-sync/invitations')).body).invitations.filter((i) => i.docId === c.docId)
    expect(await pendingFor(b)).toEqual([{ docId: c.docId, inviterName: 'Test sociaal-werker', organisationName: aName, invitedAt: expect.any(String) as string, expiresAt: expect.any(String) as string }])
    expect(await pendingFor(third)).toEqual([])

    expect((await call(b, 'POST', `/api/case-sync/invitations/${c.docId}/accept`)).status).toBe(201)
    expect(await call(b, 'POST', `/api/case-sync/invitations/${c.docId}/accept`)).toEqual({ status: 200, body: { duplicate: true } })
    expect(await pendingFor(b)).toEqual([])
    // The lead's listing names them with B's chain; nobody else's does.
    const list = colleaguesSchema.parse((await call(w.phone, 'GET', '/api/case-sync/colleagues')).body)
    const listed = list.colleagues.find((x) => x.userId === b.userId)
    expect(listed).toMatchObject({ organisationId: orgB, organisationName: 'Welzijn Uden', exchangeKey: keys.get(b.userId)!.record, acceptedFor: [c.docId] })
    expect(listed!.devices.map((d) => (d as { deviceId: string }).deviceId)).toEqual([b.device.id])
    expect(Object.keys(list.chains).sort()).toEqual([w.org, orgB].sort())
    expect(colleaguesSchema.parse((await call(w.colleague, 'GET', '/api/case-sync/colleagues')).body).colleagues.map((x) => x.userId)).not.toContain(b.userId)

    expect(await add(c, b)).toEqual({ status: 201, body: { duplicate: false } })
    expect(await invited(c)).toEqual([])
    const pulled = docPullSchema.parse((await call(b, 'GET', docs(c.docId))).body)
    const leadKey = (id: string) => Promise.resolve(id === w.phone.device.id ? w.phone.device.keys.signingKey : null)
    const dk = await openExchangeBox(pulled.keyBoxes.find(isExchangeBox)!, keys.get(b.userId)!.privateKey, leadKey)
    expect(await crypto.subtle.exportKey('raw', dk)).toEqual(await crypto.subtle.exportKey('raw', c.dk))
    expect((await call(b, 'POST', `${docs(c.docId)}/updates`, await c.update(b, 'van de andere organisatie'))).status).toBe(201)
    // B's worker sees the lead (organisation A) with A's chain, so their phone checks the lead's signatures.
    const theirs = colleaguesSchema.parse((await call(b, 'GET', '/api/case-sync/colleagues')).body)
    expect(theirs.colleagues.find((x) => x.userId === w.phone.userId)).toMatchObject({ organisationId: w.org })
    expect(Object.keys(theirs.chains)).toContain(w.org)

    expect(await call(w.phone, 'POST', `${docs(c.docId)}/lead`, { userId: b.userId })).toEqual({ status: 201, body: { duplicate: false } })
    expect(((await call(b, 'GET', '/api/case-sync/docs')).body.docs as { docId: string; role: string }[]).find((d) => d.docId === c.docId)?.role).toBe('lead')
    expect((await invite(b, c, emails.get(third.userId)!)).status).toBe(200)

    // They leave organisation B for organisation C, where their device is approved (set past the API, as
    // test/server/caseSync.test.ts does): still a sociaal-werker, but not of B, so nothing of the case any more.
    const orgC = (await db.query<{ organisation_id: string }>('SELECT organisation_id FROM devices WHERE id = $1', [third.device.id])).rows[0]!.organisation_id
    await db.query("DELETE FROM memberships WHERE user_id = $1 AND organisation_id = $2 AND role = 'sociaal-werker'", [b.userId, orgB])
    await db.query("INSERT INTO memberships (user_id, organisation_id, role) VALUES ($1, $2, 'sociaal-werker')", [b.userId, orgC])
    await db.query('UPDATE devices SET organisation_id = $1 WHERE id = $2', [orgC, b.device.id])
    expect((await call(b, 'GET', docs(c.docId))).status).toBe(404)
    expect(((await call(b, 'GET', '/api/case-sync/docs')).body.docs as { docId: string }[]).some((d) => d.docId === c.docId)).toBe(false)
    expect((await call(w.phone, 'GET', `${docs(c.docId)}/members`)).status).toBe(200)
  })

  it('opens the case only on a device of the organisation the member acts for (security review L1)', async () => {
    const c = await ownCase(w.phone)
    expect((await invite(w.phone, c, emails.get(b.userId)!)).status).toBe(200)
    expect((await call(b, 'POST', `/api/case-sync/invitations/${c.docId}/accept`)).status).toBe(201)
    expect((await add(c, b)).status).toBe(201)
    expect((await call(b, 'GET', docs(c.docId))).status).toBe(200)
    // B's worker is also a sociaal-werker of A, and uses a device approved in A (set past the API): on the
    // case they act for B, whose beheerder cannot revoke that device. Nothing of the case reaches it.
    await db.query("INSERT INTO memberships (user_id, organisation_id, role) VALUES ($1, $2, 'sociaal-werker')", [b.userId, w.org])
    await db.query('UPDATE devices SET organisation_id = $1 WHERE id = $2', [w.org, b.device.id])
    try {
      expect((await call(b, 'GET', docs(c.docId))).status).toBe(404)
      expect(((await call(b, 'GET', '/api/case-sync/docs')).body.docs as { docId: string }[]).some((d) => d.docId === c.docId)).toBe(false)
      // Writing from it was refused before too (its certificate names B, not A).
      expect((await call(b, 'POST', `${docs(c.docId)}/updates`, await c.update(b, 'van het verkeerde apparaat'))).status).toBe(403)
      expect((await call(b, 'GET', `${docs(c.docId)}/members`)).status).toBe(404)
      expect((await call(b, 'GET', `${docs(c.docId)}/access-log`)).status).toBe(404)
    } finally {
      await db.query('UPDATE devices SET organisation_id = $1 WHERE id = $2', [orgB, b.device.id])
      await db.query("DELETE FROM memberships WHERE user_id = $1 AND organisation_id = $2 AND role = 'sociaal-werker'", [b.userId, w.org])
    }
  })

  it('cannot accept an expired invitation, needs an exchange key, and can decline', async () => {
    const c = await ownCase(w.phone)
    const accept = (p: Phone) => call(p, 'POST', `/api/case-sync/invitations/${c.docId}/accept`)
    expect((await invite(w.phone, c, emails.get(third.userId)!)).status).toBe(200)
    await db.query('UPDATE case_invitations SET expires_at = $2 WHERE document_id = $1', [c.docId, new Date(clock.now() - 1000)])
    expect(invitationsSchema.parse((await call(third, 'GET', '/api/case-sync/invitations')).body).invitations.map((i) => i.docId)).not.toContain(c.docId)
    expect((await accept(third)).status).toBe(404)
    expect((await add(c, third)).body).toMatchObject({ code: 'not-a-colleague' })

    // Invited again: pending anew. Without an exchange key they cannot accept yet; declining ends it.
    expect((await invite(w.phone, c, emails.get(third.userId)!)).status).toBe(200)
    const keyless = await worker('sociaal-werker', await signedIn(app, db, clock, 'beheerder'))
    expect((await invite(w.phone, c, emails.get(keyless.userId)!)).status).toBe(200)
    expect((await accept(keyless)).body).toMatchObject({ code: 'no-exchange-key' })
    expect((await call(keyless, 'POST', `/api/case-sync/invitations/${c.docId}/decline`)).status).toBe(200)
    expect((await accept(keyless)).status).toBe(404)
    expect((await call(keyless, 'POST', `/api/case-sync/invitations/${c.docId}/decline`)).status).toBe(404)
    // An accepted invitee who left their organisation cannot be added.
    expect((await accept(third)).status).toBe(201)
    await db.query("DELETE FROM memberships WHERE user_id = $1 AND role = 'sociaal-werker'", [third.userId])
    expect((await add(c, third)).body).toMatchObject({ code: 'not-a-colleague' })
  })
})
