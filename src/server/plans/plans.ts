/**
 * The versions of a shared samenwerkplan (docs/shared-plan.md "Server"; the contract is
 * src/shared/api/plans.ts). The lead's phone sends each version as one sealed box per participant;
 * the server checks who sealed it (the session's certified device, for this plan, version and
 * person) and to whom (that person's certified devices in the organisation they act for), keeps
 * only each person's newest box, and drops everything it held for a person left out. It opens
 * nothing. Every write is one transaction that locks the case's row and then the plan's.
 */
import type { MyPlans, PlanPeople, PutPlan } from '../../shared/api/plans'
import { planBoxContext } from '../../shared/cases/sharedPlan'
import { verifySealedSender } from '../../shared/crypto/sealed'
import { certifiedDevices, chainsOf, type CertifiedDevice } from '../auth/certificates'
import { logAccess } from '../caseSync/access'
import { memberDoc } from '../caseSync/documents'
import { certifiedSigningKey } from '../caseSync/teamKeys'
import type { Database, Queryable } from '../db/types'
import { ACTING_PARTICIPANT, canonical, caseRole, MAX_INT, NOT_FOUND, NOT_LEAD, ok, planOfCase, planRefusal, write, type Actor, type PlanResult } from './common'

interface Eligible {
  user_id: string
  organisation_id: string
  organisation_name: string
  name: string
  email: string
  recipient: boolean
}

/**
 * Who may receive the plan: the people who receive it now and those whose acceptance still counts
 * (an accepted invitation within its days), each with the organisation they act for (the
 * acceptance's, else the one they received it for), while they are a huisarts or sociaal-werker
 * there. `only`: just these people.
 */
async function eligible(db: Queryable, planId: string, at: Date, only?: readonly string[]): Promise<Eligible[]> {
  const { rows } = await db.query<Eligible>(
    `WITH p AS (
       SELECT u.id AS user_id, coalesce(i.organisation_id, r.organisation_id) AS organisation_id, r.user_id IS NOT NULL AS recipient, u.name, u.email
       FROM users u
       LEFT JOIN plan_recipients r ON r.plan_id = $1 AND r.user_id = u.id
       LEFT JOIN plan_invitations i ON i.plan_id = $1 AND i.invitee_id = u.id AND i.accepted_at IS NOT NULL AND i.expires_at > $2
       WHERE (r.user_id IS NOT NULL OR i.invitee_id IS NOT NULL) AND ($3::uuid[] IS NULL OR u.id = ANY($3::uuid[]))
     )
     SELECT p.user_id, p.organisation_id, o.name AS organisation_name, p.name, p.email, p.recipient
     FROM p JOIN organisations o ON o.id = p.organisation_id
     WHERE ${ACTING_PARTICIPANT('p')}
     ORDER BY p.name, p.user_id`,
    [planId, at, only ? [...only] : null],
  )
  return rows
}

/** Their certified devices in the organisations they act for, and those organisations' current chains. */
async function devicesOf(db: Queryable, people: readonly Pick<Eligible, 'user_id' | 'organisation_id'>[]) {
  const chains = await chainsOf(db, people.map((p) => p.organisation_id))
  const devices: CertifiedDevice[] = people.length
    ? await certifiedDevices(db, '(d.user_id, d.organisation_id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))', [people.map((p) => p.user_id), people.map((p) => p.organisation_id)], chains)
    : []
  const of = (p: Pick<Eligible, 'user_id' | 'organisation_id'>) => devices.filter((d) => d.userId === p.user_id && d.organisationId === p.organisation_id)
  return { chains, of }
}

/** For the case's team: who accepted or receives the plan, with their devices' certificates (unchecked) and chains. */
export async function peopleOf(db: Queryable, actor: Actor, planId: string, docId: string, at: Date): Promise<PlanResult<PlanPeople>> {
  if (!(await caseRole(db, docId, actor))) return NOT_FOUND
  const plan = await planOfCase(db, planId, docId)
  if (plan === 'elsewhere') return NOT_FOUND
  if (!plan) return ok({ people: [], chains: {} })
  const people = await eligible(db, planId, at)
  const { chains, of } = await devicesOf(db, people)
  return ok({
    people: people.map((p) => ({
      userId: p.user_id,
      name: p.name,
      email: p.email,
      organisationId: p.organisation_id,
      organisationName: p.organisation_name,
      status: p.recipient ? ('recipient' as const) : ('accepted' as const),
      devices: of(p).map((d) => d.certificate),
    })),
    chains,
  })
}

/** What is stored now: the newest version's boxes by person. */
async function storedBoxes(tx: Queryable, planId: string): Promise<Map<string, unknown>> {
  const { rows } = await tx.query<{ user_id: string; box: unknown }>('SELECT user_id, box FROM plan_boxes WHERE plan_id = $1', [planId])
  return new Map(rows.map((r) => [r.user_id, r.box]))
}

/**
 * A version of the plan by the lead of the case. A version not above the stored one is refused
 * (409 `version-outdated` with `current`), unless it is the stored version again, unchanged (a
 * resend: 200 `duplicate`). Then every box is checked; whoever is not listed loses their box and
 * their place as recipient; each listed person's box becomes their newest.
 */
