/**
 * Asking a participant to receive the samenwerkplan (docs/shared-plan.md "Server"; the contract is
 * src/shared/api/plans.ts). The lead of the case finds a person by exact e-mail address only: the
 * answer is `{ sent: true }` whether or not the address belongs to a huisarts or sociaal-werker (of
 * any organisation), is invited already, receives the plan already, or is the lead's own, and the
 * same statements run either way (one INSERT … SELECT stores a row only for such a person). Asking
 * counts against the lead's daily invitations, shared with the case team's (case_invitation_counts),
 * in the database. The invitee accepts for the organisation of their session's device, or declines.
 */
import { INVITATIONS_PER_DAY } from '../../shared/api/caseTeam'
import { PLAN_INVITATION_DAYS, type PlanInvitation } from '../../shared/api/plans'
import { regionDate } from '../../shared/core/clock'
import { audit } from '../auth/audit'
import { logAccess } from '../caseSync/access'
import { memberDoc } from '../caseSync/documents'
import type { Database, Queryable } from '../db/types'
import { bindPlan, NOT_FOUND, NOT_LEAD, ok, planRefusal, write, type Actor, type PlanResult } from './common'

const DAY_MS = 24 * 60 * 60 * 1000
const NO_INVITATION = planRefusal(404, 'not-found', 'No such invitation for you (it may have expired).')

/**
 * The lead of `docId` asks `email` to receive plan `planId` (bound to the case on first use). Logged
 * on the case ('invite-plan', never the address) and audited either way; a refusal writes nothing.
 */
export async function invite(db: Database, actor: Actor, planId: string, docId: string, email: string, at: Date): Promise<PlanResult<{ sent: true }>> {
  return write(db, async (tx) => {
    const doc = await memberDoc(tx, docId, actor, 'update')
    if (!doc) return NOT_FOUND
    if (doc.role !== 'lead') return NOT_LEAD
    if (!(await bindPlan(tx, planId, docId, at))) return NOT_FOUND
    // Counted only while under the limit (and a refusal rolls back anyway).
    const { rows } = await tx.query(
      `INSERT INTO case_invitation_counts AS c (user_id, day, hits) VALUES ($1, $2, 1)
       ON CONFLICT (user_id, day) DO UPDATE SET hits = c.hits + 1 WHERE c.hits < $3 RETURNING hits`,
      [actor.userId, regionDate(at), INVITATIONS_PER_DAY],
    )
    if (!rows.length) return planRefusal(429, 'too-many', `At most ${INVITATIONS_PER_DAY} invitations a day. Try again tomorrow.`)
    // One statement for every address: a row only for a huisarts or sociaal-werker who is not the
    // lead and does not receive the plan now. Inviting again renews a pending, declined or lapsed
    // invitation; an acceptance that still counts stays as it is.
    await tx.query(
      `INSERT INTO plan_invitations (plan_id, invitee_id, invited_by, inviter_organisation_id, created_at, expires_at)
       SELECT $1, u.id, $2, $3, $4, $5 FROM users u
       WHERE u.email = $6 AND u.id <> $2
         AND EXISTS (SELECT 1 FROM memberships ms WHERE ms.user_id = u.id AND ms.role IN ('huisarts', 'sociaal-werker'))
         AND NOT EXISTS (SELECT 1 FROM plan_recipients r WHERE r.plan_id = $1 AND r.user_id = u.id)
       ON CONFLICT (plan_id, invitee_id) DO UPDATE SET invited_by = EXCLUDED.invited_by, inviter_organisation_id = EXCLUDED.inviter_organisation_id,
         created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at, accepted_at = NULL, declined_at = NULL, organisation_id = NULL
       WHERE plan_invitations.accepted_at IS NULL OR plan_invitations.expires_at <= EXCLUDED.created_at`,
      [planId, actor.userId, actor.organisationId, at, new Date(at.getTime() + PLAN_INVITATION_DAYS * DAY_MS), email.trim().toLowerCase()],
    )
    await logAccess(tx, actor, docId, 'invite-plan', at)
    await audit(tx, { actorId: actor.userId, organisationId: actor.organisationId, action: 'invite-to-plan', entity: 'shared_plans', entityId: planId })
    return ok({ sent: true as const })
  })
}

/** The person's invitations neither answered nor expired: who asks and from which organisation; nothing of the case. */
export async function pendingInvitations(db: Queryable, userId: string, at: Date): Promise<PlanInvitation[]> {
  const { rows } = await db.query<{ plan_id: string; inviter_name: string | null; organisation_name: string; created_at: Date | string; expires_at: Date | string }>(
    `SELECT i.plan_id, u.name AS inviter_name, o.name AS organisation_name, i.created_at, i.expires_at
     FROM plan_invitations i JOIN organisations o ON o.id = i.inviter_organisation_id LEFT JOIN users u ON u.id = i.invited_by
     WHERE i.invitee_id = $1 AND i.accepted_at IS NULL AND i.declined_at IS NULL AND i.expires_at > $2 ORDER BY i.created_at, i.plan_id`,
    [userId, at],
  )
  return rows.map((r) => ({
    planId: r.plan_id,
    inviterName: r.inviter_name,
    organisationName: r.organisation_name,
    invitedAt: new Date(r.created_at).toISOString(),
    expiresAt: new Date(r.expires_at).toISOString(),
  }))
}

interface InvitationRow {
  accepted_at: Date | string | null
  declined_at: Date | string | null
  organisation_id: string | null
  expires_at: Date | string
}

/**
 * The invitee accepts, for the organisation of the session's device (where the route's guard found
 * them huisarts or sociaal-werker). The same again from that organisation is answered alike.
 */
export async function acceptInvitation(db: Database, actor: Actor, planId: string, at: Date): Promise<PlanResult<{ ok: true }>> {
  return write(db, async (tx) => {
    const { rows } = await tx.query<InvitationRow>('SELECT accepted_at, declined_at, organisation_id, expires_at FROM plan_invitations WHERE plan_id = $1 AND invitee_id = $2 FOR UPDATE', [planId, actor.userId])
    const inv = rows[0]
    if (!inv || inv.declined_at || new Date(inv.expires_at).getTime() <= at.getTime()) return NO_INVITATION
    if (inv.accepted_at) return inv.organisation_id === actor.organisationId ? ok({ ok: true as const }) : NO_INVITATION
    await tx.query('UPDATE plan_invitations SET accepted_at = $3, organisation_id = $4 WHERE plan_id = $1 AND invitee_id = $2', [planId, actor.userId, at, actor.organisationId])
    await audit(tx, { actorId: actor.userId, organisationId: actor.organisationId, action: 'accept-plan-invitation', entity: 'shared_plans', entityId: planId })
    return ok({ ok: true as const })
  })
}

/** The invitee declines a pending invitation: it stays declined until the lead asks again. */
export async function declineInvitation(db: Database, actor: Actor, planId: string, at: Date): Promise<PlanResult<{ ok: true }>> {
  return write(db, async (tx) => {
    const gone = await tx.query(
      'UPDATE plan_invitations SET declined_at = $3 WHERE plan_id = $1 AND invitee_id = $2 AND accepted_at IS NULL AND declined_at IS NULL AND expires_at > $3 RETURNING plan_id',
      [planId, actor.userId, at],
    )
    if (!gone.rows.length) return NO_INVITATION
    await audit(tx, { actorId: actor.userId, organisationId: actor.organisationId, action: 'decline-plan-invitation', entity: 'shared_plans', entityId: planId })
    return ok({ ok: true as const })
  })
}
