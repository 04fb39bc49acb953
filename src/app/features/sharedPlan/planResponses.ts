/**
 * A participant's answer on their own action — done or not, a short note — offline too
 * (docs/shared-plan.md "On the participant's phone"; src/shared/cases/sharedPlan.ts): the content
 * is encrypted under the plan's response key, the bytes `planResponseMessage` names are signed with
 * this device's signing key, and the response waits in the outbox (kind `plan-response`,
 * src/app/sync/outbox.ts) until the server takes it; a resend sends the same bytes. The lead's phone
 * applies it; the next version of the plan shows it to everyone. Until then the phone shows it
 * itself, as "wacht op verbinding" or "verstuurd".
 */
import { decryptResponse, encryptResponse, planResponseMessage, planResponseSchema, type ParticipantPlan, type PlanResponse } from '../../../shared/cases/sharedPlan'
import { signMessage } from '../../../shared/crypto/signatures'
import { postPlanResponse } from '../../api/plans'
import { deviceRecord, signingKey } from '../../core/deviceIdentity'
import { enqueue, Outbox, type OutboxProblem } from '../../sync/outbox'
import { responseItemSchema, sentResponseSchema, sharedPlanDb, type ResponseItem } from './planDb'

export const NOTE_MAX = 500

/** The response on one action, encrypted and signed by `device`. Only on the person's own action. */
export async function buildResponse(
  plan: ParticipantPlan,
  answer: { actionId: string; done: boolean; note?: string | undefined; at: string },
  device: { id: string; signingKey: CryptoKey },
  responseId: string = crypto.randomUUID(),
): Promise<PlanResponse> {
  const action = plan.actions.find((a) => a.id === answer.actionId)
  if (!action || action.ownerId !== plan.recipient.participantId) throw new Error('not your action')
  const note = answer.note?.trim()
  const content = { v: 1 as const, planId: plan.planId, actionId: answer.actionId, done: answer.done, ...(note ? { note } : {}), at: answer.at, userId: plan.recipient.userId }
  const enc = await encryptResponse(content, responseId, plan.responseKey)
  const unsigned = { ...enc, deviceId: device.id }
  const signature = await signMessage(device.signingKey, planResponseMessage(plan.planId, unsigned))
  return planResponseSchema.parse({ ...unsigned, signature })
}

/** Builds the response with this device's keys and queues it (the caller flushes). Returns its id. */
export async function respond(plan: ParticipantPlan, actionId: string, done: boolean, note?: string): Promise<string> {
  const me = await deviceRecord()
  if (!me?.id) throw new Error('This device is not registered')
  const body = await buildResponse(plan, { actionId, done, note, at: new Date().toISOString() }, { id: me.id, signingKey: await signingKey() })
  const db = sharedPlanDb
  await db.transaction('rw', db.outbox, () => enqueue(db.outbox, { id: body.id, kind: 'plan-response', planId: plan.planId, actionId, body }))
  return body.id
}

/** The responses outbox: a refusal (404: the person no longer receives the plan) is kept with its reason and held. */
export function responseOutbox(now?: number): Outbox<ResponseItem> {
  return new Outbox({
    table: sharedPlanDb.outbox,
    kind: 'plan-response',
    schema: responseItemSchema,
    ...(now !== undefined ? { now: () => now } : {}),
    send: async (item) => {
      await postPlanResponse(item.planId, item.body)
      await sharedPlanDb.sent.put({ id: item.id, planId: item.planId, actionId: item.actionId, body: item.body, sentAt: new Date().toISOString() })
      return 'sent'
    },
  })
}

/** How many answers wait (refused ones included). */
export const waitingResponses = (): Promise<number> => responseOutbox().pending()
/** Sends what waits; how many went out. */
export const flushResponses = async (): Promise<number> => (await responseOutbox().flush()).sent
export const retryResponse = async (id: string): Promise<void> => void (await responseOutbox().retry(id))
export const discardResponse = (id: string): Promise<void> => responseOutbox().discard(id)

/** What this phone said on an action that the plan does not show yet. */
export interface LocalAnswer {
  id: string
  actionId: string
  done: boolean
  note?: string
  at: string
  state: 'waiting' | 'sent' | 'refused'
  problem?: OutboxProblem['problem']
}

/**
 * The newest answer per own action that the plan does not show yet (its reply is older or absent).
 * Sent answers the plan shows now, or that no longer open under its key (a new generation), go.
 */
export async function localAnswers(plan: ParticipantPlan): Promise<Map<string, LocalAnswer>> {
  const db = sharedPlanDb
  const waiting = (await db.outbox.where('planId').equals(plan.planId).toArray()).flatMap((r) => responseItemSchema.safeParse(r).data ?? [])
  const sent = (await db.sent.where('planId').equals(plan.planId).toArray()).flatMap((r) => sentResponseSchema.safeParse(r).data ?? [])
  const shown = (actionId: string, at: string) => {
    const reply = plan.actions.find((a) => a.id === actionId)?.reply
    return !!reply && reply.at >= at
  }
  const out = new Map<string, LocalAnswer>()
  const stale: string[] = []
  const consider = async (r: { id: string; body: PlanResponse }, state: LocalAnswer['state'], problem?: LocalAnswer['problem']) => {
    const c = await decryptResponse(plan.planId, r.body, plan.responseKey)
    if (!c || shown(c.actionId, c.at)) {
      if (state === 'sent') stale.push(r.id)
      return
    }
    const before = out.get(c.actionId)
    if (before && before.at > c.at) return
    out.set(c.actionId, { id: r.id, actionId: c.actionId, done: c.done, ...(c.note ? { note: c.note } : {}), at: c.at, state, ...(problem ? { problem } : {}) })
  }
  for (const r of sent) await consider(r, 'sent')
  for (const r of waiting) await consider(r, r.held ? 'refused' : 'waiting', r.problem)
  if (stale.length) await db.sent.bulkDelete(stale)
  return out
}
