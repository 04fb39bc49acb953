/**
 * The recovery ceremony on the server (docs/case-sync.md, "Recovery"): beheerder A starts a
 * recovery for a worker's new, approved and certified device; ANOTHER beheerder B of the recovery
 * group confirms on their phone, which opened the recovery key and sealed the worker's user keys
 * to the new device. The server checks who started, who confirms, the target and every box, then
 * stores the boxes as the worker's user-key boxes, audits, and logs 'recover' on every case.
 */
import { userKeyContext, type UserKeyBox } from '../../shared/api/caseSync'
import { recoveryStartSchema, recoveryStartVerifies, type RecoveryRequest, type RecoveryStart } from '../../shared/api/caseRecovery'
import { verifySealedSender } from '../../shared/crypto/sealed'
import { audit } from '../auth/audit'
import { certifiedDevices, chainsOf } from '../auth/certificates'
import type { Database, Queryable } from '../db/types'
import { logAccess, type Actor } from './access'
import { certifiedSelf, groupDevices, NOT_CERTIFIED, recoveryKeyOf, type RecoveryRefusal } from './recoveryKey'

/** A request may be confirmed within a day of its start. */
export const RECOVERY_WINDOW_MS = 24 * 3600 * 1000

interface RequestRow {
  id: string
  organisation_id: string
  user_id: string
  user_name: string
  device_id: string
  device_name: string
  started_by: string
  started_by_name: string
  started_at: Date | string
  confirmed_at: Date | string | null
  start: unknown
}
const SELECT_REQUESTS = `SELECT r.id, r.organisation_id, r.user_id, u.name AS user_name, r.device_id, d.name AS device_name, r.started_by, s.name AS started_by_name, r.started_at, r.confirmed_at, r.start
  FROM recovery_requests r JOIN users u ON u.id = r.user_id JOIN devices d ON d.id = r.device_id JOIN users s ON s.id = r.started_by`

const statusOf = (r: RequestRow, now: Date): RecoveryRequest['status'] =>
  r.confirmed_at ? 'done' : now.getTime() - new Date(r.started_at).getTime() > RECOVERY_WINDOW_MS ? 'expired' : 'open'
const request = (r: RequestRow, now: Date): RecoveryRequest => ({
  id: r.id,
  userId: r.user_id,
  userName: r.user_name,
  deviceId: r.device_id,
  deviceName: r.device_name,
  startedBy: r.started_by,
  startedByName: r.started_by_name,
  startedAt: new Date(r.started_at).toISOString(),
  status: statusOf(r, now),
})

/** The organisation's requests of the last 30 days, newest first. */
export async function requestsOf(db: Queryable, organisationId: string, now: Date): Promise<RecoveryRequest[]> {
  const { rows } = await db.query<RequestRow>(`${SELECT_REQUESTS} WHERE r.organisation_id = $1 AND r.started_at > $2 ORDER BY r.started_at DESC, r.id`, [organisationId, new Date(now.getTime() - 30 * 24 * 3600 * 1000)])
  return rows.map((r) => request(r, now))
}

async function requestRow(db: Queryable, id: string, organisationId: string, lock = false): Promise<RequestRow | null> {
  const { rows } = await db.query<RequestRow>(`${SELECT_REQUESTS} WHERE r.id = $1 AND r.organisation_id = $2${lock ? ' FOR UPDATE OF r' : ''}`, [id, organisationId])
  return rows[0] ?? null
}

/** A signed start may be this far from the server's clock (a phone's clock drifts). */
const START_SKEW_MS = 10 * 60 * 1000

/**
 * Starts a recovery for a certified device of the organisation whose worker has user keys sealed
 * to the recovery key. The start is signed by the session's certified device and names it, this
 * organisation, the new device and its worker; its id is the request's (the same start again: 409).
 */
export async function startRecovery(db: Database, actor: Actor, start: RecoveryStart, at: Date): Promise<{ ok: true; id: string } | ({ ok: false } & RecoveryRefusal)> {
  const key = await recoveryKeyOf(db, actor.organisationId)
  if (!key) return { ok: false, status: 409, code: 'no-recovery-key', error: 'This organisation has no recovery key yet.' }
  const self = await certifiedSelf(db, actor.deviceId)
  if (!self) return { ok: false, ...NOT_CERTIFIED }
  if (start.startedBy !== actor.deviceId || start.organisationId !== actor.organisationId) return { ok: false, status: 403, code: 'wrong-sender', error: 'The start must be signed by the device this session runs on, for its organisation.' }
  if (Math.abs(Date.parse(start.startedAt) - at.getTime()) > START_SKEW_MS) return { ok: false, status: 422, code: 'clock-skew', error: "The start's time is more than 10 minutes from the server's: check the device's date and time." }
  if (!(await recoveryStartVerifies(start, self.certificate.signingKey))) return { ok: false, status: 403, code: 'bad-signature', error: "The signature does not verify with this device's certified key." }
  const [target] = await certifiedDevices(db, 'd.id = $1 AND d.organisation_id = $2', [start.deviceId, actor.organisationId])
  if (!target || target.userId !== start.userId) return { ok: false, status: 409, code: 'device-not-certified', error: 'Approve the new device first: a recovery goes only to an approved device of this organisation, of the person named.' }
  const { rows } = await db.query('SELECT 1 FROM user_recovery_boxes WHERE user_id = $1 AND recovery_key_id = $2 LIMIT 1', [target.userId, key.id])
  if (!rows.length) return { ok: false, status: 409, code: 'nothing-to-recover', error: 'None of the keys of this person were sealed to the recovery key.' }
  return db.transaction(async (tx) => {
    const made = await tx.query(
      'INSERT INTO recovery_requests (id, organisation_id, user_id, device_id, started_by, started_at, start) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) ON CONFLICT (id) DO NOTHING RETURNING id',
      [start.id, actor.organisationId, target.userId, start.deviceId, actor.userId, at, JSON.stringify(start)],
    )
    if (!made.rows.length) return { ok: false as const, status: 409 as const, code: 'id-reused', error: 'A recovery with this id exists: start a new one.' }
    await audit(tx, { actorId: actor.userId, organisationId: actor.organisationId, action: 'recovery-start', entity: 'user', entityId: target.userId })
    return { ok: true as const, id: start.id }
  })
}

