/**
 * The samenwerkplan shared with participants (issue 17; docs/shared-plan.md;
 * src/shared/cases/sharedPlan.ts for the content). The server routes sealed copies and encrypted
 * responses; it reads none of them.
 *
 * - The casusregisseur (the lead of the case's sync document) finds a participant by exact e-mail
 *   (the same answer whether or not the address has an account), the participant accepts, and the
 *   lead's phone sends each version of the plan as one sealed box per participant.
 * - A participant (a huisarts or sociaal-werker of any organisation, on an approved device) reads
 *   their newest copy, and answers on their own actions.
 * - The lead's team reads the responses; every phone checks who signed them.
 */
import { z } from 'zod'
import { sealedV2Schema } from '../crypto/sealed'
import { planResponseSchema } from '../cases/sharedPlan'

const id = z.guid()

/** POST /api/plans/:planId/invitations: the lead of `docId` asks a person by exact e-mail. Answer: `{ sent: true }`, always. */
export const planInviteSchema = z.strictObject({ docId: id, email: z.email().max(254) })
export type PlanInvite = z.infer<typeof planInviteSchema>
export const planInvitationSentSchema = z.object({ sent: z.literal(true) })

/** GET /api/plans/invitations: the signed-in person's pending invitations (who asks, from which organisation; nothing of the case). */
export const planInvitationSchema = z.object({ planId: id, inviterName: z.string().nullable(), organisationName: z.string(), invitedAt: z.string(), expiresAt: z.string() })
export type PlanInvitation = z.infer<typeof planInvitationSchema>
export const planInvitationsSchema = z.object({ invitations: z.array(planInvitationSchema) })
/** POST /api/plans/invitations/:planId/accept and /decline */
export const planInvitationAnsweredSchema = z.object({ ok: z.literal(true) })

/**
 * GET /api/plans/:planId/people?docId=: for the case's team — the people who accepted an invitation
 * to this plan or receive it now, with their approved devices' certificates (unchecked: the phone
 * checks them up to the organisation key it pinned) and those organisations' chains.
 */
export const planPersonSchema = z.object({
  userId: id,
  name: z.string(),
  email: z.string(),
  organisationId: id,
  organisationName: z.string(),
  status: z.enum(['accepted', 'recipient']),
  devices: z.array(z.unknown()),
})
export type PlanPerson = z.infer<typeof planPersonSchema>
export const planPeopleSchema = z.object({ people: z.array(planPersonSchema), chains: z.record(z.string(), z.unknown()) })
export type PlanPeople = z.infer<typeof planPeopleSchema>

/**
 * PUT /api/plans/:planId: a version of the plan, by the lead of `docId`. `recipients` is the whole
 * list: whoever is left out (consent withdrawn, removed) receives nothing from now on and the server
 * drops what it held for them. Each box is sealed by the session's device (sealSigned, context
 * `planBoxContext(planId, version, userId)`) to the person's approved devices.
 */
export const putPlanSchema = z.strictObject({
  docId: id,
  version: z.number().int().min(1),
  recipients: z.array(z.strictObject({ userId: id, box: sealedV2Schema })).max(50),
})
export type PutPlan = z.infer<typeof putPlanSchema>
/** 200; a version not above the server's: 409 `version-outdated` with `current`. */
export const planStoredSchema = z.object({ version: z.number().int(), duplicate: z.boolean().optional() })

/**
 * GET /api/plans/mine: the newest copy of every plan the person receives, sealed to this device,
 * with the sending device's certificate and its organisation's chain (unchecked).
 */
export const myPlanSchema = z.object({ planId: id, version: z.number().int(), box: z.unknown(), sender: z.unknown(), receivedAt: z.string() })
export type MyPlan = z.infer<typeof myPlanSchema>
export const myPlansSchema = z.object({ plans: z.array(myPlanSchema), chains: z.record(z.string(), z.unknown()) })
export type MyPlans = z.infer<typeof myPlansSchema>

/** POST /api/plans/:planId/responses: by a participant who receives the plan now, signed by the session's device. */
export const postPlanResponseSchema = planResponseSchema
/** 201 `{ seq }`; the same response again: 200 `{ seq, duplicate: true }`. */
export const planResponseStoredSchema = z.object({ seq: z.number().int(), duplicate: z.boolean().optional() })

/**
 * GET /api/plans/:planId/responses?docId=&after=: for the case's team, in the server's order, with
 * the signing devices' certificates and chains (unchecked), at most 500 and `more`.
 */
export const storedPlanResponseSchema = planResponseSchema.extend({ seq: z.number().int(), userId: id, receivedAt: z.string() })
export type StoredPlanResponse = z.infer<typeof storedPlanResponseSchema>
export const planResponsesSchema = z.object({ responses: z.array(storedPlanResponseSchema), devices: z.array(z.unknown()), chains: z.record(z.string(), z.unknown()), more: z.boolean() })
export type PlanResponses = z.infer<typeof planResponsesSchema>

/** Invitations one lead may ask per region day, known addresses or not (shared with the case team's count). */
export const PLAN_INVITATION_DAYS = 14
