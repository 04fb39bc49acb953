/**
 * Colleagues on a case (docs/case-sync.md "The team"; src/server/routes/caseTeam.ts) with real
 * WebCrypto and the shared code: exchange keys stored only as their own certified device signed
 * them; only the lead adds, removes and hands over (a member, a colleague outside the case, another
 * organisation's worker, a GP and a beheerder are refused, and nothing changes); a removal re-keys
 * (the removed person gets 404, a write under the old generation is refused, a snapshot is
 * required); a handover moves the lead. One world for the file; each test makes its own case.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/server/db/types'
import { docPullSchema } from '../../src/shared/api/caseSync'
import { membersSchema } from '../../src/shared/api/caseTeam'
import { isExchangeBox, makeExchangeKey, openExchangeBox, sealDocumentKey, type ExchangeKey } from '../../src/shared/caseSync/exchange'
import { makeSnapshot, makeUpdate, newDocumentKey, snapshotHash, wrapDocumentKey } from '../../src/shared/caseSync/messages'
import { Clock, signedIn } from './agent'
import { caseSyncWorld, ownCase, type Phone, type TestCase } from './caseSyncWorld'
import { approvedBoundDevice, organisationTrust } from './devices'
import { setupServerTest, type TestApp } from './fixture'

let db: Database
let close: () => Promise<void>
let app: TestApp
const clock = new Clock()
let w: Awaited<ReturnType<typeof caseSyncWorld>>
/** The exchange keys (record and private half) of the worker, the colleague and a second colleague. */
const keys = new Map<string, { record: ExchangeKey; privateKey: CryptoKey }>()
let second: Phone
let elsewhere: Phone
let gp: Phone
let beheerder: Phone