/** The stored signed start of a request and the certificate of the device that signed it (nulls for a request from before signed starts). */
async function startOf(db: Queryable, raw: unknown): Promise<{ start: RecoveryStart | null; starterCertificate: unknown }> {
  const start = recoveryStartSchema.safeParse(raw).data ?? null
  if (!start) return { start: null, starterCertificate: null }
  const { rows } = await db.query<{ certificate: unknown }>('SELECT certificate FROM devices WHERE id = $1', [start.startedBy])
  return { start, starterCertificate: rows[0]?.certificate ?? null }
}

/** Null when the session's device is a certified beheerder device of the recovery group; else why not. */
async function groupProblem(db: Queryable, actor: Actor): Promise<RecoveryRefusal | null> {
  const key = await recoveryKeyOf(db, actor.organisationId)
  if (!key) return { status: 409, code: 'no-recovery-key', error: 'This organisation has no recovery key yet.' }
  if (!(await certifiedSelf(db, actor.deviceId))) return NOT_CERTIFIED
  if (!(await groupDevices(db, key)).some((d) => d.deviceId === actor.deviceId)) return { status: 403, code: 'not-in-recovery-group', error: 'This device does not hold the recovery key.' }
  return null
}

const NOT_FOUND: RecoveryRefusal = { status: 404, code: 'not-found', error: 'No such recovery.' }

/** What the confirming phone needs: the request, the new device's certificate, the chain, the recovery key and its box for this device, the worker's boxes. */
export async function requestDetail(db: Queryable, actor: Actor, id: string, now: Date) {
  const row = await requestRow(db, id, actor.organisationId)
  if (!row) return { ok: false as const, ...NOT_FOUND }
  const wrong = await groupProblem(db, actor)
  if (wrong) return { ok: false as const, ...wrong }
  const key = (await recoveryKeyOf(db, actor.organisationId))!
  const own = await db.query<{ box: never }>('SELECT box FROM recovery_key_boxes WHERE recovery_key_id = $1 AND device_id = $2', [key.id, actor.deviceId])
  const target = await db.query<{ certificate: unknown }>('SELECT certificate FROM devices WHERE id = $1', [row.device_id])
  const signer = await db.query<{ certificate: unknown }>('SELECT certificate FROM devices WHERE id = $1', [key.deviceId])
  const boxes = await db.query<{ user_key_id: string; box: never; certificate: unknown }>(
    'SELECT b.user_key_id, b.box, d.certificate FROM user_recovery_boxes b LEFT JOIN devices d ON d.id = b.device_id WHERE b.user_id = $1 AND b.recovery_key_id = $2 ORDER BY b.created_at, b.user_key_id',
    [row.user_id, key.id],
  )
  return {
    ok: true as const,
    value: {
      request: request(row, now),
      target: target.rows[0]?.certificate ?? null,
      chains: await chainsOf(db, [actor.organisationId], { historical: true }),
      recoveryKey: key,
      signer: signer.rows[0]?.certificate ?? null,
      ownBox: own.rows[0]!.box,
      ...(await startOf(db, row.start)),
      boxes: boxes.rows.map((b) => ({ keyId: b.user_key_id, recoveryKeyId: key.id, box: b.box, senderCertificate: b.certificate ?? null })),
    },
  }
}

