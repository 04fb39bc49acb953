/**
 * What /api/method answers (src/server/routes/method.ts): the region's method definition as
 * numbered versions (docs/method.md). The definitions themselves are read with the definition's
 * own schema, so a phone checks what it receives exactly as the server checked it on publish.
 */
import { z } from 'zod'
import { methodDefinitionSchema, methodTextSchema } from '../method/definition'

/** GET /api/method (the latest, public, ETag = its version) and GET /api/method/versions/:version. */
export { methodDefinitionSchema }

/** POST /api/method: the version stored and the moment the server gave it. */
export const methodPublishedSchema = z.object({ version: z.number().int().min(1), publishedAt: z.string() })
export type MethodPublished = z.infer<typeof methodPublishedSchema>

export const methodVersionRowSchema = z.object({
  version: z.number().int().min(1),
  publishedAt: z.string(),
  /** What changed, in Dutch and English. */
  note: methodTextSchema,
  /** The name of who published it; null for the bundled first version (or a removed account). */
  publishedBy: z.string().nullable(),
})
export type MethodVersionRow = z.infer<typeof methodVersionRowSchema>
/** GET /api/method/versions: the history, newest first (programme office only). */
export const methodVersionsSchema = z.object({ versions: z.array(methodVersionRowSchema) })

/**
 * A 422 on POST /api/method lists what is wrong in plain words (English, like every `error`): the
 * schema's issues ("pathways.wor: wor must keep the …") and the successor problems. Its code is
 * 'bad-request' ("er klopt iets niet in wat je invulde"); 409 'conflict' when the version exists.
 */
export const methodRefusalSchema = z.object({ error: z.string(), code: z.literal('bad-request'), problems: z.array(z.string()) })
export type MethodRefusal = z.infer<typeof methodRefusalSchema>

/** ETag of a method version (GET /api/method answers 304 when the phone already has it). */
export const methodEtag = (version: number) => `"method-${version}"`
