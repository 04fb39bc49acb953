/**
 * Sessions: a random token in an HttpOnly, SameSite=Strict cookie; the database keeps only
 * its SHA-256. A session lasts a working day and ends after 30 minutes without use.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Queryable } from '../db/types'
import type { Role } from '../../shared/accounts/roles'

/** Over HTTPS the cookie carries the __Host- prefix: only this host, path /, Secure — no subdomain can plant one. */
export const SESSION_COOKIE = 'swz_session'
export const SECURE_SESSION_COOKIE = '__Host-swz_session'
export const SESSION_HOURS = 8
export const IDLE_MINUTES = 30

export interface Membership {
  organisationId: string
  organisationName: string
  role: Role
  /** The region's own organisation (the programme office): region-wide roles count only here. */
  isRegion: boolean
}
export interface SessionUser {
  userId: string
  email: string
  name: string
  tokenHash: string
  csrfToken: string
  secondFactor: boolean
  totpEnabled: boolean
  homeOrganisationId: string | null
  memberships: Membership[]
  /** The device this session runs on, once the device proved itself (docs/device-trust.md). */
  device: BoundDevice | null
}

export interface BoundDevice {
  id: string
  organisationId: string
  status: 'pending' | 'approved' | 'revoked'
  /** ECDSA P-256 public key (JWK) that verifies what this device signs. */
  signingKey: unknown
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url')

export async function createSession(db: Queryable, userId: string, secondFactor: boolean): Promise<{ token: string; csrfToken: string }> {
  const token = randomBytes(32).toString('base64url')
  const csrfToken = randomBytes(24).toString('base64url')
  await db.query(
    `INSERT INTO sessions (token_hash, user_id, csrf_token, second_factor, expires_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(hours => $5))`,
    [hashToken(token), userId, csrfToken, secondFactor, SESSION_HOURS],
  )
  return { token, csrfToken }
}

/**
 * The signed-in person behind a session token, with their memberships, in one round trip. The
 * session's last-seen time is written at most every 30 seconds: idle time-outs are in minutes, and
 * a write on every request would make every request a write.
 */
export async function loadSession(db: Queryable, token: string): Promise<SessionUser | null> {
  const tokenHash = hashToken(token)
  const { rows } = await db.query<{ user_id: string; email: string; name: string; csrf_token: string; second_factor: boolean; totp_enabled: boolean; home_organisation_id: string | null; memberships: Membership[]; device: BoundDevice | null }>(
    `WITH live AS (
       SELECT s.token_hash, s.user_id, s.csrf_token, s.second_factor, s.last_seen_at, s.device_id, u.email, u.name, u.totp_enabled, u.home_organisation_id
       FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.token_hash = $1 AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(mins => $2) AND u.locked_at IS NULL
         -- A session bound to a revoked device is over, even if a revocation raced its binding.
         AND NOT EXISTS (SELECT 1 FROM devices rd WHERE rd.id = s.device_id AND rd.status = 'revoked')
     ), touched AS (
       UPDATE sessions SET last_seen_at = now()
       WHERE token_hash IN (SELECT token_hash FROM live WHERE last_seen_at < now() - interval '30 seconds')
     )
     SELECT live.user_id, live.email, live.name, live.csrf_token, live.second_factor, live.totp_enabled, live.home_organisation_id,
            coalesce((SELECT json_agg(json_build_object('organisationId', m.organisation_id, 'organisationName', o.name, 'role', m.role, 'isRegion', o.is_region) ORDER BY o.name, m.role)
                      FROM memberships m JOIN organisations o ON o.id = m.organisation_id WHERE m.user_id = live.user_id), '[]'::json) AS memberships,
            (SELECT json_build_object('id', d.id, 'organisationId', d.organisation_id, 'status', d.status, 'signingKey', d.signing_key)
             FROM devices d WHERE d.id = live.device_id AND d.user_id = live.user_id) AS device
     FROM live`,
    [tokenHash, IDLE_MINUTES],
  )
  const row = rows[0]
  if (!row) return null
  return {
    userId: row.user_id,
    email: row.email,
    name: row.name,
    tokenHash,
    csrfToken: row.csrf_token,
    secondFactor: row.second_factor,
    totpEnabled: row.totp_enabled,
    homeOrganisationId: row.home_organisation_id,
    memberships: row.memberships,
    device: row.device ?? null,
  }
}

export async function membershipsOf(db: Queryable, userId: string): Promise<Membership[]> {
  const { rows } = await db.query<{ organisation_id: string; name: string; role: Role; is_region: boolean }>(
    `SELECT m.organisation_id, o.name, m.role, o.is_region FROM memberships m JOIN organisations o ON o.id = m.organisation_id
     WHERE m.user_id = $1 ORDER BY o.name, m.role`,
    [userId],
  )
  return rows.map((r) => ({ organisationId: r.organisation_id, organisationName: r.name, role: r.role, isRegion: r.is_region }))
}

/**
 * After the second factor the session gets a new token (and CSRF token): a token someone saw or
 * planted before sign-in finished is worth nothing afterwards.
 */
export async function rotateToFullSession(db: Queryable, oldTokenHash: string, userId: string): Promise<{ token: string; csrfToken: string }> {
  await db.query('DELETE FROM sessions WHERE token_hash = $1', [oldTokenHash])
  return createSession(db, userId, true)
}

export async function endSession(db: Queryable, tokenHash: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash])
}

/** Ends every session of the person, except `keep` (the one changing its own password). */
export async function endAllSessions(db: Queryable, userId: string, keep?: string): Promise<number> {
  const { rows } = await db.query('DELETE FROM sessions WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2 RETURNING token_hash', [userId, keep ?? null])
  return rows.length
}
