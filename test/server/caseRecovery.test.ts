/**
 * Recovery with the organisation recovery key (docs/case-sync.md, "Recovery"), with real
 * WebCrypto: the setup needs two beheerders with certified devices; a worker's phone seals its user
 * key to the recovery key; beheerder A starts a recovery for the worker's new device and ANOTHER
 * beheerder B of the group confirms it with the user key sealed to that device. One beheerder
 * alone, a beheerder elsewhere, a social worker, a GP, a box to someone else's device: refused.
 * Audited, and 'recover' in the access log of every case of the worker.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/server/db/types'
import { myRecoveriesSchema, recoveryKeyAnswerSchema, recoveryRequestDetailSchema, type RecoveryKey } from '../../src/shared/api/caseRecovery'
import { Clock, signedIn } from './agent'
import { anotherSession, ownCase, type Phone } from './caseSyncWorld'
import { confirmBoxes, firstBeheerder, recoveryBox, recoverySetup, secondBeheerder, startBody, type Holder } from './caseRecoveryWorld'
import { approvedBoundDevice } from './devices'
import { setupServerTest, type TestApp } from './fixture'

let db: Database
let close: () => Promise<void>
let app: TestApp
const clock = new Clock()
let org: string
let a: Holder
let b: Holder
let worker: Phone & { email: string; secret: string }
let key: RecoveryKey
let docId: string

const R = '/api/case-sync/recovery'
const now = () => new Date(clock.now())
async function call(who: Pick<Holder, 'agent'>, method: string, path: string, body?: unknown) {
  const res = await who.agent.call(method, path, body)
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}
const count = async (sql: string, params: unknown[]) => Number((await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${sql}`, params)).rows[0]!.n)

/** A new approved device of the worker, with its own session (the lost phone is gone). */
async function newDevice() {
  const agent = await anotherSession(app, clock, worker.email, worker.secret)
  const device = await approvedBoundDevice(agent, a.agent, org, 'Nieuwe telefoon')
  return { agent, device, userId: worker.userId }
}

beforeAll(async () => {
  ;({ db, close, app } = await setupServerTest({ clock }))
  const admin = await signedIn(app, db, clock, 'beheerder')
  org = admin.organisationId
  a = await firstBeheerder(admin.agent, org, admin.userId)
  const w = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: org })
  worker = { agent: w.agent, device: await approvedBoundDevice(w.agent, a.agent, org, 'Telefoon'), userId: w.userId, email: w.email, secret: w.secret }
  docId = (await ownCase(worker)).docId
}, 60_000)
afterAll(async () => {
  await close()
})

describe('setting up the recovery key', () => {
  it('is refused while only one beheerder has a certified device, then taken once with two', async () => {
    const alone = await recoverySetup(a, [a.device, worker.device])
    expect(await call(a, 'POST', `${R}/key`, alone.body)).toMatchObject({ status: 409, body: { code: 'recovery-group-too-small' } })
    b = await secondBeheerder(app, db, clock, a.agent, org)
    // The second box to a social worker's device: not a beheerder of the group.
    expect(await call(a, 'POST', `${R}/key`, alone.body)).toMatchObject({ status: 403, body: { code: 'wrong-recipient' } })
    // A social worker's device may not set it up; a key signed by another device is refused.
    expect((await call(worker, 'POST', `${R}/key`, (await recoverySetup(worker, [a.device, b.device])).body)).status).toBe(403)
    const byB = await recoverySetup(b, [a.device, b.device])
    expect(await call(a, 'POST', `${R}/key`, byB.body)).toMatchObject({ status: 403, body: { code: 'wrong-sender' } })
    const good = await recoverySetup(a, [a.device, b.device])
    expect(await call(a, 'POST', `${R}/key`, good.body)).toEqual({ status: 201, body: { duplicate: false } })
    expect(await call(b, 'POST', `${R}/key`, byB.body)).toMatchObject({ status: 409, body: { code: 'recovery-key-exists' } })
    key = good.ork.key
    const seen = recoveryKeyAnswerSchema.parse((await call(worker, 'GET', `${R}/key`)).body)
    expect(seen.key).toEqual(key)
    expect((seen.signer as { deviceId: string }).deviceId).toBe(a.device.id)
    expect(seen.group).toHaveLength(2)
    expect(await count("audit_log WHERE action = 'recovery-key-set' AND organisation_id = $1", [org])).toBe(1)
  })

  it("takes a worker's user key sealed to the recovery key by the worker's own device, once", async () => {
    const box = await recoveryBox(worker, key)
    expect(await call(worker, 'POST', `${R}/user-keys`, box)).toEqual({ status: 201, body: { duplicate: false } })
    expect(await call(worker, 'POST', `${R}/user-keys`, box)).toEqual({ status: 200, body: { duplicate: true } })
    expect(await call(worker, 'POST', `${R}/user-keys`, { ...(await recoveryBox(worker, key)), recoveryKeyId: randomUUID() })).toMatchObject({ status: 409, body: { code: 'unknown-recovery-key' } })
    // Sealed by another device than the session's.
    const other = await recoveryBox({ ...worker, device: b.device }, key)
    expect(await call(worker, 'POST', `${R}/user-keys`, other)).toMatchObject({ status: 403, body: { code: 'wrong-sender' } })
    expect(recoveryKeyAnswerSchema.parse((await call(worker, 'GET', `${R}/key`)).body).sealedKeyIds).toEqual([box.keyId])
  })
})

