/** What the public endpoints answer: the published social map (/api/social-map), a resident's report (/api/reports), health. */
import { z } from 'zod'
import { serviceSchema, socialMapDocumentSchema } from '../socialMap/hsds'

/** GET /api/social-map: the whole published map (gzip when asked, 304 on a matching ETag). */
export { socialMapDocumentSchema }

/**
 * GET /api/social-map?since=<version>&at=<publishedAt>: what changed since the version the phone
 * holds (docs/social-map-sync.md). `services` are the listings to put (new or changed, never
 * retired ones), `removed` the ids to take away (retired since). Told apart from the full document
 * by `since`.
 */
export const socialMapDeltaSchema = z.strictObject({
  since: z.number().int().min(0),
  version: z.number().int().min(0),
  publishedAt: socialMapDocumentSchema.shape.publishedAt,
  services: z.array(serviceSchema).max(200_000),
  removed: z.array(z.guid()).max(200_000),
})
export type SocialMapDelta = z.infer<typeof socialMapDeltaSchema>

/** The two answers of GET /api/social-map: the full document, or a delta when one was asked for and possible. */
export const socialMapAnswerSchema = z.union([socialMapDocumentSchema, socialMapDeltaSchema])

/** POST /api/reports: received now (201), or the same report id before (200). */
export const reportReceivedSchema = z.object({ id: z.string(), status: z.enum(['received', 'already-received']) })
export type ReportReceived = z.infer<typeof reportReceivedSchema>
/** POST /api/initiatives: received now (201), or the same proposal id before (200). */
export const initiativeReceivedSchema = z.object({ id: z.string(), status: z.enum(['received', 'already-received']) })

/** GET /api/health */
export const healthSchema = z.object({ status: z.literal('ok'), db: z.enum(['pglite', 'postgres']) })
/** GET /api/health/ready: 200 while this process takes work; 503 with a code while stopping. */
export const readySchema = z.object({ ready: z.literal(true) })