const signerOf = (p: Phone) => ({ deviceId: p.device.id, signingKey: p.device.keys.signing.privateKey })
const uk = async () => ({ keyId: randomUUID(), key: await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']) })
async function call(p: Phone, method: string, path: string, body?: unknown) {
  const res = await p.agent.call(method, path, body)
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}
const docs = (id: string) => `/api/case-sync/docs/${id}`

async function withDevice(role: 'huisarts' | 'sociaal-werker', admin = w.admin): Promise<Phone> {
  const s = await signedIn(app, db, clock, role, { organisationId: admin.organisationId })
  return { agent: s.agent, userId: s.userId, device: await approvedBoundDevice(s.agent, admin.agent, admin.organisationId) }
}

beforeAll(async () => {
  ;({ db, close, app } = await setupServerTest({ clock }))
  w = await caseSyncWorld({ app, db, clock })
  second = await withDevice('sociaal-werker')
  elsewhere = await withDevice('sociaal-werker', await signedIn(app, db, clock, 'beheerder'))
  gp = await withDevice('huisarts')
  beheerder = { agent: w.admin.agent, userId: w.admin.userId, device: (await organisationTrust(w.admin.agent, w.org)).admin }
  for (const p of [w.phone, w.colleague, second, elsewhere]) {
    const made = await makeExchangeKey(p.userId, await uk(), signerOf(p))
    expect((await call(p, 'PUT', '/api/case-sync/exchange-key', made.record)).status).toBe(201)
    keys.set(p.userId, made)
  }
}, 90_000)
afterAll(async () => {
  await close()
})

/** The case's document key sealed by `by` to `to`'s exchange key. */
const sealTo = (c: { docId: string; dk: CryptoKey }, to: Phone, keyGen = 1, by: Phone = w.phone) =>
  sealDocumentKey(c.dk, { docId: c.docId, keyGen, userId: to.userId, exchangeKey: { deviceId: keys.get(to.userId)!.record.keyId, publicKey: keys.get(to.userId)!.record.publicKey } }, signerOf(by), new Date().toISOString())
async function added(c: TestCase, to: Phone) {
  expect(await call(w.phone, 'POST', `${docs(c.docId)}/members`, { userId: to.userId, keyBox: await sealTo(c, to) })).toEqual({ status: 201, body: { duplicate: false } })
}
const members = async (p: Phone, c: TestCase) => membersSchema.parse((await call(p, 'GET', `${docs(c.docId)}/members`)).body)

describe('exchange keys', () => {
  it('are stored only as signed by the session’s own certified device, once per worker', async () => {
    const mine = keys.get(w.phone.userId)!.record
    expect(await call(w.phone, 'PUT', '/api/case-sync/exchange-key', mine)).toEqual({ status: 200, body: { duplicate: true } })
    // Another key for the same worker, a key made on the laptop but sent from the phone, one for someone else, a forged signature.
    const another = await makeExchangeKey(w.phone.userId, await uk(), signerOf(w.phone))
    expect((await call(w.phone, 'PUT', '/api/case-sync/exchange-key', another.record)).body).toMatchObject({ code: 'exists' })
    const fromLaptop = await makeExchangeKey(w.phone.userId, await uk(), signerOf(w.laptop))
    expect((await call(w.phone, 'PUT', '/api/case-sync/exchange-key', fromLaptop.record)).body).toMatchObject({ code: 'wrong-sender' })
    const forSomeoneElse = await makeExchangeKey(w.colleague.userId, await uk(), signerOf(w.phone))
    expect((await call(w.phone, 'PUT', '/api/case-sync/exchange-key', forSomeoneElse.record)).body).toMatchObject({ code: 'wrong-person' })
    const injected = { ...another.record, publicKey: keys.get(second.userId)!.record.publicKey }
    const fresh = signedIn(app, db, clock, 'sociaal-werker', { organisationId: w.org })
    const newcomer = await fresh
    const np: Phone = { agent: newcomer.agent, userId: newcomer.userId, device: await approvedBoundDevice(newcomer.agent, w.admin.agent, w.org) }
    expect((await call(np, 'PUT', '/api/case-sync/exchange-key', { ...injected, userId: np.userId, deviceId: np.device.id })).body).toMatchObject({ code: 'bad-signature' })
    expect((await call(w.laptop, 'GET', '/api/case-sync/exchange-key')).body).toEqual({ key: mine })
  })

  it('come with the organisation’s sociaal-werkers and their certified devices, not another organisation’s', async () => {
    const list = (await call(w.phone, 'GET', '/api/case-sync/colleagues')).body as { colleagues: { userId: string; exchangeKey: unknown; devices: { deviceId: string }[] }[]; chains: Record<string, unknown> }
    const ids = list.colleagues.map((c) => c.userId)
    expect(ids).toContain(w.colleague.userId)
    expect(ids).not.toContain(w.phone.userId)
    expect(ids).not.toContain(elsewhere.userId)
    expect(ids).not.toContain(gp.userId)
    const colleague = list.colleagues.find((c) => c.userId === w.colleague.userId)!
    expect(colleague.exchangeKey).toEqual(keys.get(w.colleague.userId)!.record)
    expect(colleague.devices.map((d) => d.deviceId)).toEqual([w.colleague.device.id])
    expect(Object.keys(list.chains)).toEqual([w.org])
    expect((await call(gp, 'GET', '/api/case-sync/colleagues')).status).toBe(403)
  })
})

describe('the lead and the team', () => {
  it('lets only the lead add a colleague of the same organisation; the colleague then lists, pulls and opens the case', async () => {
    const c = await ownCase(w.phone)
    const path = `${docs(c.docId)}/members`
    // Attacks first: nobody but the lead adds anyone, and nothing changes.
    const selfAdd = { userId: w.colleague.userId, keyBox: await sealTo(c, w.colleague, 1, w.colleague) }
    expect((await call(w.colleague, 'POST', path, selfAdd)).status).toBe(404)
    expect((await call(elsewhere, 'POST', path, { userId: elsewhere.userId, keyBox: await sealTo(c, elsewhere, 1, elsewhere) })).status).toBe(404)
    expect((await call(gp, 'POST', path, selfAdd)).status).toBe(403)
    expect((await call(beheerder, 'POST', path, selfAdd)).status).toBe(403)
    // The lead: not another organisation's worker, not a box sealed to the wrong key, not one made by the laptop.
    expect((await call(w.phone, 'POST', path, { userId: elsewhere.userId, keyBox: await sealTo(c, elsewhere) })).body).toMatchObject({ code: 'not-a-colleague' })
    const wrongKey = { ...(await sealTo(c, second)), userId: w.colleague.userId }
    expect((await call(w.phone, 'POST', path, { userId: w.colleague.userId, keyBox: wrongKey })).body).toMatchObject({ code: 'bad-key-box' })
    expect((await call(w.phone, 'POST', path, { userId: w.colleague.userId, keyBox: await sealTo(c, w.colleague, 2) })).body).toMatchObject({ code: 'bad-key-box' })
    expect((await call(w.phone, 'POST', path, { userId: w.colleague.userId, keyBox: await sealTo(c, w.colleague, 1, w.laptop) })).body).toMatchObject({ code: 'wrong-sender' })
    expect((await members(w.phone, c)).members.map((m) => m.userId)).toEqual([w.phone.userId])

    await added(c, w.colleague)
    expect((await call(w.phone, 'POST', path, { userId: w.colleague.userId, keyBox: await sealTo(c, w.colleague) })).body).toMatchObject({ code: 'already-member' })
    const listed = (await call(w.colleague, 'GET', '/api/case-sync/docs')).body.docs as { docId: string; role: string }[]
    expect(listed.find((d) => d.docId === c.docId)?.role).toBe('member')
    const pulled = docPullSchema.parse((await call(w.colleague, 'GET', docs(c.docId))).body)
    const box = pulled.keyBoxes.find(isExchangeBox)!
    const leadKey = (id: string) => Promise.resolve(id === w.phone.device.id ? w.phone.device.keys.signingKey : null)
    const dk = await openExchangeBox(box, keys.get(w.colleague.userId)!.privateKey, leadKey)
    expect(await crypto.subtle.exportKey('raw', dk)).toEqual(await crypto.subtle.exportKey('raw', c.dk))
    // A box whose sender the phone does not trust does not open.
    await expect(openExchangeBox(box, keys.get(w.colleague.userId)!.privateKey, () => Promise.resolve(w.laptop.device.keys.signingKey))).rejects.toThrow()
    expect((await call(w.colleague, 'POST', `${docs(c.docId)}/updates`, await c.update(w.colleague))).status).toBe(201)
    // A member is no lead.
    expect((await call(w.colleague, 'POST', path, { userId: second.userId, keyBox: await sealTo(c, second, 1, w.colleague) })).body).toMatchObject({ code: 'not-lead' })
    expect((await call(w.colleague, 'POST', `${docs(c.docId)}/lead`, { userId: w.colleague.userId })).body).toMatchObject({ code: 'not-lead' })
    const log = (await call(w.phone, 'GET', `${docs(c.docId)}/access-log`)).body.entries as { action: string; userId: string }[]
    expect(log.filter((e) => e.action === 'share').map((e) => e.userId)).toEqual([w.phone.userId])
  })

  it('re-keys on a removal: the removed colleague gets 404, the old generation is refused, a snapshot is required', async () => {
    const c = await ownCase(w.phone)
    await added(c, w.colleague)
    await added(c, second)
    expect((await call(w.colleague, 'POST', `${docs(c.docId)}/updates`, await c.update(w.colleague, 'voor het verwijderen'))).status).toBe(201)
    const dk2 = await newDocumentKey()
    const own = await wrapDocumentKey(dk2, c.userKey, signerOf(w.phone), { docId: c.docId, keyGen: 2, userId: w.phone.userId, userKeyId: c.userKeyId })
    const toSecond = await sealTo({ docId: c.docId, dk: dk2 }, second, 2)
    const remove = (by: Phone, body: unknown) => call(by, 'POST', `${docs(c.docId)}/members/${w.colleague.userId}/remove`, body)
    // Attacks first: the removed-to-be, the other member, outsiders.
    for (const p of [w.colleague, second]) expect((await remove(p, { keyGen: 2, keyBoxes: [own, toSecond] })).body).toMatchObject({ code: 'not-lead' })
    expect((await remove(elsewhere, { keyGen: 2, keyBoxes: [own, toSecond] })).status).toBe(404)
    expect((await remove(gp, { keyGen: 2, keyBoxes: [own, toSecond] })).status).toBe(403)
    expect((await remove(beheerder, { keyGen: 2, keyBoxes: [own, toSecond] })).status).toBe(403)
    // The lead must box the new key to everyone who stays, and to nobody who goes.
    expect((await remove(w.phone, { keyGen: 2, keyBoxes: [own] })).body).toMatchObject({ code: 'bad-key-box' })
    expect((await remove(w.phone, { keyGen: 2, keyBoxes: [own, toSecond, await sealTo({ docId: c.docId, dk: dk2 }, w.colleague, 2)] })).body).toMatchObject({ code: 'bad-key-box' })
    expect((await remove(w.phone, { keyGen: 3, keyBoxes: [own, toSecond] })).body).toMatchObject({ code: 'key-outdated' })
    expect((await members(w.phone, c)).members).toHaveLength(3)

    expect(await remove(w.phone, { keyGen: 2, keyBoxes: [own, toSecond] })).toEqual({ status: 200, body: { keyGen: 2 } })
    expect((await call(w.colleague, 'GET', docs(c.docId))).status).toBe(404)
    expect((await call(w.colleague, 'POST', `${docs(c.docId)}/updates`, await c.update(w.colleague, 'na het verwijderen'))).status).toBe(404)
    expect(((await call(w.colleague, 'GET', '/api/case-sync/docs')).body.docs as { docId: string }[]).some((d) => d.docId === c.docId)).toBe(false)
    const state = docPullSchema.parse((await call(second, 'GET', docs(c.docId))).body)
    expect(state.doc).toMatchObject({ keyGen: 2, requiresSnapshot: true })
    expect(state.keyBoxes.map((b) => b.keyGen)).toEqual([1, 2])
    // Writes under the old generation are refused; the snapshot under the new one is taken.
    expect((await call(w.laptop, 'POST', `${docs(c.docId)}/updates`, await c.update(w.laptop))).body).toMatchObject({ code: 'snapshot-required' })
    const old = await c.snapshot(w.phone)
    expect((await call(w.phone, 'POST', `${docs(c.docId)}/snapshots`, old)).body).toMatchObject({ code: 'key-outdated' })
    const on = { parentId: c.active.id, parentHash: await snapshotHash(c.active), clocks: { [w.colleague.device.id]: 1 } }
    const fresh = await makeSnapshot(dk2, signerOf(w.phone), { id: randomUUID(), docId: c.docId, ...on, keyGen: 2 }, new TextEncoder().encode('opnieuw versleuteld'))
    expect((await call(w.phone, 'POST', `${docs(c.docId)}/snapshots`, fresh)).status).toBe(201)
    const oldGen = await c.update(w.phone, 'oude sleutel', { snapshotId: fresh.id, clock: 1 })
    expect((await call(w.phone, 'POST', `${docs(c.docId)}/updates`, oldGen)).body).toMatchObject({ code: 'key-outdated' })
    const newGen = await makeUpdate(dk2, signerOf(w.phone), { id: randomUUID(), docId: c.docId, snapshotId: fresh.id, clock: 1, keyGen: 2 }, new TextEncoder().encode('nieuwe sleutel'))
    expect((await call(w.phone, 'POST', `${docs(c.docId)}/updates`, newGen)).status).toBe(201)
    const log = (await call(w.phone, 'GET', `${docs(c.docId)}/access-log`)).body.entries as { action: string }[]
    expect(log.filter((e) => e.action === 'remove')).toHaveLength(1)
  })

  it('drops a member who left the organisation at the next re-key, and leaves them off the member list (security review L5)', async () => {
    const c = await ownCase(w.phone)
    await added(c, w.colleague)
    await added(c, second)
    // `second` leaves the organisation (set past the API): the lead's phone cannot box a key to them any more.
    await db.query("DELETE FROM memberships WHERE user_id = $1 AND organisation_id = $2 AND role = 'sociaal-werker'", [second.userId, w.org])
    try {
      expect((await members(w.phone, c)).members.map((m) => m.userId).sort()).toEqual([w.phone.userId, w.colleague.userId].sort())
      expect((await call(w.phone, 'POST', `${docs(c.docId)}/lead`, { userId: second.userId })).body).toMatchObject({ code: 'not-a-member' })
      const dk2 = await newDocumentKey()
      const own = await wrapDocumentKey(dk2, c.userKey, signerOf(w.phone), { docId: c.docId, keyGen: 2, userId: w.phone.userId, userKeyId: c.userKeyId })
      expect(await call(w.phone, 'POST', `${docs(c.docId)}/members/${w.colleague.userId}/remove`, { keyGen: 2, keyBoxes: [own] })).toEqual({ status: 200, body: { keyGen: 2 } })
      expect(Number((await db.query<{ n: string }>('SELECT count(*)::text AS n FROM sync_members WHERE document_id = $1', [c.docId])).rows[0]!.n)).toBe(1)
      expect(Number((await db.query<{ n: string }>('SELECT count(*)::text AS n FROM sync_key_boxes WHERE document_id = $1 AND user_id = $2', [c.docId, second.userId])).rows[0]!.n)).toBe(0)
    } finally {
      await db.query("INSERT INTO memberships (user_id, organisation_id, role) VALUES ($1, $2, 'sociaal-werker')", [second.userId, w.org])
    }
  })

  it('hands the lead to a member only; the new lead then leads', async () => {
    const c = await ownCase(w.phone)
    const lead = (by: Phone, userId: string) => call(by, 'POST', `${docs(c.docId)}/lead`, { userId })
    expect((await lead(w.phone, w.colleague.userId)).body).toMatchObject({ code: 'not-a-member' })
    await added(c, w.colleague)
    expect((await lead(w.colleague, w.colleague.userId)).body).toMatchObject({ code: 'not-lead' })
    expect((await lead(elsewhere, elsewhere.userId)).status).toBe(404)
    expect((await lead(gp, gp.userId)).status).toBe(403)
    expect((await members(w.phone, c)).members.map((m) => [m.userId, m.role])).toEqual([
      [w.phone.userId, 'lead'],
      [w.colleague.userId, 'member'],
    ])
    expect(await lead(w.phone, w.colleague.userId)).toEqual({ status: 201, body: { duplicate: false } })
    expect((await members(w.phone, c)).members.map((m) => [m.userId, m.role])).toEqual([
      [w.colleague.userId, 'lead'],
      [w.phone.userId, 'member'],
    ])
    expect(((await call(w.colleague, 'GET', '/api/case-sync/docs')).body.docs as { docId: string; role: string }[]).find((d) => d.docId === c.docId)?.role).toBe('lead')
    // The old lead is a member now; the new lead adds and removes.
    expect((await lead(w.phone, w.phone.userId)).body).toMatchObject({ code: 'not-lead' })
    expect((await call(w.colleague, 'POST', `${docs(c.docId)}/members`, { userId: second.userId, keyBox: await sealTo(c, second, 1, w.colleague) })).status).toBe(201)
    const log = (await call(w.colleague, 'GET', `${docs(c.docId)}/access-log`)).body.entries as { action: string; userId: string }[]
    expect(log.filter((e) => e.action === 'handover').map((e) => e.userId)).toEqual([w.phone.userId])
  })
})
