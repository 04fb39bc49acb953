/**
 * Reading the participants' responses on the lead's phone (issue 17 point 3; docs/shared-plan.md
 * "On the casusregisseur's phone"). The server relays them; this phone decides which count:
 *
 * - the signing device's certificate must verify up to its organisation's key as this phone pinned
 *   it, and name the account the response is from (a device certified to someone else counts for
 *   nobody); the signature must verify over the response as stored;
 * - it must open with the plan's response key of its generation (current or old);
 * - `acceptResponse`: on an action of the plan, by the participant linked to that action's owner or
 *   by the lead (this person).
 *
 * Accepted responses are applied in the server's order: the action's `done` and its `reply` (done,
 * note, when, by whom), each only when it is newer than the reply the action shows (a response the
 * server hands out again later does not undo a newer one). Ignored ones are counted and not
 * applied. How far was read is stored (`responsesAfter`); a response from an organisation whose key
 * this phone has not accepted yet stops the reading there, so it is read once the person accepts
 * the number instead of being lost.
 */
import type { PlanResponses } from '../../../shared/api/plans'
import { acceptResponse, decryptResponse, planResponseMessage, type PlanResponseContent, type ResponseKey } from '../../../shared/cases/sharedPlan'
import type { CaseRecord } from '../../../shared/cases/v2'
import { verifyMessage } from '../../../shared/crypto/signatures'
import { certificateSchema } from '../../../shared/devices/certificates'
import { senderResolver, type KeyChange, type NewKey } from '../referrals/trust'
import type { CaseAccess, SharedPlanState } from './publishPlan'

export interface ResponsesEnv {
  /** The signed-in person (the lead): may answer on any action; `name` signs their replies. */
  me: { userId: string; name: string }
  responses: (planId: string, docId: string, after: number) => Promise<PlanResponses>
  cases: CaseAccess
}

export interface ReadResult {
  applied: number
  ignored: number
  /** An organisation that signed a response and whose key this phone has not pinned: reading waits for it. */
  unknown: NewKey[]
  changes: KeyChange[]
}

/** At most this many pages per run (500 each); the next run goes on. */
const MAX_PAGES = 10

type Stored = PlanResponses['responses'][number]
type Verdict = { kind: 'accept'; content: PlanResponseContent } | { kind: 'ignore' } | { kind: 'wait'; unknown?: NewKey; change?: KeyChange }

/** What one stored response is worth to this case. */
async function judge(r: Stored, page: PlanResponses, c: CaseRecord, state: SharedPlanState, me: ResponsesEnv['me']): Promise<Verdict> {
  const co = c.consultation!
  const cert = page.devices.map((d) => certificateSchema.safeParse(d).data).find((d) => d?.deviceId === r.deviceId)
  let signerUserId: string | undefined
  let unknown: NewKey | undefined
  let change: KeyChange | undefined
  const resolve = senderResolver(cert, page.chains, cert ? [{ organisationId: cert.organisationId }] : [], { onUnknown: (k) => void (unknown = k), onChange: (k) => void (change = k) })
  const key = await resolve(r.deviceId)
  if (key === null || key === undefined) {
    return unknown || change ? { kind: 'wait', unknown, change } : { kind: 'ignore' }
  }
  if (cert && cert.deviceId === r.deviceId) {
    signerUserId = cert.userId
    // The account's devices act for the organisation the participant was linked to.
    const linked = co.participants.find((p) => p.userId === cert.userId)
    if (linked?.organisationId && linked.organisationId !== cert.organisationId) return { kind: 'ignore' }
  } else {
    // This phone itself signed it (senderResolver answers with its own key): the lead.
    signerUserId = me.userId
  }
  if (signerUserId !== r.userId) return { kind: 'ignore' }
  const signed = { id: r.id, gen: r.gen, deviceId: r.deviceId, iv: r.iv, ciphertext: r.ciphertext }
  if (!(await verifyMessage(key, planResponseMessage(state.planId, signed), r.signature))) return { kind: 'ignore' }
  const keys: ResponseKey[] = [state.responseKey, ...(state.oldResponseKeys ?? [])]
  const responseKey = keys.find((k) => k.gen === r.gen)
  const content = responseKey ? await decryptResponse(state.planId, r, responseKey) : undefined
  if (!content) return { kind: 'ignore' }
  const verdict = acceptResponse({ actions: co.actions, participants: co.participants, leadUserId: me.userId }, { content, signerUserId })
  return verdict.ok ? { kind: 'accept', content } : { kind: 'ignore' }
}

/** The moment an answer was given, as a number (NaN for text that is not a moment). */
const momentOf = (at: string) => Date.parse(at)

/**
 * Applies an accepted response to the case's action (when it is still there and the answer is newer
 * than the one the action shows). Returns whether it changed the action. The server orders the
 * responses, but it could hand an old one out again under a later `seq` (a replay: same id, same
 * signature, still valid): an answer not later than the action's current reply is not applied, so a
 * replay never undoes what the participant said since.
 */
export function applyResponse(c: CaseRecord, content: PlanResponseContent, me: ResponsesEnv['me']): boolean {
  const co = c.consultation
  const action = co?.actions.find((a) => a.id === content.actionId)
  if (!co || !action) return false
  // A reply whose moment does not read (never written so by this phone) is replaced.
  const shown = action.reply ? momentOf(action.reply.at) : NaN
  if (!Number.isNaN(shown) && !(momentOf(content.at) > shown)) return false
  const by = content.userId === me.userId ? me.name : (co.participants.find((p) => p.userId === content.userId)?.name ?? '')
  action.done = content.done
  action.reply = { done: content.done, ...(content.note?.trim() ? { note: content.note } : {}), at: content.at, by: by.slice(0, 200) }
  return true
}

/** Reads the responses after `responsesAfter`, applies the ones that count and stores how far it read. */
export async function readResponses(env: ResponsesEnv, caseId: string): Promise<ReadResult> {
  const result: ReadResult = { applied: 0, ignored: 0, unknown: [], changes: [] }
  const c = await env.cases.load(caseId)
  const state = c?.consultation?.sharedPlan
  if (!c || !state) return result
  let after = state.responsesAfter ?? 0
  const accepted: PlanResponseContent[] = []
  let waiting = false
  for (let page = 0; page < MAX_PAGES && !waiting; page++) {
    const answer = await env.responses(state.planId, caseId, after)
    for (const r of answer.responses) {
      if (r.seq <= after) continue
      const v = await judge(r, answer, c, state, env.me)
      if (v.kind === 'wait') {
        if (v.unknown) result.unknown.push(v.unknown)
        if (v.change) result.changes.push(v.change)
        waiting = true
        break
      }
      if (v.kind === 'accept') accepted.push(v.content)
      else result.ignored++
      after = r.seq
    }
    if (!answer.more || !answer.responses.length) break
  }
  if (after === (state.responsesAfter ?? 0)) return result
  const latest = await env.cases.load(caseId)
  const latestState = latest?.consultation?.sharedPlan
  if (!latest || !latestState || latestState.planId !== state.planId) return result
  // Another device read further meanwhile: what it applied is in the case already.
  if ((latestState.responsesAfter ?? 0) >= after) return result
  // A replayed or older answer than the one the action shows counts as not applied.
  for (const content of accepted) {
    if (applyResponse(latest, content, env.me)) result.applied++
    else result.ignored++
  }
  latest.consultation = { ...latest.consultation!, sharedPlan: { ...latestState, responsesAfter: after } }
  await env.cases.save(latest)
  return result
}
