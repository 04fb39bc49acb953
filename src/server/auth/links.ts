/**
 * One-time links a person opens themselves (docs/security.md): an invitation to join an
 * organisation with a role, a password reset, a reset of the authenticator. A beheerder makes
 * the link and hands it over (on screen, as a QR code); nobody else picks the person's password,
 * and nobody joins an organisation without saying yes. Only the token's hash is stored.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { Database, Queryable } from '../db/types'
import { passwordProblem } from '../../shared/accounts/passwordPolicy'
import type { Role } from '../../shared/accounts/roles'
import { AccountError, addMember } from './accounts'
import { audit } from './audit'
import { hashPassword } from './passwords'

export type LinkKind = 'invitation' | 'password-reset' | 'totp-reset'
export const LINK_PATH = '/beheer/link'
const VALID_HOURS: Record<LinkKind, number> = { invitation: 7 * 24, 'password-reset': 24, 'totp-reset': 24 }

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url')

export interface NewLink {
  kind: LinkKind
  organisationId: string
  email: string
  name?: string | null
  role?: Role | null
  userId?: string | null
}

/** Makes a link; an open link of the same kind for the same person and organisation stops working. */
export async function createLink(db: Queryable, link: NewLink, actorId: string, now: Date): Promise<{ id: string; link: string; expiresAt: string }> {
  const token = randomBytes(24).toString('base64url')
  const id = randomUUID()
  const expiresAt = new Date(now.getTime() + VALID_HOURS[link.kind] * 3_600_000)
  await db.query(
    `UPDATE account_links SET revoked_at = $4 WHERE kind = $1 AND organisation_id = $2 AND email = $3 AND used_at IS NULL AND revoked_at IS NULL`,
    [link.kind, link.organisationId, link.email, now],
  )
  await db.query(
    `INSERT INTO account_links (id, token_hash, kind, organisation_id, email, name, role, user_id, created_by, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [id, hashToken(token), link.kind, link.organisationId, link.email, link.name ?? null, link.role ?? null, link.userId ?? null, actorId, now, expiresAt],
  )
  await audit(db, { actorId, organisationId: link.organisationId, action: `link-${link.kind}`, entity: link.kind === 'invitation' ? 'account_link' : 'user', entityId: link.kind === 'invitation' ? id : link.userId })
  return { id, link: `${LINK_PATH}#${token}`, expiresAt: expiresAt.toISOString() }
}

interface LinkRow {
  id: string
  created_by: string | null
  kind: LinkKind
  organisation_id: string
  organisation_name: string
  email: string
  name: string | null
  role: Role | null
  user_id: string | null
}

/** A link that can still be used, or null (unknown, used, expired or withdrawn: one answer for all). */
export async function findLink(db: Queryable, token: string, now: Date, forUpdate = false): Promise<LinkRow | null> {
  const { rows } = await db.query<LinkRow>(
    `SELECT l.id, l.created_by, l.kind, l.organisation_id, o.name AS organisation_name, l.email, l.name, l.role, l.user_id
     FROM account_links l JOIN organisations o ON o.id = l.organisation_id
     WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.revoked_at IS NULL AND l.expires_at > $2 ${forUpdate ? 'FOR UPDATE OF l' : ''}`,
    [hashToken(token), now],
  )
  return rows[0] ?? null
}

export class LinkError extends AccountError {}

/**
 * Uses a link, in one transaction: the effect and marking the link used succeed together or
 * not at all (a refused password leaves the link usable). `signedInUserId`: the person's own
 * full session, needed to accept an invitation to an account that already exists.
 */
export async function redeemLink(
  db: Database,
  token: string,
  input: { password?: string | undefined; name?: string | undefined },
  ctx: { now: Date; signedInUserId: string | null; checkPassword: (email: string, password: string) => Promise<boolean> },
): Promise<{ kind: LinkKind; status: 'joined' | 'created' | 'password-set' | 'totp-cleared'; userId: string }> {
  // The password of a totp-reset is checked first, outside the transaction (it counts as a sign-in attempt).
  const peek = await findLink(db, token, ctx.now)
  if (!peek) throw new LinkError('This link is not valid (any more). Ask your beheerder for a new one.', 'link-invalid', 404)
  const password = input.password ?? ''
  const joining = peek.kind === 'invitation' && ctx.signedInUserId !== null
  if (!password && !joining) throw new LinkError('Fill in a password.', 'password-required', 400)
  if (peek.kind === 'totp-reset' && !(await ctx.checkPassword(peek.email, password))) throw new LinkError('The password is not right.', 'wrong', 400)
  return db.transaction(async (tx) => {
    const link = await findLink(tx, token, ctx.now, true)
    if (!link) throw new LinkError('This link is not valid (any more). Ask your beheerder for a new one.', 'link-invalid', 404)
    await tx.query('UPDATE account_links SET used_at = $2 WHERE id = $1', [link.id, ctx.now])
    const problem = (name: string) => passwordProblem(password, [link.email, name])
    switch (link.kind) {
      case 'invitation': {
        const existing = await tx.query<{ id: string; email: string }>('SELECT id, email FROM users WHERE email = $1', [link.email])
        const user = existing.rows[0]
        if (user) {
          // Joining with an account one has: only from that account's own full session.
          if (ctx.signedInUserId !== user.id) throw new LinkError('Sign in with your account first, then open this link again.', 'sign-in-first', 409)
          await addMember(tx, { email: link.email, name: '', password: '' }, link.organisation_id, link.role!, user.id)
          await audit(tx, { actorId: user.id, organisationId: link.organisation_id, action: 'accept-invitation', entity: 'account_link', entityId: link.id })
          return { kind: link.kind, status: 'joined' as const, userId: user.id }
        }
        const name = (input.name ?? link.name ?? '').trim()
        if (!name) throw new LinkError('Fill in your name.', 'name-required', 400)
        const p = problem(name)
        if (p) throw new LinkError(`The password is not good enough (${p}).`, `password-${p}`, 400)
        const { userId } = await addMember(tx, { email: link.email, name, password }, link.organisation_id, link.role!, null)
        await audit(tx, { actorId: userId, organisationId: link.organisation_id, action: 'accept-invitation', entity: 'account_link', entityId: link.id })
        return { kind: link.kind, status: 'created' as const, userId }
      }
      case 'password-reset': {
        const u = await tx.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [link.user_id])
        const p = problem(u.rows[0]?.name ?? '')
        if (p) throw new LinkError(`The password is not good enough (${p}).`, `password-${p}`, 400)
        await tx.query('UPDATE users SET password_hash = $2, password_changed_at = $3 WHERE id = $1', [link.user_id, await hashPassword(password), ctx.now])
        await tx.query('DELETE FROM sessions WHERE user_id = $1', [link.user_id])
        await audit(tx, { actorId: link.user_id, organisationId: link.organisation_id, action: 'password-reset', entity: 'user', entityId: link.user_id })
        return { kind: link.kind, status: 'password-set' as const, userId: link.user_id! }
      }
      case 'totp-reset': {
        // One beheerder may not reset both the password and the authenticator of a person within a
        // week: with both links in hand they would own the account. Two people must be involved.
        const chained = await tx.query(
          `SELECT 1 FROM account_links WHERE kind = 'password-reset' AND user_id = $1 AND used_at > $2::timestamptz - interval '7 days' AND created_by IS NOT DISTINCT FROM $3`,
          [link.user_id, ctx.now, link.created_by],
        )
        if (chained.rows.length) {
          throw new LinkError('The same beheerder reset this password less than a week ago: ask another beheerder (or the region) for this link.', 'reset-chain', 409)
        }
        await tx.query('UPDATE users SET totp_enabled = false, totp_secret = NULL WHERE id = $1', [link.user_id])
        await tx.query('DELETE FROM sessions WHERE user_id = $1', [link.user_id])
        await audit(tx, { actorId: link.user_id, organisationId: link.organisation_id, action: 'totp-reset', entity: 'user', entityId: link.user_id })
        return { kind: link.kind, status: 'totp-cleared' as const, userId: link.user_id! }
      }
    }
  })
}
