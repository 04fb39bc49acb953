/**
 * What a device sends upstream: its current counts for one period. Counts only, a random
 * device id, the organisation, the period and a snapshot version; nothing else is accepted.
 * The server keeps the newest version per device and period, so a resend never counts twice
 * and a correction replaces the old figure.
 */
import { z } from 'zod'
import { MUNICIPALITIES } from '../socialMap/places'
import { REFERRER_TYPES } from '../cases/v1'
import { INTERVENTIONS, UNKNOWN } from './counts'
import { periodSchema } from './period'

const count = z.number().int().min(0).max(1_000_000)

export const countRowSchema = z.strictObject({
  intervention: z.enum(INTERVENTIONS),
  municipality: z.enum([...MUNICIPALITIES, UNKNOWN]),
  referrerType: z.enum([...REFERRER_TYPES, UNKNOWN]),
  referred: count,
  included: count,
  completed: count,
  includedCumulative: count,
})

export const countSnapshotSchema = z.strictObject({
  snapshotVersion: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  deviceId: z.guid(),
  organisationId: z.guid(),
  period: periodSchema,
  rows: z
    .array(countRowSchema)
    .max(5_000)
    .refine((rows) => new Set(rows.map((r) => `${r.intervention}|${r.municipality}|${r.referrerType}`)).size === rows.length, 'each intervention, municipality and referrer type may appear only once'),
})
export type CountSnapshot = z.infer<typeof countSnapshotSchema>

/** The five accountability periods of the SiG plan (domain.md): reporting Jul 2025 … Jul 2027. */
export const ACCOUNTABILITY_PERIODS = ['2025-H1', '2025-H2', '2026-H1', '2026-H2', '2027-H1'] as const
/** A KPI counts as met at this share of its target (partner-region practice, domain.md). */
export const DEFAULT_MET_SHARE = 0.75

export const targetsSchema = z.strictObject({
  period: z.enum(ACCOUNTABILITY_PERIODS),
  targets: z.partialRecord(z.enum(INTERVENTIONS), z.number().int().min(0).max(1_000_000)),
})
