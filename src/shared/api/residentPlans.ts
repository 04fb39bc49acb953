/**
 * The resident's plan links (issue 17 point 4; docs/resident-plan.md). The server stores a sealed
 * plan it cannot open, under a random link id; the key stays in the link's fragment. Only a
 * sociaal-werker on an approved device makes, updates or withdraws a link, and updating or
 * withdrawing needs the link's manage secret too (kept in the case, so whoever holds the case —
 * the casusregisseur, also after a handover — can; the server stores only its SHA-256). Reading is
 * open to anyone with the link id: the plan opens only with the key.
 */
import { z } from 'zod'
import { isoDate } from '../core/dates'
import { RESIDENT_PLAN_MAX_CHARS, residentSecretSchema } from '../cases/residentPlan'

/** base64 of iv ‖ ciphertext (cases/residentPlan.ts sealResidentPlan). */
export const sealedResidentPlanSchema = z
  .string()
  .min(40)
  .max(RESIDENT_PLAN_MAX_CHARS)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64')

/** POST /api/resident-plans */
export const createResidentLinkSchema = z.strictObject({ id: z.guid(), manage: residentSecretSchema, body: sealedResidentPlanSchema, expiresOn: isoDate })
/** PUT /api/resident-plans/:id: a newer version of the plan, or another expiry. */
/**
 * PUT /api/resident-plans/:id: a newer version of the plan, or another last day. `newManage`
 * replaces the manage secret (after someone left the case's team: the secret they hold stops
 * working; docs/resident-plan.md).
 */
export const updateResidentLinkSchema = z.strictObject({ manage: residentSecretSchema, body: sealedResidentPlanSchema, expiresOn: isoDate, newManage: residentSecretSchema.optional() })
/** POST /api/resident-plans/:id/withdraw */
export const withdrawResidentLinkSchema = z.strictObject({ manage: residentSecretSchema })

/** The answer to making or updating a link. */
export const residentLinkSavedSchema = z.object({ id: z.string(), expiresOn: z.string(), updatedAt: z.string(), duplicate: z.boolean().optional() })
export type ResidentLinkSaved = z.infer<typeof residentLinkSavedSchema>
/** POST /api/resident-plans/:id/withdraw */
export const residentLinkWithdrawnSchema = z.object({ ok: z.literal(true) })
/**
 * GET /api/resident-plans/:id: the sealed plan (410 `link-withdrawn` / `link-expired`, 404
 * `not-found`). The resident's phone reads it with this schema: the body as the server takes it
 * (base64, bounded), so an answer of any other shape or size is refused before it is kept.
 */
export const residentPlanAnswerSchema = z.object({ body: sealedResidentPlanSchema, updatedAt: z.string().max(40) })
export type ResidentPlanAnswer = z.infer<typeof residentPlanAnswerSchema>

/** The body of a make or update request may be this large (the rest of the API stays at 64 KB). */
export const RESIDENT_PLAN_MAX_BYTES = 512 * 1024
/** A link works at most this many days ahead (the phone offers 30 to 365; issue 17: 90 by default). */
export const RESIDENT_LINK_MAX_DAYS = 366
