/**
 * The organisation recovery key on the server (docs/case-sync.md, "Recovery"): its public half,
 * signed by a beheerder's certified device; its private half sealed to the devices of the recovery
 * group (at least two different beheerders); each worker's user keys sealed to the public half.
 * The server checks signatures, senders and recipients; it never holds anything that opens a box.
 */
import { recoveryKeyContext, recoveryKeySchema, recoveryKeyVerifies, userKeyRecoveryContext, type RecoveryKey, type RecoveryUserKeyBox, type SetUpRecovery } from '../../shared/api/caseRecovery'
import { verifySealedSender } from '../../shared/crypto/sealed'
import { audit } from '../auth/audit'
import { certifiedDevices, chainsOf, type CertifiedDevice } from '../auth/certificates'
import type { Database, Queryable } from '../db/types'
import type { Actor } from './access'
import type { Refusal } from './checks'

export interface RecoveryRefusal {
  status: 400 | 403 | 404 | 409 | 422
  code: string
  error: string
}

const WRONG_SENDER: RecoveryRefusal = { status: 403, code: 'wrong-sender', error: 'It must be signed by the device this session runs on.' }
const BAD_SIGNATURE: RecoveryRefusal = { status: 403, code: 'bad-signature', error: "The signature does not verify with this device's certified key." }
export const NOT_CERTIFIED: RecoveryRefusal = { status: 403, code: 'device-not-certified', error: 'This device has no valid certificate: ask your beheerder to approve it again.' }
const TOO_SMALL: RecoveryRefusal = { status: 409, code: 'recovery-group-too-small', error: 'At least two beheerders need a certified device here, and the key goes to both.' }

const isBeheerderDevice = (d: CertifiedDevice) => d.certificate.roles.includes('beheerder')

/** The session's device, certified (null when not). */
export async function certifiedSelf(db: Queryable, deviceId: string): Promise<CertifiedDevice | null> {
  return (await certifiedDevices(db, 'd.id = $1', [deviceId]))[0] ?? null
}

/** The certified devices of the organisation's beheerders (the ones a recovery key may be sealed to). */
export async function beheerderDevices(db: Queryable, organisationId: string): Promise<CertifiedDevice[]> {
  return (await certifiedDevices(db, 'd.organisation_id = $1', [organisationId])).filter(isBeheerderDevice)
}

/** The organisation's recovery key, or null. */
export async function recoveryKeyOf(db: Queryable, organisationId: string): Promise<RecoveryKey | null> {
  const { rows } = await db.query<{ body: unknown }>('SELECT body FROM recovery_keys WHERE organisation_id = $1', [organisationId])
  return rows[0] ? recoveryKeySchema.parse(rows[0].body) : null
}

/** The devices of the recovery group that are still certified beheerder devices of the organisation. */
export async function groupDevices(db: Queryable, key: RecoveryKey): Promise<CertifiedDevice[]> {
  const { rows } = await db.query<{ device_id: string }>('SELECT device_id FROM recovery_key_boxes WHERE recovery_key_id = $1', [key.id])
  const held = new Set(rows.map((r) => r.device_id))
  return (await beheerderDevices(db, key.organisationId)).filter((d) => held.has(d.deviceId))
}

/** Why a setup is refused (null: it may be stored). The signer is the session's device. */
export async function setUpProblem(db: Queryable, actor: Actor, body: SetUpRecovery): Promise<RecoveryRefusal | null> {
  const { key, boxes } = body
  if (key.organisationId !== actor.organisationId) return { status: 400, code: 'wrong-organisation', error: "A recovery key is for this device's organisation." }
  if (key.deviceId !== actor.deviceId) return WRONG_SENDER
  const self = await certifiedSelf(db, actor.deviceId)
  if (!self) return NOT_CERTIFIED
  if (!isBeheerderDevice(self)) return { status: 403, code: 'not-a-beheerder-device', error: "This device's certificate does not name you as beheerder." }
  if (!(await recoveryKeyVerifies(key, self.certificate.signingKey))) return BAD_SIGNATURE
  if (await recoveryKeyOf(db, actor.organisationId)) return { status: 409, code: 'recovery-key-exists', error: 'This organisation has a recovery key already.' }
  const candidates = await beheerderDevices(db, actor.organisationId)
  if (new Set(candidates.map((d) => d.userId)).size < 2) return TOO_SMALL
  if (new Set(boxes.map((b) => b.deviceId)).size !== boxes.length) return { status: 400, code: 'wrong-recipient', error: 'One box per device.' }
  const users = new Set<string>()
  for (const b of boxes) {
    if (b.box.sender.deviceId !== actor.deviceId) return WRONG_SENDER
    if (b.box.recipients.length !== 1 || b.box.recipients[0]!.deviceId !== b.deviceId) return { status: 400, code: 'wrong-recipient', error: 'Each box must be sealed to exactly the device it is for.' }
    const to = candidates.find((d) => d.deviceId === b.deviceId)
    if (!to) return { status: 403, code: 'wrong-recipient', error: "The recovery key goes only to certified devices of this organisation's beheerders." }
    if (!(await verifySealedSender(b.box, recoveryKeyContext(key.organisationId, key.id), self.certificate.signingKey))) return BAD_SIGNATURE
    users.add(to.userId)
  }
  if (users.size < 2) return TOO_SMALL
  return null
}

