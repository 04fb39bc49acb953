/**
 * Another organisation on a case (docs/case-sync.md "Another organisation"; the contract is
 * src/shared/api/caseTeam.ts). The lead invites a professional by exact e-mail address. Finding a
 * person never exposes a directory: the answer is the same whether or not a sociaal-werker with that
 * address exists, and both ways run the same statements (the database decides, in one INSERT …
 * SELECT, whether a row is stored). Asking is counted per lead per region day in the database, so
 * the limit holds across server processes. The invitee accepts on an approved device of the
 * organisation they act for (with an exchange key, so the lead's phone can seal the case key to
 * them) or declines; an invitation not accepted within INVITATION_DAYS expires.
 */
import { INVITATION_DAYS, INVITATIONS_PER_DAY, type Invitation } from '../../shared/api/caseTeam'
import { regionDate } from '../../shared/core/clock'
import { audit } from '../auth/audit'
import type { Database, Queryable } from '../db/types'
import { logAccess, type Actor } from './access'
import { memberDoc } from './documents'
import { exchangeKeyOf, NOT_FOUND, teamRefusal, type TeamResult } from './teamKeys'

const DAY_MS = 24 * 60 * 60 * 1000
const NO_INVITATION = teamRefusal(404, 'not-found', 'No such invitation for you (it may have expired).')

/** An extra refusal of the invite route: the lead asked too often today. */
export type InviteResult = TeamResult<{ sent: true }> | { ok: false; status: 429; code: 'too-many'; error: string }

/**
 * The lead invites `email` to the case. The same 202 answer whether or not the address belongs to a
 * sociaal-werker (of any organisation, the own one too), is already on the case, or is the lead's.
 * Logged ('invite') and audited either way: the log names the case, never the address.
 */
export async function invite(db: Database, actor: Actor, docId: string, email: string, at: Date): Promise<InviteResult> {
  return db.transaction(async (tx) => {
    const doc = await memberDoc(tx, docId, actor, 'share')
    if (!doc) return NOT_FOUND
    if (doc.role !== 'lead') return teamRefusal(403, 'not-lead', 'Only the lead of the case (casusregisseur) may do this.')
    // Counted only while under the limit, so a refusal writes nothing.
    const { rows } = await tx.query(
      `INSERT INTO case_invitation_counts AS c (user_id, day, hits) VALUES ($1, $2, 1)
       ON CONFLICT (user_id, day) DO UPDATE SET hits = c.hits + 1 WHERE c.hits < $3 RETURNING hits`,
      [actor.userId, regionDate(at), INVITATIONS_PER_DAY],
    )
    if (!rows.length) return { ok: false, status: 429, code: 'too-many', error: `At most ${INVITATIONS_PER_DAY} invitations a day. Try again tomorrow.` }
    // One statement for both ways: it stores a row only for a sociaal-werker who is not on the case yet.
    // Inviting again renews a pending invitation; an accepted one stays as it is.
    await tx.query(
      `INSERT INTO case_invitations (document_id, invitee_id, invited_by, inviter_organisation_id, created_at, expires_at)
       SELECT $1, u.id, $2, $3, $4, $5 FROM users u
       WHERE u.email = $6 AND u.id <> $2
         AND EXISTS (SELECT 1 FROM memberships ms WHERE ms.user_id = u.id AND ms.role = 'sociaal-werker')
         AND NOT EXISTS (SELECT 1 FROM sync_members sm WHERE sm.document_id = $1 AND sm.user_id = u.id)
       ON CONFLICT (document_id, invitee_id) DO UPDATE SET invited_by = EXCLUDED.invited_by, inviter_organisation_id = EXCLUDED.inviter_organisation_id,
         created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
       WHERE case_invitations.accepted_at IS NULL`,
      [docId, actor.userId, actor.organisationId, at, new Date(at.getTime() + INVITATION_DAYS * DAY_MS), email.trim().toLowerCase()],
    )
    await logAccess(tx, actor, docId, 'invite', at)
    await audit(tx, { actorId: actor.userId, organisationId: actor.organisationId, action: 'invite-to-case', entity: 'sync_documents', entityId: docId })
    return { ok: true, status: 200, value: { sent: true } }
  })
}

