/**
 * Storage of professionals' devices, their one-time challenges and the sessions bound to them
 * (docs/device-trust.md). The routes (routes/devices.ts, routes/organisations.ts) parse and
 * authorise; this module queries. Functions taking a `Queryable` run inside the caller's transaction.
 */
import type { ChallengePurpose, DeviceStatus } from '../../shared/devices/deviceTrust'
import type { Certificate } from '../../shared/devices/certificates'
import { audit } from '../auth/audit'
import type { DeviceRow } from '../auth/certificates'
import type { Database, Queryable } from '../db/types'

type PublicKey = { kty: string; crv: string; x: string; y: string }
/** Only the public parts of a key are stored, whatever else the JWK carried. */
const publicPart = ({ kty, crv, x, y }: PublicKey) => JSON.stringify({ kty, crv, x, y })

export interface NewDevice {
  id: string
  userId: string
  organisationId: string
  name: string
  publicKey: PublicKey
  authKey: PublicKey
  signingKey: PublicKey
}

export async function insertDevice(db: Queryable, d: NewDevice): Promise<void> {
  await db.query('INSERT INTO devices (id, user_id, organisation_id, name, public_key, auth_key, signing_key) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb)', [
    d.id,
    d.userId,
    d.organisationId,
    d.name,
    publicPart(d.publicKey),
    publicPart(d.authKey),
    publicPart(d.signingKey),
  ])
  await audit(db, { actorId: d.userId, organisationId: d.organisationId, action: 'register', entity: 'device', entityId: d.id })
}

/** A person's own devices, newest first. */
export async function devicesOfUser(db: Queryable, userId: string) {
  const { rows } = await db.query<{ id: string; name: string; status: string; organisation_id: string; last_contact_at: Date | string | null; has_auth_key: boolean; certificate: unknown; counter_id: string | null }>(
    `SELECT d.id, d.name, d.status, d.organisation_id, d.last_contact_at, d.auth_key IS NOT NULL AS has_auth_key, d.certificate, k.id AS counter_id
     FROM devices d LEFT JOIN kpi_counters k ON k.device_id = d.id AND k.retired_at IS NULL
     WHERE d.user_id = $1 ORDER BY d.created_at DESC`,
    [userId],
  )
  return rows
}

/** A device of this person: its status and organisation; undefined when it is not theirs. */
export async function ownDevice(db: Queryable, id: string, userId: string) {
  return (await db.query<{ status: string; organisation_id: string }>('SELECT status, organisation_id FROM devices WHERE id = $1 AND user_id = $2', [id, userId])).rows[0]
}

/** Stores a challenge for an existing device (expired ones are cleared first); false when there is no such device. */
export async function storeChallenge(db: Queryable, challengeHash: string, deviceId: string, purpose: ChallengePurpose, expiresAt: Date, now: Date): Promise<boolean> {
  // Expired challenges go first (the index on expires_at keeps this cheap).
  await db.query('DELETE FROM device_challenges WHERE expires_at <= $1', [now])
  const { rows } = await db.query(
    'INSERT INTO device_challenges (challenge_hash, device_id, purpose, expires_at) SELECT $1, id, $3, $4 FROM devices WHERE id = $2 RETURNING device_id',
    [challengeHash, deviceId, purpose, expiresAt],
  )
  return rows.length > 0
}

/**
 * Uses up a challenge (once, whatever the outcome follows) and answers the device's authentication
 * key and status. The DELETE … RETURNING takes the row: of two requests with the same challenge only one gets it.
 */
export async function takeChallenge(db: Queryable, challengeHash: string, deviceId: string, purpose: ChallengePurpose, now: Date) {
  const used = await db.query('DELETE FROM device_challenges WHERE challenge_hash = $1 AND device_id = $2 AND purpose = $3 AND expires_at > $4 RETURNING challenge_hash', [
    challengeHash,
    deviceId,
    purpose,
    now,
  ])
  if (!used.rows.length) return undefined
  return (await db.query<{ auth_key: unknown; status: DeviceStatus['status'] }>('SELECT auth_key, status FROM devices WHERE id = $1', [deviceId])).rows[0] ?? null
}

export async function touchDevice(db: Queryable, id: string, at: Date): Promise<void> {
  await db.query('UPDATE devices SET last_contact_at = $2 WHERE id = $1', [id, at])
}

