/** What the public endpoints answer: the published social map (/api/social-map), a resident's report (/api/reports), health. */
import { z } from 'zod'
import { socialMapDocumentSchema } from '../socialMap/hsds'

/** GET /api/social-map: the whole published map (gzip when asked, 304 on a matching ETag). */
export { socialMapDocumentSchema }

/** POST /api/reports: received now (201), or the same report id before (200). */
export const reportReceivedSchema = z.object({ id: z.string(), status: z.enum(['received', 'already-received']) })
export type ReportReceived = z.infer<typeof reportReceivedSchema>

/** GET /api/health */
export const healthSchema = z.object({ status: z.literal('ok'), db: z.enum(['pglite', 'postgres']) })
/** GET /api/health/ready: 200 while this process takes work; 503 with a code while stopping. */
export const readySchema = z.object({ ready: z.literal(true) })
