/**
 * Storage of an organisation's people: memberships, open invitations, offboarding, forced
 * sign-outs and the organisation's audit log. routes/organisations.ts parses and authorises;
 * this module queries. Device rows live in devices/repository.ts.
 */
import { audit } from '../auth/audit'
import type { Database, Queryable } from '../db/types'

export async function organisationOf(db: Queryable, organisationId: string) {
  return (await db.query<{ name: string; is_region: boolean }>('SELECT name, is_region FROM organisations WHERE id = $1', [organisationId])).rows[0]
}

/** The members of an organisation with each of their roles there, by name. */
export async function membersOf(db: Queryable, organisationId: string) {
  const { rows } = await db.query<{ id: string; email: string; name: string; role: string; locked: boolean; totp_enabled: boolean; is_home: boolean }>(
    `SELECT u.id, u.email, u.name, m.role, u.locked_at IS NOT NULL AS locked, u.totp_enabled, u.home_organisation_id IS NOT DISTINCT FROM m.organisation_id AS is_home
     FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.organisation_id = $1 ORDER BY u.name, m.role`,
    [organisationId],
  )
  return rows
}

/** Invitations not used, withdrawn or expired at `now`, newest first. */
export async function openInvitations(db: Queryable, organisationId: string, now: Date) {
  const { rows } = await db.query<{ id: string; email: string; name: string | null; role: string; created_at: Date; expires_at: Date }>(
    `SELECT id, email, name, role, created_at, expires_at FROM account_links
     WHERE organisation_id = $1 AND kind = 'invitation' AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2 ORDER BY created_at DESC`,
    [organisationId, now],
  )
  return rows
}

/** Withdraws an open invitation, audited; false when there is none with this id here. */
export async function withdrawInvitation(db: Queryable, organisationId: string, id: string, actorId: string, now: Date): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE account_links SET revoked_at = $3 WHERE id = $1 AND organisation_id = $2 AND kind = 'invitation' AND used_at IS NULL AND revoked_at IS NULL RETURNING id`,
    [id, organisationId, now],
  )
  if (rows.length) await audit(db, { actorId, organisationId, action: 'withdraw-invitation', entity: 'account_link', entityId: id })
  return rows.length > 0
}

/** A member of this organisation: their address, home organisation and whether they work elsewhere too. */
export async function memberOf(db: Queryable, organisationId: string, userId: string) {
  const { rows } = await db.query<{ email: string; home_organisation_id: string | null; elsewhere: boolean }>(
    `SELECT u.email, u.home_organisation_id,
            EXISTS (SELECT 1 FROM memberships o WHERE o.user_id = u.id AND o.organisation_id <> $2) AS elsewhere
     FROM users u WHERE u.id = $1 AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.organisation_id = $2)`,
    [userId, organisationId],
  )
  return rows[0]
}

/**
 * Offboarding: the person leaves this organisation; their devices here are revoked, their sessions
 * end and the links they made or were made for them here die. False (nothing done) when they are
 * its last beheerder.
 */
export async function removeMember(db: Database, organisationId: string, userId: string, actorId: string, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    // One removal at a time per organisation: two beheerders removing each other at once must not leave none.
    await tx.query('SELECT 1 FROM organisations WHERE id = $1 FOR UPDATE', [organisationId])
    const others = await tx.query<{ n: number }>(`SELECT count(DISTINCT user_id)::int AS n FROM memberships WHERE organisation_id = $1 AND role = 'beheerder' AND user_id <> $2`, [organisationId, userId])
    const isBeheerder = await tx.query(`SELECT 1 FROM memberships WHERE organisation_id = $1 AND role = 'beheerder' AND user_id = $2`, [organisationId, userId])
    if (isBeheerder.rows.length && others.rows[0]!.n === 0) return false
    await tx.query('DELETE FROM memberships WHERE user_id = $1 AND organisation_id = $2', [userId, organisationId])
    await tx.query(`UPDATE devices SET status = 'revoked', decided_by = $3, decided_at = now() WHERE user_id = $1 AND organisation_id = $2 AND status <> 'revoked'`, [userId, organisationId, actorId])
    // Every session of theirs ends, those bound to the revoked devices among them (docs/device-trust.md).
    await tx.query('DELETE FROM sessions WHERE user_id = $1', [userId])
    // Links they made here (a beheerder's invitation to their own private address) or that were made for them die too.
    await tx.query(
      `UPDATE account_links SET revoked_at = $3 WHERE organisation_id = $1 AND used_at IS NULL AND revoked_at IS NULL AND (user_id = $2 OR created_by = $2)`,
      [organisationId, userId, now],
    )
    await audit(tx, { actorId, organisationId, action: 'remove-member', entity: 'user', entityId: userId })
    return true
  })
}

/** Ends every session of a person, audited; how many ended. */
export async function signOutMember(db: Queryable, organisationId: string, userId: string, actorId: string): Promise<number> {
  const { rows } = await db.query('DELETE FROM sessions WHERE user_id = $1 RETURNING token_hash', [userId])
  await audit(db, { actorId, organisationId, action: 'force-sign-out', entity: 'user', entityId: userId })
  return rows.length
}

/** NEN 7513 for the organisation: what was done in its name, newest first; reading it is audited too. */
export async function auditLogOf(db: Queryable, organisationId: string, readerId: string) {
  const { rows } = await db.query<{ id: string; at: Date; actor_id: string | null; action: string; entity: string; entity_id: string | null }>(
    `SELECT id::text, at, actor_id, action, entity, entity_id FROM audit_log WHERE organisation_id = $1 ORDER BY id DESC LIMIT 5000`,
    [organisationId],
  )
  await audit(db, { actorId: readerId, organisationId, action: 'read-audit-log', entity: 'audit_log' })
  return rows
}
