/**
 * Sessions: a random token in an HttpOnly, SameSite=Strict cookie; the database keeps only
 * its SHA-256. A session lasts a working day and ends after 30 minutes without use.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Queryable } from '../db/database'
import type { Role } from '../../shared/accounts/roles'

export const SESSION_COOKIE = 'swz_session'
export const SESSION_HOURS = 8
export const IDLE_MINUTES = 30

export interface Membership {
  organisationId: string
  organisationName: string
  role: Role
}
export interface SessionUser {
  userId: string
  email: string
  name: string
  tokenHash: string
  csrfToken: string
  secondFactor: boolean
  totpEnabled: boolean
  memberships: Membership[]
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

export async function loadSession(db: Queryable, token: string): Promise<SessionUser | null> {
  const tokenHash = hashToken(token)
  const { rows } = await db.query<{ user_id: string; email: string; name: string; csrf_token: string; second_factor: boolean; totp_enabled: boolean }>(
    `UPDATE sessions s SET last_seen_at = now()
     FROM users u
     WHERE s.token_hash = $1 AND u.id = s.user_id AND s.expires_at > now()
       AND s.last_seen_at > now() - make_interval(mins => $2) AND u.locked_at IS NULL
     RETURNING s.user_id, u.email, u.name, s.csrf_token, s.second_factor, u.totp_enabled`,
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
    memberships: await membershipsOf(db, row.user_id),
  }
}

export async function membershipsOf(db: Queryable, userId: string): Promise<Membership[]> {
  const { rows } = await db.query<{ organisation_id: string; name: string; role: Role }>(
    `SELECT m.organisation_id, o.name, m.role FROM memberships m JOIN organisations o ON o.id = m.organisation_id
     WHERE m.user_id = $1 ORDER BY o.name, m.role`,
    [userId],
  )
  return rows.map((r) => ({ organisationId: r.organisation_id, organisationName: r.name, role: r.role }))
}

export async function markSecondFactor(db: Queryable, tokenHash: string): Promise<void> {
  await db.query('UPDATE sessions SET second_factor = true WHERE token_hash = $1', [tokenHash])
}

export async function endSession(db: Queryable, tokenHash: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash])
}

export async function endAllSessions(db: Queryable, userId: string): Promise<number> {
  const { rows } = await db.query('DELETE FROM sessions WHERE user_id = $1 RETURNING token_hash', [userId])
  return rows.length
}
