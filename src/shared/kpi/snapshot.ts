/**
 * What a device sends upstream: its current counts for one period. Counts only, the counting id
 * the server issued to this device (docs/device-trust.md "Counting ids and signed snapshots"), the
 * period, a snapshot version and the device's signature; nothing else is accepted. The server
 * keeps the newest version per counting id and period, so a resend never counts twice and a
 * correction replaces the old figure.
 */
import { z } from 'zod'
import { signatureSchema, signedMessage, sha256Hex } from '../crypto/signatures'
import { MUNICIPALITIES } from '../socialMap/places'
import { REFERRER_TYPES } from '../cases/v1'
import { UNKNOWN } from './counts'
import { INTERVENTION_IDS } from '../interventions'
import { periodSchema } from './period'
import type { CountRow } from './counts'
import { MAX_MEASURE_ROWS, measureKey, measureRowSchema, type MeasureRow } from './measures'

const count = z.number().int().min(0).max(1_000_000)

export const countRowSchema = z.strictObject({
  intervention: z.enum(INTERVENTION_IDS),
  municipality: z.enum([...MUNICIPALITIES, UNKNOWN]),
  referrerType: z.enum([...REFERRER_TYPES, UNKNOWN]),
  referred: count,
  included: count,
  completed: count,
  includedCumulative: count,
})

/** Every cell a snapshot can hold: intervention × municipality (or unknown) × referrer type (or unknown). */
export const MAX_CELLS = INTERVENTION_IDS.length * (MUNICIPALITIES.length + 1) * (REFERRER_TYPES.length + 1)

/**
 * A snapshot version is the device's clock in ms (rising, even if the clock goes back). The server
 * refuses one later than its own clock plus this grace: a version frozen far ahead (the attack of
 * issue 11: MAX_SAFE_INTEGER) would otherwise block every later figure of its counting id.
 */
export const VERSION_GRACE_MS = 10 * 60 * 1000

export const countSnapshotSchema = z.strictObject({
  snapshotVersion: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  /** Issued by the server (POST /api/kpi/counters) and bound to the sending device. */
  counterId: z.guid(),
  period: periodSchema,
  rows: z
    .array(countRowSchema)
    .max(MAX_CELLS)
    .refine((rows) => new Set(rows.map((r) => `${r.intervention}|${r.municipality}|${r.referrerType}`)).size === rows.length, 'each intervention, municipality and referrer type may appear only once'),
  /**
   * The steering measures (issue 18, measures.ts; docs/kpi.md): absent from an app from before
   * them, and then none are stored for this counting id and period. Present, they are signed too
   * (snapshotMessage v2).
   */
  measures: z
    .array(measureRowSchema)
    .max(MAX_MEASURE_ROWS)
    .refine((rows) => new Set(rows.map(measureKey)).size === rows.length, 'each measure, bucket and breakdown cell may appear only once')
    .optional(),
  /** By the device's signing key over snapshotMessage(…). */
  signature: signatureSchema,
})
export type CountSnapshot = z.infer<typeof countSnapshotSchema>
/** A snapshot before it is signed. */
export type UnsignedSnapshot = Omit<CountSnapshot, 'signature'>

/**
 * What the device signs: the counting id, its organisation, the period, the version and a hash of
 * the rows (their JSON with the keys in the schema's order, so app and server hash the same bytes).
 * A snapshot with measures signs v2: the same parts and a hash of the measures, keys in order too.
 */
export async function snapshotMessage(s: { counterId: string; organisationId: string; period: string; snapshotVersion: number; rows: readonly CountRow[]; measures?: readonly MeasureRow[] | undefined }): Promise<Uint8Array<ArrayBuffer>> {
  // The rows with their keys in one fixed order, whatever order they arrived in.
  const rows = s.rows.map((r) => ({ intervention: r.intervention, municipality: r.municipality, referrerType: r.referrerType, referred: r.referred, included: r.included, completed: r.completed, includedCumulative: r.includedCumulative }))
  const parts: (string | number)[] = [s.counterId, s.organisationId, s.period, s.snapshotVersion, await sha256Hex(JSON.stringify(rows))]
  if (!s.measures) return signedMessage('kpi-snapshot/v1', parts)
  const measures = s.measures.map((m) => ({ measure: m.measure, bucket: m.bucket, intervention: m.intervention, municipality: m.municipality, referrerType: m.referrerType, ageBand: m.ageBand, count: m.count }))
  return signedMessage('kpi-snapshot/v2', [...parts, await sha256Hex(JSON.stringify(measures))])
}

/** POST /api/kpi/counters: a counting id for this device in this organisation. */
export const counterRequestSchema = z.strictObject({ organisationId: z.guid() })
/**
 * POST /api/kpi/counters/:id/move: `from`, when given, is the device the id must sit on now (a
 * recovered device takes a lost phone's id: a second surviving device must not take it from the
 * first, docs/case-sync.md "Counted once across a recovery"). A restored backup sends none.
 */
export const counterMoveSchema = z.strictObject({ from: z.guid().optional() })
/** The answer to issuing or moving a counting id; serverTime lets the device start its versions after every earlier one. */
export const counterSchema = z.object({ counterId: z.guid(), serverTime: z.number().int() })

/** The answer to a snapshot (see IngestResult in src/server/kpi/ingest.ts). */
export const snapshotAnswerSchema = z.union([
  z.object({ status: z.enum(['stored', 'unchanged']) }),
  z.object({ status: z.literal('outdated'), storedVersion: z.number().int() }),
])
export type SnapshotAnswer = z.infer<typeof snapshotAnswerSchema>

/** Why the server refused a snapshot or a counting id, as its `code`. */
export const KPI_REFUSALS = ['device-required', 'counter-not-bound', 'counter-moved', 'counter-not-yours', 'counter-unknown', 'bad-signature', 'version-in-future', 'implausible-counts'] as const
export type KpiRefusal = (typeof KPI_REFUSALS)[number]
