/**
 * The samenwerkplan shared with the participants who sat at the table (issue 17 points 1–3 and 5;
 * docs/shared-plan.md). The casusregisseur's phone makes, from the case, one plan per participant
 * whose consent stands: the actions, who does each, the lead, the evaluation date, and the
 * resident's own words only when that participant's consent says so — never the rest of the case.
 * It is sealed (shared/crypto/sealed.ts, sealSigned) to every certified device of that participant
 * and sent as a numbered version; the server keeps only the newest box per participant.
 *
 * A participant answers on their own action (done or not, a short note): a response, encrypted
 * under the plan's response key (in the plan, so only participants and the team can read it) and
 * signed by the participant's device. Every client decides itself whether a response counts:
 * only the action's owner (the participant's account) or the lead may change an action's status,
 * whatever the server relays (`acceptResponse`).
 *
 * Withdrawing a participant's consent, or removing them, takes them out of the next version: they
 * get no box for it, the server drops what it held for them, and the response key is renewed (a
 * new generation), so they read nothing new.
 */
import { z } from 'zod'
import { isoDate } from '../core/dates'
import { fromBase64, toBase64 } from '../crypto/backup'
import { signatureSchema, signedMessage } from '../crypto/signatures'
import { consentStands } from './participantConsent'
import { fromBase64Url, residentSecretSchema, toBase64Url } from './residentPlan'
import type { CaseRecord } from './v2'

const text = (max: number) => z.string().max(max)
const id = z.guid()

/** The response key of a plan: AES-256 (base64url), by generation. */
export const responseKeySchema = z.strictObject({ gen: z.number().int().min(1), key: residentSecretSchema })
export type ResponseKey = z.infer<typeof responseKeySchema>

/** What an action's owner said last (the lead's phone writes it into the case). */
export const actionReplySchema = z.strictObject({ done: z.boolean(), note: text(500).optional(), at: z.string().max(40), by: text(200) })
export type ActionReply = z.infer<typeof actionReplySchema>

export const planParticipantSchema = z.strictObject({
  id,
  name: text(200),
  role: text(200),
  organisation: text(200),
  discipline: text(200),
  phone: text(40).optional(),
  /** The participant's account, when they have one (then they can receive the plan). */
  userId: id.optional(),
})

/** One participant's copy of the samenwerkplan (the sealed content). */
export const participantPlanSchema = z.strictObject({
  v: z.literal(1),
  planId: id,
  version: z.number().int().min(1),
  sentAt: z.string().max(40),
  /** The account that holds the lead (casusregisseur): may change any action's status. */
  leadUserId: id,
  organisation: text(200),
  resident: text(200),
  madeOn: isoDate.optional(),
  participants: z.array(planParticipantSchema).max(50),
  actions: z
    .array(z.strictObject({ id, what: text(1_000), owner: text(200), ownerId: id.optional(), due: isoDate.optional(), done: z.boolean(), reply: actionReplySchema.optional() }))
    .max(100),
  /** The participant who holds the lead with the resident. */
  leadId: id.optional(),
  leadWithResident: text(200).optional(),
  evaluationDate: isoDate.optional(),
  /** The resident's own words: only when this participant's consent includes them. */
  questions: z.strictObject({ wil: text(5_000), kan: text(5_000), nodig: text(5_000) }).optional(),
  responseKey: responseKeySchema,
  /** Whom this copy is for. */
  recipient: z.strictObject({ userId: id, participantId: id }),
})
export type ParticipantPlan = z.infer<typeof participantPlanSchema>

/** The sealing context of one participant's copy of one version: a box moved to another plan, version or person does not open. */
export const planBoxContext = (planId: string, version: number, userId: string) => `plan|${planId}|${version}|${userId}`

/** The participants who receive the plan: an account, and the resident's consent standing today. */
export function planRecipients(c: CaseRecord, today: string) {
  return (c.consultation?.participants ?? []).filter((p) => p.userId && consentStands(p.consent, today))
}

export interface PlanContext {
  planId: string
  version: number
  sentAt: string
  leadUserId: string
  organisation: string
  responseKey: ResponseKey
}

/** The copy of the plan for one participant (who must be a recipient). */
export function participantPlanOf(c: CaseRecord, participantId: string, ctx: PlanContext): ParticipantPlan {
  const co = c.consultation
  const p = co?.participants.find((x) => x.id === participantId)
  if (!co || !p?.userId) throw new Error('not a participant with an account')
  return {
    v: 1,
    planId: ctx.planId,
    version: ctx.version,
    sentAt: ctx.sentAt,
    leadUserId: ctx.leadUserId,
    organisation: co.organisation?.trim() || ctx.organisation,
    resident: c.resident.name,
    ...(co.date ? { madeOn: co.date } : {}),
    participants: co.participants.map(({ id, name, role, organisation, discipline, phone, userId }) => ({
      id,
      name,
      role,
      organisation,
      discipline,
      ...(phone ? { phone } : {}),
      ...(userId ? { userId } : {}),
    })),
    actions: co.actions.map((a) => ({
      id: a.id,
      what: a.what,
      owner: a.owner,
      ...(a.ownerId ? { ownerId: a.ownerId } : {}),
      ...(a.due ? { due: a.due } : {}),
      done: a.done ?? false,
      ...(a.reply ? { reply: a.reply } : {}),
    })),
    ...(co.leadId ? { leadId: co.leadId } : {}),
    ...(co.leadWithResident ? { leadWithResident: co.leadWithResident } : {}),
    ...(co.evaluationDate ? { evaluationDate: co.evaluationDate } : {}),
    ...(p.consent?.ownWords ? { questions: { ...c.questions } } : {}),
    responseKey: ctx.responseKey,
    recipient: { userId: p.userId, participantId: p.id },
  }
}