/** Why the confirmation is refused (null: store it). */
async function confirmProblem(db: Queryable, actor: Actor, row: RequestRow | null, boxes: readonly UserKeyBox[], now: Date): Promise<RecoveryRefusal | null> {
  if (!row) return NOT_FOUND
  if (statusOf(row, now) !== 'open') return { status: 409, code: 'request-closed', error: 'This recovery was confirmed already, or it expired: start a new one.' }
  if (row.started_by === actor.userId) return { status: 403, code: 'same-beheerder', error: 'Another beheerder must confirm the recovery you started.' }
  const wrong = await groupProblem(db, actor)
  if (wrong) return wrong
  const [target] = await certifiedDevices(db, 'd.id = $1 AND d.user_id = $2 AND d.organisation_id = $3', [row.device_id, row.user_id, actor.organisationId])
  if (!target) return { status: 409, code: 'device-not-certified', error: 'The new device is no longer approved.' }
  const key = (await recoveryKeyOf(db, actor.organisationId))!
  const { rows } = await db.query<{ user_key_id: string }>('SELECT user_key_id FROM user_recovery_boxes WHERE user_id = $1 AND recovery_key_id = $2', [row.user_id, key.id])
  const known = new Set(rows.map((r) => r.user_key_id))
  const self = (await certifiedSelf(db, actor.deviceId))!
  for (const b of boxes) {
    if (b.deviceId !== row.device_id || b.box.recipients.length !== 1 || b.box.recipients[0]!.deviceId !== row.device_id) {
      return { status: 403, code: 'wrong-recipient', error: 'The keys go only to the device this recovery is for.' }
    }
    if (b.box.sender.deviceId !== actor.deviceId) return { status: 403, code: 'wrong-sender', error: 'It must be signed by the device this session runs on.' }
    if (!known.has(b.keyId)) return { status: 400, code: 'unknown-key', error: 'Only keys sealed to the recovery key are recovered.' }
    if (!(await verifySealedSender(b.box, userKeyContext(row.user_id, b.keyId), self.certificate.signingKey))) return { status: 403, code: 'bad-signature', error: "The signature does not verify with this device's certified key." }
  }
  return null
}

/** Confirms: stores the boxes for the new device, closes the request, audits, logs 'recover' on each of the worker's cases. */
export async function confirmRecovery(db: Database, actor: Actor, id: string, boxes: readonly UserKeyBox[], at: Date) {
  const pre = await confirmProblem(db, actor, await requestRow(db, id, actor.organisationId), boxes, at)
  if (pre) return { ok: false as const, ...pre }
  return db.transaction(async (tx) => {
    const row = await requestRow(tx, id, actor.organisationId, true)
    if (!row || statusOf(row, at) !== 'open') return { ok: false as const, status: 409 as const, code: 'request-closed', error: 'This recovery was confirmed already.' }
    let keys = 0
    for (const b of boxes) {
      const { rows } = await tx.query('INSERT INTO user_key_boxes (user_id, key_id, device_id, box, created_at) VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT DO NOTHING RETURNING key_id', [row.user_id, b.keyId, b.deviceId, JSON.stringify(b.box), at])
      keys += rows.length
    }
    await tx.query('UPDATE recovery_requests SET confirmed_by = $2, confirmed_device_id = $3, confirmed_at = $4 WHERE id = $1', [id, actor.userId, actor.deviceId, at])
    await audit(tx, { actorId: actor.userId, organisationId: actor.organisationId, action: 'recovery-confirm', entity: 'user', entityId: row.user_id })
    const docs = await tx.query<{ document_id: string }>('SELECT document_id FROM sync_members WHERE user_id = $1 ORDER BY document_id', [row.user_id])
    for (const d of docs.rows) await logAccess(tx, actor, d.document_id, 'recover', at)
    return { ok: true as const, value: { keys, cases: docs.rows.length } }
  })
}

/** The completed recoveries of a worker (the notice on their cases page; the new device's acceptance). */
export async function recoveriesOfUser(db: Queryable, userId: string) {
  const { rows } = await db.query<{ id: string; device_id: string; started_by_name: string; confirmed_by_name: string | null; confirmed_at: Date | string; confirmed_device_id: string; certificate: unknown; start: unknown }>(
    `SELECT r.id, r.device_id, s.name AS started_by_name, c.name AS confirmed_by_name, r.confirmed_at, r.confirmed_device_id, d.certificate, r.start
     FROM recovery_requests r JOIN users s ON s.id = r.started_by LEFT JOIN users c ON c.id = r.confirmed_by LEFT JOIN devices d ON d.id = r.confirmed_device_id
     WHERE r.user_id = $1 AND r.confirmed_at IS NOT NULL ORDER BY r.confirmed_at DESC LIMIT 20`,
    [userId],
  )
  const { rows: had } = await db.query('SELECT 1 FROM user_recovery_boxes WHERE user_id = $1 LIMIT 1', [userId])
  const orgs = await db.query<{ organisation_id: string }>("SELECT DISTINCT organisation_id FROM devices WHERE id = ANY($1::uuid[])", [rows.map((r) => r.confirmed_device_id)])
  const starts = await Promise.all(rows.map((r) => startOf(db, r.start)))
  return {
    recoveries: rows.map((r, i) => ({
      ...starts[i]!,
      id: r.id,
      deviceId: r.device_id,
      startedByName: r.started_by_name,
      confirmedByName: r.confirmed_by_name ?? '',
      confirmedAt: new Date(r.confirmed_at).toISOString(),
      confirmerDeviceId: r.confirmed_device_id,
      confirmerCertificate: r.certificate ?? null,
    })),
    hadKeys: had.length > 0,
    chains: await chainsOf(db, orgs.rows.map((o) => o.organisation_id), { historical: true }),
  }
}