describe('the recovery ceremony', () => {
  it('needs two beheerders: the one who started it cannot confirm it', async () => {
    const fresh = await newDevice()
    const started = await call(a, 'POST', `${R}/requests`, await startBody(a, fresh, now()))
    expect(started.status).toBe(201)
    const id = started.body.id as string
    // A is in the recovery group too: it can open everything, but the server refuses the one-person recovery.
    const detail = recoveryRequestDetailSchema.parse((await call(a, 'GET', `${R}/requests/${id}`)).body)
    const boxes = await confirmBoxes(a, detail, { id: fresh.device.id, publicKey: fresh.device.keys.publicKey })
    expect(await call(a, 'POST', `${R}/requests/${id}/confirm`, { boxes })).toMatchObject({ status: 403, body: { code: 'same-beheerder' } })
    expect(await count('user_key_boxes WHERE device_id = $1', [fresh.device.id])).toBe(0)
  })

  it('gives the new device every user key when another beheerder confirms; audited, logged per case, told to the worker', async () => {
    const fresh = await newDevice()
    const id = (await call(a, 'POST', `${R}/requests`, await startBody(a, fresh, now()))).body.id as string
    const listed = (await call(b, 'GET', `${R}/requests`)).body.requests as { id: string; status: string; startedByName: string }[]
    expect(listed.find((r) => r.id === id)?.status).toBe('open')
    const detail = recoveryRequestDetailSchema.parse((await call(b, 'GET', `${R}/requests/${id}`)).body)
    const boxes = await confirmBoxes(b, detail, { id: fresh.device.id, publicKey: fresh.device.keys.publicKey })
    expect(await call(b, 'POST', `${R}/requests/${id}/confirm`, { boxes })).toEqual({ status: 200, body: { keys: 1, cases: 1 } })
    expect(await call(b, 'POST', `${R}/requests/${id}/confirm`, { boxes })).toMatchObject({ status: 409, body: { code: 'request-closed' } })
    const got = (await call(fresh, 'GET', '/api/case-sync/user-keys')).body.boxes as { keyId: string; box: { sender: { deviceId: string } } }[]
    expect(got.map((x) => [x.keyId, x.box.sender.deviceId])).toEqual([[boxes[0]!.keyId, b.device.id]])
    expect(await count("audit_log WHERE action = 'recovery-start' AND actor_id = $1 AND entity_id = $2", [a.userId, worker.userId])).toBeGreaterThanOrEqual(1)
    expect(await count("audit_log WHERE action = 'recovery-confirm' AND actor_id = $1 AND entity_id = $2", [b.userId, worker.userId])).toBe(1)
    expect(await count("case_access_log WHERE action = 'recover' AND document_id = $1 AND user_id = $2 AND device_id = $3", [docId, b.userId, b.device.id])).toBe(1)
    const mine = myRecoveriesSchema.parse((await call(fresh, 'GET', `${R}/mine`)).body)
    expect(mine.hadKeys).toBe(true)
    expect(mine.recoveries[0]).toMatchObject({ id, deviceId: fresh.device.id, confirmerDeviceId: b.device.id, startedByName: 'Test beheerder', confirmedByName: 'Test beheerder' })
  })

  it("refuses a box to a device of another person, and the request for a device of another organisation", async () => {
    const fresh = await newDevice()
    const colleague = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: org })
    const theirs = { agent: colleague.agent, device: await approvedBoundDevice(colleague.agent, a.agent, org), userId: colleague.userId }
    const id = (await call(a, 'POST', `${R}/requests`, await startBody(a, fresh, now()))).body.id as string
    const detail = recoveryRequestDetailSchema.parse((await call(b, 'GET', `${R}/requests/${id}`)).body)
    const toColleague = await confirmBoxes(b, detail, { id: theirs.device.id, publicKey: theirs.device.keys.publicKey })
    expect(await call(b, 'POST', `${R}/requests/${id}/confirm`, { boxes: toColleague })).toMatchObject({ status: 403, body: { code: 'wrong-recipient' } })
    // The colleague has no keys sealed to the recovery key: nothing to recover.
    expect(await call(a, 'POST', `${R}/requests`, await startBody(a, theirs, now()))).toMatchObject({ status: 409, body: { code: 'nothing-to-recover' } })
    const elsewhere = await signedIn(app, db, clock, 'beheerder')
    const elsewhereHolder = await firstBeheerder(elsewhere.agent, elsewhere.organisationId, elsewhere.userId)
    expect((await call(elsewhere, 'GET', `${R}/requests/${id}`)).status).toBe(404)
    expect((await call(elsewhere, 'POST', `${R}/requests/${id}/confirm`, { boxes: toColleague })).status).toBe(404)
    expect(await call(elsewhere, 'POST', `${R}/requests`, await startBody(elsewhereHolder, fresh, now()))).toMatchObject({ status: 409 })
  })

  it('takes only a start signed by the session\'s own certified device, naming it, the organisation and the new device\'s worker; the signed start reaches the confirming phone and the new device', async () => {
    const fresh = await newDevice()
    const refused = async (body: unknown) => (await call(a, 'POST', `${R}/requests`, body)).body.code
    // Signed with another key, claiming another starter (B's device), for another organisation, for another worker, an hour off.
    expect(await refused(await startBody(a, fresh, now(), {}, b.device.keys.signing.privateKey))).toBe('bad-signature')
    expect(await refused(await startBody(a, fresh, now(), { startedBy: b.device.id }))).toBe('wrong-sender')
    expect(await refused(await startBody(a, fresh, now(), { organisationId: randomUUID() }))).toBe('wrong-sender')
    expect(await refused(await startBody(a, fresh, now(), { userId: b.userId }))).toBe('device-not-certified')
    expect(await refused(await startBody(a, fresh, new Date(clock.now() - 3600_000)))).toBe('clock-skew')
    expect(await count('recovery_requests WHERE device_id = $1', [fresh.device.id])).toBe(0)
    // The right one: its id is the request's; the same id again is refused.
    const body = await startBody(a, fresh, now())
    expect(await call(a, 'POST', `${R}/requests`, body)).toEqual({ status: 201, body: { id: body.start.id } })
    expect(await refused(await startBody(a, fresh, now(), { id: body.start.id }))).toBe('id-reused')
    const detail = recoveryRequestDetailSchema.parse((await call(b, 'GET', `${R}/requests/${body.start.id}`)).body)
    expect(detail.start).toEqual(body.start)
    expect((detail.starterCertificate as { deviceId: string }).deviceId).toBe(a.device.id)
    const boxes = await confirmBoxes(b, detail, { id: fresh.device.id, publicKey: fresh.device.keys.publicKey })
    expect((await call(b, 'POST', `${R}/requests/${body.start.id}/confirm`, { boxes })).status).toBe(200)
    const mine = myRecoveriesSchema.parse((await call(fresh, 'GET', `${R}/mine`)).body).recoveries.find((r) => r.id === body.start.id)
    expect(mine?.start).toEqual(body.start)
  })

  it('is not for a social worker, a GP or an account without a device', async () => {
    const fresh = await newDevice()
    const id = (await call(a, 'POST', `${R}/requests`, await startBody(a, fresh, now()))).body.id as string
    const gp = await signedIn(app, db, clock, 'huisarts')
    const noDevice = await signedIn(app, db, clock, 'beheerder', { organisationId: org })
    for (const who of [worker, fresh, gp, noDevice]) {
      expect((await call(who, 'GET', `${R}/requests/${id}`)).status).toBe(403)
      expect((await call(who, 'POST', `${R}/requests/${id}/confirm`, { boxes: [] })).status).toBe(403)
      expect((await call(who, 'POST', `${R}/requests`, await startBody(a, fresh, now()))).status).toBe(403)
    }
    expect(await count('recovery_requests WHERE id = $1 AND confirmed_at IS NOT NULL', [id])).toBe(0)
  })
})