/** Stores the key and its boxes (after setUpProblem); false when another setup came first. */
export async function storeRecoveryKey(db: Database, actor: Actor, body: SetUpRecovery, at: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query(
      'INSERT INTO recovery_keys (id, organisation_id, body, created_by, created_at) VALUES ($1, $2, $3::jsonb, $4, $5) ON CONFLICT DO NOTHING RETURNING id',
      [body.key.id, body.key.organisationId, JSON.stringify(body.key), actor.userId, at],
    )
    if (!rows.length) return false
    for (const b of body.boxes) await tx.query('INSERT INTO recovery_key_boxes (recovery_key_id, device_id, box) VALUES ($1, $2, $3::jsonb)', [body.key.id, b.deviceId, JSON.stringify(b.box)])
    await audit(tx, { actorId: actor.userId, organisationId: actor.organisationId, action: 'recovery-key-set', entity: 'organisation', entityId: actor.organisationId })
    return true
  })
}

/** What GET /recovery/key answers a device: the key, its signer's certificate and the chain, which user keys are sealed to it, the group's names. */
export async function recoveryKeyAnswer(db: Queryable, actor: Actor) {
  const key = await recoveryKeyOf(db, actor.organisationId)
  if (!key) return { key: null, signer: null, chains: {}, sealedKeyIds: [], group: [] }
  const signer = await db.query<{ certificate: unknown }>('SELECT certificate FROM devices WHERE id = $1', [key.deviceId])
  const sealed = await db.query<{ user_key_id: string }>('SELECT user_key_id FROM user_recovery_boxes WHERE user_id = $1 AND recovery_key_id = $2 ORDER BY user_key_id', [actor.userId, key.id])
  const group = await groupDevices(db, key)
  const names = await db.query<{ name: string }>('SELECT name FROM users WHERE id = ANY($1::uuid[]) ORDER BY name', [[...new Set(group.map((d) => d.userId))]])
  return {
    key,
    signer: signer.rows[0]?.certificate ?? null,
    chains: await chainsOf(db, [key.organisationId], { historical: true }),
    sealedKeyIds: sealed.rows.map((r) => r.user_key_id),
    group: names.rows.map((r) => r.name),
  }
}

/** Why a worker's user-key box for the recovery key is refused (null: it may be stored). */
export async function recoveryBoxProblem(db: Queryable, actor: Actor, b: RecoveryUserKeyBox): Promise<RecoveryRefusal | Refusal | null> {
  const key = await recoveryKeyOf(db, actor.organisationId)
  if (!key || key.id !== b.recoveryKeyId) return { status: 409, code: 'unknown-recovery-key', error: "This is not the recovery key of your device's organisation." }
  if (b.box.sender.deviceId !== actor.deviceId) return WRONG_SENDER
  if (b.box.recipients.length !== 1 || b.box.recipients[0]!.deviceId !== key.id) return { status: 400, code: 'wrong-recipient', error: 'The box must be sealed to the recovery key only.' }
  const self = await certifiedSelf(db, actor.deviceId)
  if (!self) return NOT_CERTIFIED
  if (!(await verifySealedSender(b.box, userKeyRecoveryContext(actor.userId, b.keyId, key.id), self.certificate.signingKey))) return BAD_SIGNATURE
  return null
}

/** Stores a worker's box; false when the server had one for this key already (kept as it was). */
export async function storeRecoveryBox(db: Database, actor: Actor, b: RecoveryUserKeyBox, at: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query(
      'INSERT INTO user_recovery_boxes (user_id, user_key_id, recovery_key_id, device_id, box, created_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6) ON CONFLICT DO NOTHING RETURNING user_key_id',
      [actor.userId, b.keyId, b.recoveryKeyId, actor.deviceId, JSON.stringify(b.box), at],
    )
    if (rows.length) await audit(tx, { actorId: actor.userId, organisationId: actor.organisationId, action: 'seal-user-key-recovery', entity: 'user', entityId: actor.userId })
    return rows.length > 0
  })
}