export async function putPlan(db: Database, actor: Actor, planId: string, req: PutPlan, at: Date): Promise<PlanResult<{ version: number; duplicate?: boolean }>> {
  const docId = req.docId.toLowerCase()
  if (req.version > MAX_INT) return planRefusal(400, 'bad-request', `A version is at most ${MAX_INT}.`)
  return write(db, async (tx) => {
    const doc = await memberDoc(tx, docId, actor, 'update')
    if (!doc) return NOT_FOUND
    if (doc.role !== 'lead') return NOT_LEAD
    const plan = await planOfCase(tx, planId, docId, 'update')
    if (plan === 'elsewhere') return NOT_FOUND
    const current = plan?.version ?? 0
    const outdated = planRefusal(409, 'version-outdated', `The server holds version ${current} of this plan: send a higher one.`, { current })
    const ids = req.recipients.map((r) => r.userId.toLowerCase())
    if (req.version < current) return outdated
    if (req.version === current) {
      const stored = await storedBoxes(tx, planId)
      const same = stored.size === ids.length && req.recipients.every((r, i) => stored.has(ids[i]!) && canonical(stored.get(ids[i]!)) === canonical(r.box))
      return same ? ok({ version: current, duplicate: true }) : outdated
    }
    if (new Set(ids).size !== ids.length) return planRefusal(400, 'bad-request', 'A person appears twice in the list of recipients.')

    const people = new Map((await eligible(tx, planId, at, ids)).map((p) => [p.user_id, p]))
    const missing = ids.filter((id) => !people.has(id))
    if (missing.length) return planRefusal(400, 'not-invited', 'Everyone who receives the plan must have accepted an invitation to it (or receive it already) and still work as huisarts or sociaal-werker in their organisation.')
    const signingKey = await certifiedSigningKey(tx, actor.deviceId)
    if (!signingKey) return planRefusal(403, 'device-not-certified', 'This device has no valid certificate: ask your beheerder to approve it again.')
    const { of } = await devicesOf(tx, [...people.values()])
    for (const [i, r] of req.recipients.entries()) {
      const userId = ids[i]!
      if (r.box.sender.deviceId !== actor.deviceId) return planRefusal(403, 'wrong-sender', 'Each box must be sealed and signed by the device this session runs on.')
      if (!(await verifySealedSender(r.box, planBoxContext(planId, req.version, userId), signingKey)))
        return planRefusal(403, 'bad-signature', "A box's signature does not verify with this device's certified key for this plan, version and person.")
      const theirs = new Set(of(people.get(userId)!).map((d) => d.deviceId))
      if (!r.box.recipients.every((x) => theirs.has(x.deviceId)))
        return planRefusal(400, 'wrong-recipient', "Each box must be sealed only to that person's certified devices in the organisation they act for.")
    }

    if (plan) await tx.query('UPDATE shared_plans SET version = $2, updated_at = $3 WHERE plan_id = $1', [planId, req.version, at])
    else await tx.query('INSERT INTO shared_plans (plan_id, document_id, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)', [planId, docId, req.version, at])
    // Left out (consent withdrawn, removed): their place and their box go; the box row goes with the place.
    await tx.query('DELETE FROM plan_recipients WHERE plan_id = $1 AND NOT (user_id = ANY($2::uuid[]))', [planId, ids])
    for (const [i, r] of req.recipients.entries()) {
      const userId = ids[i]!
      await tx.query(
        `INSERT INTO plan_recipients (plan_id, user_id, organisation_id, added_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (plan_id, user_id) DO UPDATE SET organisation_id = EXCLUDED.organisation_id`,
        [planId, userId, people.get(userId)!.organisation_id, at],
      )
      await tx.query(
        `INSERT INTO plan_boxes (plan_id, user_id, version, box, sender_device_id, created_at) VALUES ($1, $2, $3, $4::jsonb, $5, $6)
         ON CONFLICT (plan_id, user_id) DO UPDATE SET version = EXCLUDED.version, box = EXCLUDED.box, sender_device_id = EXCLUDED.sender_device_id, created_at = EXCLUDED.created_at`,
        [planId, userId, req.version, JSON.stringify(r.box), actor.deviceId, at],
      )
    }
    await logAccess(tx, actor, docId, 'share-plan', at)
    return ok({ version: req.version })
  })
}

/**
 * The newest box of every plan the person receives now for the organisation of this device, when
 * it is sealed to this device; with the sending devices' certificates as stored (the phone checks
 * them) and their organisations' chains, revoked beheerder devices included (a box signed before a
 * revocation still verifies). Nothing once they no longer work there as huisarts or sociaal-werker.
 */
export async function myPlans(db: Queryable, actor: Actor): Promise<MyPlans> {
  const { rows } = await db.query<{ plan_id: string; version: number; box: unknown; created_at: Date | string; certificate: unknown; organisation_id: string | null }>(
    `SELECT b.plan_id, b.version, b.box, b.created_at, d.certificate, d.organisation_id
     FROM plan_recipients r JOIN plan_boxes b ON b.plan_id = r.plan_id AND b.user_id = r.user_id
     LEFT JOIN devices d ON d.id = b.sender_device_id
     WHERE r.user_id = $1 AND r.organisation_id = $2 AND ${ACTING_PARTICIPANT('r')}
       AND b.box->'recipients' @> jsonb_build_array(jsonb_build_object('deviceId', $3::text))
     ORDER BY b.created_at, b.plan_id`,
    [actor.userId, actor.organisationId, actor.deviceId],
  )
  const chains = await chainsOf(db, rows.flatMap((r) => (r.organisation_id ? [r.organisation_id] : [])), { historical: true })
  return {
    plans: rows.map((r) => ({ planId: r.plan_id, version: r.version, box: r.box, sender: r.certificate ?? null, receivedAt: new Date(r.created_at).toISOString() })),
    chains,
  }
}
