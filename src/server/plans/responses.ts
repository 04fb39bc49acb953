/**
 * Participants' answers on the shared plan (docs/shared-plan.md "Server"; the contract is
 * src/shared/api/plans.ts, the content src/shared/cases/sharedPlan.ts). A response is ciphertext
 * under the plan's response key, signed by the participant's device: the server checks that it
 * comes from a person who receives the plan now, from the session's device, with that device's
 * certified key, and stores it once under its id. The case's team reads them in the server's
 * order with the signing devices' certificates; every phone checks them itself (acceptResponse).
 */
import type { PlanResponses } from '../../shared/api/plans'
import { planResponseMessage, type PlanResponse } from '../../shared/cases/sharedPlan'
import { verifyMessage } from '../../shared/crypto/signatures'
import { chainsOf } from '../auth/certificates'
import { logAccess } from '../caseSync/access'
import { certifiedSigningKey } from '../caseSync/teamKeys'
import type { Database, Queryable } from '../db/types'
import { ACTING_PARTICIPANT, canonical, caseRole, MAX_INT, NOT_FOUND, ok, planOfCase, planRefusal, write, type Actor, type PlanResult } from './common'

/** Responses a read hands out at most. */
export const RESPONSES_PAGE = 500

const NOT_RECIPIENT = planRefusal(404, 'not-found', 'No such plan for you.')

interface StoredRow {
  seq: string | number
  id: string
  plan_id: string
  user_id: string
  device_id: string
  gen: number
  iv: string
  ciphertext: string
  signature: string
  received_at: Date | string
}

/**
 * A response by a person who receives the plan now, for the organisation of this device, while
 * they work there as huisarts or sociaal-werker (anyone else, also someone left out of the newest
 * version: 404). The same response again is 200 `duplicate`; other content under its id 409.
 */
export async function postResponse(db: Database, actor: Actor, planId: string, r: PlanResponse, at: Date): Promise<PlanResult<{ seq: number; duplicate?: boolean }>> {
  if (r.gen > MAX_INT) return planRefusal(400, 'bad-request', `A key generation is at most ${MAX_INT}.`)
  return write(db, async (tx) => {
    // Under the plan's row: a version that drops this person waits for this, or this for it.
    const { rows: plans } = await tx.query<{ document_id: string }>('SELECT document_id FROM shared_plans WHERE plan_id = $1 FOR SHARE', [planId])
    const plan = plans[0]
    if (!plan) return NOT_RECIPIENT
    const { rows: receives } = await tx.query(`SELECT 1 FROM plan_recipients r WHERE r.plan_id = $1 AND r.user_id = $2 AND r.organisation_id = $3 AND ${ACTING_PARTICIPANT('r')}`, [
      planId,
      actor.userId,
      actor.organisationId,
    ])
    if (!receives.length) return NOT_RECIPIENT
    if (r.deviceId !== actor.deviceId) return planRefusal(403, 'wrong-sender', 'A response must be signed by the device this session runs on.')
    const key = await certifiedSigningKey(tx, actor.deviceId)
    if (!key) return planRefusal(403, 'device-not-certified', 'This device has no valid certificate: ask your beheerder to approve it again.')
    const { signature, ...unsigned } = r
    if (!(await verifyMessage(key, planResponseMessage(planId, unsigned), signature))) return planRefusal(403, 'bad-signature', "The signature does not verify with this device's certified key for this plan.")
    const made = await tx.query<{ seq: string | number }>(
      `INSERT INTO plan_responses (id, plan_id, user_id, device_id, gen, iv, ciphertext, signature, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (id) DO NOTHING RETURNING seq`,
      [r.id, planId, actor.userId, r.deviceId, r.gen, r.iv, r.ciphertext, r.signature, at],
    )
    if (!made.rows.length) {
      const { rows } = await tx.query<StoredRow>('SELECT * FROM plan_responses WHERE id = $1', [r.id])
      const had = rows[0]!
      const same =
        had.plan_id === planId &&
        had.user_id === actor.userId &&
        canonical({ id: had.id, gen: had.gen, iv: had.iv, ciphertext: had.ciphertext, deviceId: had.device_id, signature: had.signature }) === canonical({ ...r, id: r.id.toLowerCase() })
      return same ? ok({ seq: Number(had.seq), duplicate: true }) : planRefusal(409, 'id-reused', 'That response id is taken by another response.')
    }
    await logAccess(tx, actor, plan.document_id, 'plan-response', at)
    return ok({ seq: Number(made.rows[0]!.seq) }, 201)
  })
}

/**
 * For a member of the case the plan is bound to: the responses after `after`, in the server's
 * order, at most RESPONSES_PAGE and `more`, with the signing devices' certificates as stored and
 * their organisations' chains (revoked beheerder devices included). A plan not bound yet has none.
 */
export async function responsesOf(db: Queryable, actor: Actor, planId: string, docId: string, after: number): Promise<PlanResult<PlanResponses>> {
  if (!(await caseRole(db, docId, actor))) return NOT_FOUND
  const plan = await planOfCase(db, planId, docId)
  if (plan === 'elsewhere') return NOT_FOUND
  if (!plan) return ok({ responses: [], devices: [], chains: {}, more: false })
  const { rows } = await db.query<StoredRow>('SELECT * FROM plan_responses WHERE plan_id = $1 AND seq > $2 ORDER BY seq LIMIT $3', [planId, after, RESPONSES_PAGE + 1])
  const page = rows.slice(0, RESPONSES_PAGE)
  const deviceIds = [...new Set(page.map((r) => r.device_id))]
  const { rows: devices } = deviceIds.length
    ? await db.query<{ certificate: unknown; organisation_id: string }>('SELECT certificate, organisation_id FROM devices WHERE id = ANY($1::uuid[]) AND certificate IS NOT NULL ORDER BY id', [deviceIds])
    : { rows: [] }
  return ok({
    responses: page.map((r) => ({
      seq: Number(r.seq),
      id: r.id,
      gen: r.gen,
      iv: r.iv,
      ciphertext: r.ciphertext,
      deviceId: r.device_id,
      signature: r.signature,
      userId: r.user_id,
      receivedAt: new Date(r.received_at).toISOString(),
    })),
    devices: devices.map((d) => d.certificate),
    chains: await chainsOf(db, devices.map((d) => d.organisation_id), { historical: true }),
    more: rows.length > RESPONSES_PAGE,
  })
}
