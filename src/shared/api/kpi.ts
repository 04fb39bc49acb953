/** What /api/kpi answers (src/server/routes/kpi.ts): counting ids, snapshots, and the programme team's figures. */
import { z } from 'zod'
import { INTERVENTION_IDS } from '../interventions'
import { counterSchema, snapshotAnswerSchema } from '../kpi/snapshot'
import { AGE_BANDS, MEASURE_IDS } from '../kpi/measures'
import { evidenceFileSchema } from '../kpi/evidence'
import { accountabilityPeriodSchema } from '../kpi/accountability'
import { targetSchema, type Target } from '../kpi/kpis'

/** GET /api/kpi/evidence?period=: the evidence file, downloaded (src/shared/kpi/evidence.ts). */
export { evidenceFileSchema }
import { okSchema } from './auth'

/** POST /api/kpi/counters and /counters/:id/move; POST /api/kpi/snapshots. */
export { counterSchema, snapshotAnswerSchema }
/** PUT /api/kpi/targets: how many targets were set and removed. */
export const targetsSavedSchema = okSchema.extend({ saved: z.number().int(), removed: z.number().int() })
/** GET and PUT /api/kpi/periods: the accountability periods in time order (src/shared/kpi/accountability.ts). */
export const periodsSchema = z.object({ periods: z.array(accountabilityPeriodSchema) })

const intervention = z.enum(INTERVENTION_IDS)
const counts = { referred: z.number().int(), included: z.number().int(), completed: z.number().int(), includedCumulative: z.number().int() }

export const totalsRowSchema = z.object({ intervention, municipality: z.string(), referrerType: z.string(), ...counts })
export type TotalsRow = z.infer<typeof totalsRowSchema>
/** GET /api/kpi/totals?period=: the devices' counts, and the referrals sent through the app per intervention. */
export const totalsSchema = z.object({ period: z.string(), rows: z.array(totalsRowSchema), referrals: z.record(z.string(), z.number().int()) })

/** A target per accountability period, KPI and intervention (src/shared/kpi/kpis.ts). */
export { targetSchema, type Target }
/** GET /api/kpi/targets */
export const targetsListSchema = z.object({ targets: z.array(targetSchema) })

export const trendRowSchema = z.object({ period: z.string(), intervention, ...counts })
export type TrendRow = z.infer<typeof trendRowSchema>
/** GET /api/kpi/trend: every period with figures. */
export const trendSchema = z.object({ rows: z.array(trendRowSchema) })

const coding = z.object({ system: z.string(), code: z.string(), display: z.string().optional() })
const population = z.object({ code: z.object({ coding: z.array(coding) }), count: z.number().int().optional(), extension: z.array(z.object({ url: z.string(), valueCode: z.string() })).optional() })
/** GET /api/kpi/measure-report?period=: a FHIR R4 MeasureReport (src/shared/kpi/measureReport.ts), downloaded as a file. */
export const measureReportSchema = z.object({
  resourceType: z.literal('MeasureReport'),
  id: z.string(),
  status: z.enum(['complete', 'pending']),
  type: z.literal('summary'),
  measure: z.string(),
  date: z.string(),
  reporter: z.object({ display: z.string() }),
  period: z.object({ start: z.string(), end: z.string() }),
  improvementNotation: z.object({ coding: z.array(coding) }),
  group: z.array(
    z.object({
      code: z.object({ coding: z.array(coding) }),
      population: z.array(population),
      stratifier: z.array(z.object({ code: z.array(z.object({ coding: z.array(coding) })), stratum: z.array(z.object({ value: z.object({ text: z.string() }), population: z.array(population) })) })),
    }),
  ),
})

export const measureTotalSchema = z.object({
  measure: z.enum(MEASURE_IDS),
  bucket: z.string(),
  intervention,
  municipality: z.string(),
  referrerType: z.string(),
  ageBand: z.union([z.enum(AGE_BANDS), z.string()]),
  organisationId: z.string(),
  count: z.number().int(),
})
export type MeasureTotal = z.infer<typeof measureTotalSchema>
export const contributionSchema = z.object({ organisationId: z.string(), organisationName: z.string(), devices: z.number().int(), lastReceivedAt: z.string(), corrections: z.number().int() })
export type Contribution = z.infer<typeof contributionSchema>
/** GET /api/kpi/measures?period=: the steering measures per cell and organisation, and who reported. */
export const measuresSchema = z.object({ period: z.string(), rows: z.array(measureTotalSchema), contributions: z.array(contributionSchema) })
