/** Organisations, people and the first administrator. */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { Database, Queryable } from '../db/types'
import { passwordProblem } from '../../shared/accounts/passwordPolicy'
import { isRegionRole, type Role } from '../../shared/accounts/roles'
import { audit } from './audit'
import { hashPassword } from './passwords'

export class AccountError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: 400 | 403 | 404 | 409 = 400,
  ) {
    super(message)
  }
}

/** Creates an organisation (or finds it by name). `isRegion`: the region's programme office; there is one. */
export async function createOrganisation(db: Queryable, name: string, actorId: string | null, options: { isRegion?: boolean } = {}): Promise<string> {
  if (options.isRegion) {
    const region = await db.query<{ name: string }>('SELECT name FROM organisations WHERE is_region')
    if (region.rows[0] && region.rows[0].name !== name) throw new AccountError(`The region's organisation is ${region.rows[0].name} already.`, 'region-exists', 409)
  }
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO organisations (id, name, is_region) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    [randomUUID(), name, options.isRegion ?? false],
  )
  const id = rows[0]!.id
  await audit(db, { actorId, organisationId: id, action: 'create', entity: 'organisation', entityId: id })
  return id
}

export interface NewUser {
  email: string
  name: string
  password: string
}

/**
 * Creates the person (or finds them by e-mail) and gives them the role in the organisation. For
 * the operator's command line, the first beheerder and accepted invitations only: a beheerder in
 * the app invites (links.ts), so nobody is added to an organisation without saying yes.
 */
export async function addMember(db: Queryable, user: NewUser, organisationId: string, role: Role, actorId: string | null): Promise<{ userId: string; created: boolean }> {
  const org = await db.query<{ is_region: boolean }>('SELECT is_region FROM organisations WHERE id = $1', [organisationId])
  if (!org.rows.length) throw new AccountError('No such organisation.', 'no-organisation', 404)
  if (isRegionRole(role) && !org.rows[0]!.is_region) throw new AccountError(`The role ${role} reaches across the region: only the region's organisation holds it.`, 'region-role', 403)
  const existing = await db.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [user.email])
  let userId = existing.rows[0]?.id
  const created = !userId
  if (!userId) {
    const problem = passwordProblem(user.password, [user.email, user.name])
    if (problem) throw new AccountError(`The password is not good enough (${problem}).`, `password-${problem}`)
    userId = randomUUID()
    await db.query('INSERT INTO users (id, email, name, password_hash, home_organisation_id) VALUES ($1, $2, $3, $4, $5)', [userId, user.email, user.name, await hashPassword(user.password), organisationId])
    await audit(db, { actorId, organisationId, action: 'create', entity: 'user', entityId: userId })
  }
  await db.query('INSERT INTO memberships (user_id, organisation_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [userId, organisationId, role])
  await audit(db, { actorId, organisationId, action: `grant-role:${role}`, entity: 'user', entityId: userId })
  return { userId, created }
}

export async function countUsers(db: Queryable): Promise<number> {
  return (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0]!.n
}

const hashCode = (code: string) => createHash('sha256').update(code).digest('base64url')

/** A new one-time code for the first beheerder; older unused codes stop working. */
export async function newBootstrapCode(db: Queryable): Promise<string> {
  const code = randomBytes(18).toString('base64url')
  await db.query('DELETE FROM bootstrap_codes WHERE used_at IS NULL')
  await db.query('INSERT INTO bootstrap_codes (code_hash) VALUES ($1)', [hashCode(code)])
  return code
}

/** Uses the one-time code: only while nobody has an account yet. */
export async function bootstrap(db: Database, code: string, organisation: string, user: NewUser): Promise<{ userId: string; organisationId: string }> {
  return db.transaction(async (tx) => {
    if ((await countUsers(tx)) > 0) throw new AccountError('The first administrator already exists.', 'already-bootstrapped', 409)
    const used = await tx.query('UPDATE bootstrap_codes SET used_at = now() WHERE code_hash = $1 AND used_at IS NULL RETURNING code_hash', [hashCode(code)])
    if (!used.rows.length) throw new AccountError('This start code is not valid (any more).', 'bad-code')
    // The first organisation is the region's programme office: it holds the region-wide roles.
    const organisationId = await createOrganisation(tx, organisation, null, { isRegion: true })
    const { userId } = await addMember(tx, user, organisationId, 'beheerder', null)
    return { userId, organisationId }
  })
}

/** Lifts a beheerder's lock and any wait after failed attempts (`accountKey`: signIn.ts). */
export async function unlockUser(db: Queryable, userId: string, accountKey: string, actorId: string | null, organisationId: string | null, at: Date = new Date()): Promise<boolean> {
  const { rows } = await db.query('UPDATE users SET locked_at = NULL WHERE id = $1 RETURNING id', [userId])
  if (!rows.length) return false
  await db.query('UPDATE sign_in_guard SET failures = 0, blocked_until = $2 WHERE account_key = $1', [accountKey, at])
  await audit(db, { actorId, organisationId, action: 'unlock', entity: 'user', entityId: userId })
  return true
}

/** A beheerder's lock: the person cannot sign in until unlocked, every session ends now, and open links made by or for them stop. */
export async function lockUser(db: Queryable, userId: string, actorId: string, organisationId: string, at: Date = new Date()): Promise<void> {
  await db.query('UPDATE users SET locked_at = coalesce(locked_at, now()) WHERE id = $1', [userId])
  await db.query('DELETE FROM sessions WHERE user_id = $1', [userId])
  await db.query('UPDATE account_links SET revoked_at = $2 WHERE used_at IS NULL AND revoked_at IS NULL AND (user_id = $1 OR created_by = $1)', [userId, at])
  await audit(db, { actorId, organisationId, action: 'lock', entity: 'user', entityId: userId })
}