/** The worker's invitations not yet accepted and not expired: who asks and from which organisation. */
export async function pendingInvitations(db: Queryable, userId: string, at: Date): Promise<Invitation[]> {
  const { rows } = await db.query<{ document_id: string; inviter_name: string | null; organisation_name: string; created_at: Date | string; expires_at: Date | string }>(
    `SELECT i.document_id, u.name AS inviter_name, o.name AS organisation_name, i.created_at, i.expires_at
     FROM case_invitations i JOIN organisations o ON o.id = i.inviter_organisation_id LEFT JOIN users u ON u.id = i.invited_by
     WHERE i.invitee_id = $1 AND i.accepted_at IS NULL AND i.expires_at > $2 ORDER BY i.created_at, i.document_id`,
    [userId, at],
  )
  return rows.map((r) => ({
    docId: r.document_id,
    inviterName: r.inviter_name,
    organisationName: r.organisation_name,
    invitedAt: new Date(r.created_at).toISOString(),
    expiresAt: new Date(r.expires_at).toISOString(),
  }))
}

/**
 * The invitee accepts, for the organisation of this session's device (where they are a sociaal-werker:
 * the route's guard). Nothing becomes readable yet: the lead's phone adds them at its next look.
 */
export async function acceptInvitation(db: Database, actor: Actor, docId: string, at: Date): Promise<TeamResult<{ duplicate: boolean }>> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ accepted_at: Date | null; organisation_id: string | null; expires_at: Date | string }>(
      'SELECT accepted_at, organisation_id, expires_at FROM case_invitations WHERE document_id = $1 AND invitee_id = $2 FOR UPDATE',
      [docId, actor.userId],
    )
    const inv = rows[0]
    if (!inv) return NO_INVITATION
    if (inv.accepted_at) return inv.organisation_id === actor.organisationId ? { ok: true, status: 200, value: { duplicate: true } } : NO_INVITATION
    if (new Date(inv.expires_at).getTime() <= at.getTime()) return NO_INVITATION
    if (!(await exchangeKeyOf(tx, actor.userId))) return teamRefusal(409, 'no-exchange-key', 'Open the app once on this approved device first, so a case key can be sealed to you.')
    await tx.query('UPDATE case_invitations SET accepted_at = $3, organisation_id = $4 WHERE document_id = $1 AND invitee_id = $2', [docId, actor.userId, at, actor.organisationId])
    await audit(tx, { actorId: actor.userId, organisationId: actor.organisationId, action: 'accept-case-invitation', entity: 'sync_documents', entityId: docId })
    return { ok: true, status: 201, value: { duplicate: false } }
  })
}

/** The invitee declines (also after accepting, until they are added): the invitation goes. */
export async function declineInvitation(db: Database, actor: Actor, docId: string): Promise<TeamResult<{ duplicate: boolean }>> {
  return db.transaction(async (tx) => {
    const gone = await tx.query('DELETE FROM case_invitations WHERE document_id = $1 AND invitee_id = $2 RETURNING document_id', [docId, actor.userId])
    if (!gone.rows.length) return NO_INVITATION
    await audit(tx, { actorId: actor.userId, organisationId: actor.organisationId, action: 'decline-case-invitation', entity: 'sync_documents', entityId: docId })
    return { ok: true, status: 200, value: { duplicate: false } }
  })
}

/**
 * The organisation `userId` would act for on the case: the case's own when they are a sociaal-werker
 * there; else the one they accepted an invitation to this case for, while still a sociaal-werker of
 * it. Null: they cannot be added.
 */
export async function actingOrganisation(tx: Queryable, docId: string, userId: string, caseOrganisationId: string): Promise<string | null> {
  const { rows } = await tx.query<{ organisation_id: string }>(
    `SELECT $3::uuid AS organisation_id WHERE EXISTS (SELECT 1 FROM memberships WHERE user_id = $2 AND organisation_id = $3 AND role = 'sociaal-werker')
     UNION ALL
     SELECT i.organisation_id FROM case_invitations i
     JOIN memberships ms ON ms.user_id = i.invitee_id AND ms.organisation_id = i.organisation_id AND ms.role = 'sociaal-werker'
     WHERE i.document_id = $1 AND i.invitee_id = $2 AND i.accepted_at IS NOT NULL`,
    [docId, userId, caseOrganisationId],
  )
  return rows[0]?.organisation_id ?? null
}