/** Binds a session to the device, only while the device is the person's and not revoked; false otherwise. */
export async function bindSession(db: Queryable, tokenHash: string, deviceId: string, userId: string): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE sessions SET device_id = $2 WHERE token_hash = $1 AND (device_id IS NULL OR device_id = $2)
       AND EXISTS (SELECT 1 FROM devices WHERE id = $2 AND user_id = $3 AND status <> 'revoked') RETURNING token_hash`,
    [tokenHash, deviceId, userId],
  )
  return rows.length > 0
}

/** An organisation's devices with their members' names and current roles there, newest first. */
export async function devicesOfOrganisation(db: Queryable, organisationId: string) {
  const { rows } = await db.query<{ id: string; name: string; status: string; user_name: string; user_id: string; created_at: Date; last_contact_at: Date | null; public_key: PublicKey | null; signing_key: PublicKey | null; certificate: unknown; roles: string[] | null }>(
    `SELECT d.id, d.name, d.status, d.user_id, u.name AS user_name, d.created_at, d.last_contact_at, d.public_key, d.signing_key, d.certificate,
       (SELECT array_agg(m.role ORDER BY m.role) FROM memberships m WHERE m.user_id = d.user_id AND m.organisation_id = d.organisation_id) AS roles
     FROM devices d JOIN users u ON u.id = d.user_id
     WHERE d.organisation_id = $1 ORDER BY d.created_at DESC`,
    [organisationId],
  )
  return rows
}

/** The device row (locked) and the member's current roles here, when the device belongs to a current member of this organisation. */
export async function deviceOfMember(tx: Queryable, organisationId: string, deviceId: string) {
  const { rows } = await tx.query<DeviceRow & { status: string; roles: string[] }>(
    `SELECT d.id, d.user_id, d.organisation_id, d.name, d.public_key, d.signing_key, d.status,
            (SELECT array_agg(m.role) FROM memberships m WHERE m.user_id = d.user_id AND m.organisation_id = d.organisation_id) AS roles
     FROM devices d WHERE d.id = $1 AND d.organisation_id = $2 FOR UPDATE`,
    [deviceId, organisationId],
  )
  const r = rows[0]
  return r && r.roles ? r : null
}

/** Approves a device with its certificate (audited by the caller). */
export async function storeApproval(tx: Queryable, deviceId: string, certificate: Certificate, actorId: string): Promise<void> {
  await tx.query(`UPDATE devices SET status = 'approved', certificate = $2::jsonb, decided_by = $3, decided_at = now() WHERE id = $1`, [deviceId, JSON.stringify(certificate), actorId])
}

/**
 * Revokes a pending or approved device of a current member of the organisation and ends every
 * session that runs on it (docs/device-trust.md); null when there is no such device to revoke.
 */
export async function revokeDevice(db: Database, organisationId: string, deviceId: string, actorId: string): Promise<{ ended: number } | null> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query(
      `UPDATE devices d SET status = 'revoked', decided_by = $3, decided_at = now() WHERE d.id = $1 AND d.organisation_id = $2 AND d.status IN ('pending', 'approved')
         AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = d.user_id AND m.organisation_id = $2) RETURNING d.id`,
      [deviceId, organisationId, actorId],
    )
    if (!rows.length) return null
    const ended = (await tx.query('DELETE FROM sessions WHERE device_id = $1 RETURNING token_hash', [deviceId])).rows.length
    await audit(tx, { actorId, organisationId, action: 'revoke', entity: 'device', entityId: deviceId })
    return { ended }
  })
}

/** Whether the organisation has its key; `lock` takes the organisation's row for the transaction. Undefined: no such organisation. */
export async function hasOrganisationKey(db: Queryable, organisationId: string, lock = false): Promise<boolean | undefined> {
  const { rows } = await db.query<{ set: boolean }>(`SELECT organisation_key IS NOT NULL AS set FROM organisations WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [organisationId])
  return rows[0]?.set
}

export async function storeOrganisationKey(tx: Queryable, organisationId: string, key: PublicKey): Promise<void> {
  await tx.query('UPDATE organisations SET organisation_key = $2::jsonb WHERE id = $1', [organisationId, publicPart(key)])
}