/** What a plan says for comparing versions: without its number and the moment it was sent. */
export const planDigestInput = (plan: ParticipantPlan) => JSON.stringify({ ...plan, version: 0, sentAt: '' })

// ---------------------------------------------------------------------------------------------
// Responses

/** A participant's answer on one action (the encrypted content of a response). */
export const planResponseContentSchema = z.strictObject({
  v: z.literal(1),
  planId: id,
  actionId: id,
  done: z.boolean(),
  note: text(500).optional(),
  at: z.iso.datetime(),
  /** The account that answers; the signing device must be certified to it. */
  userId: id,
})
export type PlanResponseContent = z.infer<typeof planResponseContentSchema>

/** A response as sent and stored: encrypted under the plan's response key of `gen`, signed by the device. */
export const planResponseSchema = z.strictObject({
  id,
  gen: z.number().int().min(1),
  iv: z.string().regex(/^[A-Za-z0-9+/]{16}$/),
  ciphertext: z.string().min(20).max(4_000).regex(/^[A-Za-z0-9+/]+={0,2}$/),
  deviceId: id,
  signature: signatureSchema,
})
export type PlanResponse = z.infer<typeof planResponseSchema>

/** The signed bytes of a response: its plan, id, key generation, device, iv and ciphertext. */
export const planResponseMessage = (planId: string, r: Omit<PlanResponse, 'signature'>) => signedMessage('plan-response', [planId, r.id, r.gen, r.deviceId, r.iv, r.ciphertext])

const responseAad = (planId: string, responseId: string, gen: number) => new TextEncoder().encode(`samenwerkwijze-plan-response|1|${planId}|${responseId}|${gen}`)
const aes = (key: string, use: KeyUsage) => crypto.subtle.importKey('raw', fromBase64Url(key), 'AES-GCM', false, [use])

/** A new response key (a new generation when `previous` is given). */
export const newResponseKey = (previous?: ResponseKey): ResponseKey => ({ gen: (previous?.gen ?? 0) + 1, key: toBase64Url(crypto.getRandomValues(new Uint8Array(32))) })

/** Encrypts a response's content; the caller signs `planResponseMessage` with the device's key. */
export async function encryptResponse(content: PlanResponseContent, responseId: string, key: ResponseKey): Promise<Pick<PlanResponse, 'id' | 'gen' | 'iv' | 'ciphertext'>> {
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const plain = new TextEncoder().encode(JSON.stringify(planResponseContentSchema.parse(content)))
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: responseAad(content.planId, responseId, key.gen) }, await aes(key.key, 'encrypt'), plain))
  return { id: responseId, gen: key.gen, iv: toBase64(iv), ciphertext: toBase64(ct) }
}

/** Opens a response with the key of its generation; undefined when it does not open or is not a response of this plan. */
export async function decryptResponse(planId: string, r: Pick<PlanResponse, 'id' | 'gen' | 'iv' | 'ciphertext'>, key: ResponseKey): Promise<PlanResponseContent | undefined> {
  if (key.gen !== r.gen) return undefined
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(r.iv), additionalData: responseAad(planId, r.id, r.gen) }, await aes(key.key, 'decrypt'), fromBase64(r.ciphertext))
    const content = planResponseContentSchema.safeParse(JSON.parse(new TextDecoder().decode(plain)))
    return content.success && content.data.planId === planId ? content.data : undefined
  } catch {
    return undefined
  }
}

/** A response whose signature verified with a device certified to `signerUserId`. */
export interface VerifiedResponse {
  content: PlanResponseContent
  signerUserId: string
}

export type ResponseVerdict = { ok: true } | { ok: false; reason: 'not-signed-by-author' | 'unknown-action' | 'not-owner' }

/**
 * Whether a response may change its action: signed for the account it names, on an action of the
 * plan, by that action's owner (the participant linked to the account) or by the lead. Every
 * client applies this, whatever the server relays.
 */
export function acceptResponse(
  plan: { actions: readonly { id: string; ownerId?: string | undefined }[]; participants: readonly { id: string; userId?: string | undefined }[]; leadUserId: string },
  r: VerifiedResponse,
): ResponseVerdict {
  if (r.signerUserId !== r.content.userId) return { ok: false, reason: 'not-signed-by-author' }
  const action = plan.actions.find((a) => a.id === r.content.actionId)
  if (!action) return { ok: false, reason: 'unknown-action' }
  if (r.content.userId === plan.leadUserId) return { ok: true }
  const owner = plan.participants.find((p) => p.id === action.ownerId)
  return owner?.userId && owner.userId === r.content.userId ? { ok: true } : { ok: false, reason: 'not-owner' }
}
