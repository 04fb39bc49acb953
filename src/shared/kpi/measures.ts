/**
 * The programme's steering measures (issue 18; docs/kpi.md): process KPIs per intervention and
 * end results, computed on the device from its cases and sent as anonymous counts only. One row
 * is one count: a measure, one of its buckets, and the breakdown cell (intervention, municipality,
 * referrer type, age band). The organisation is added by the server from the sending device.
 *
 * This file is the wire vocabulary: what a snapshot may carry (src/shared/kpi/snapshot.ts) and the
 * server stores. How a case turns into rows is in caseFacts.ts and measureCounts.ts.
 */
import { z } from 'zod'
import { INTERVENTION_IDS } from '../interventions'
import { LIFE_DOMAINS } from '../socialMap/lifeDomains'
import { MUNICIPALITIES } from '../socialMap/places'
import { CLOSE_CATEGORIES, REFERRER_TYPES, SA_OUTFLOW, SUPPORT_CATEGORIES, VG_OUTCOMES } from '../cases/v1'
import { UNKNOWN } from './counts'

/** Age at referral, in the bands the plan looks at (it targets young adults 18–30). */
export const AGE_BANDS = ['tot-18', '18-30', '31-64', '65-plus'] as const
export type AgeBand = (typeof AGE_BANDS)[number]

/**
 * Support categories and close categories are part of the case record (cases/v1.ts holds them so
 * src/shared has no import cycle); re-exported here as part of the wire vocabulary.
 */
export { SUPPORT_CATEGORIES, CLOSE_CATEGORIES, type SupportCategory, type CloseCategory } from '../cases/v1'

/** Satisfaction 0–10 in buckets. */
export const SATISFACTION_BUCKETS = ['0-4', '5-6', '7-8', '9-10'] as const
/** Referral to intake (or the exploratory conversation). */
export const INTAKE_BUCKETS = ['1-week', '2-weeks', '4-weeks', 'longer'] as const
export const FIDELITY_STATES = ['met', 'skipped', 'missed'] as const
export const DOMAIN_CHANGES = ['better', 'same', 'worse'] as const

const closeBuckets = [...new Set([...CLOSE_CATEGORIES, ...SA_OUTFLOW, ...VG_OUTCOMES, UNKNOWN])]
const stepId = /^[a-z][a-z0-9-]{1,47}$/

/**
 * Every measure, with the buckets it may carry. `period` says which date puts a case in a period
 * (measureCounts.ts is the one place that applies it).
 */
export const MEASURES = {
  /** Welzijn op Recept referrals with a first contact: within 14 days of the referral, or later. Period of the first contact. */
  'first-contact': { buckets: ['within-14-days', 'later'] },
  /** Referrals by a GP or POH: feedback or advice back to the GP given, or not (yet). Period of the referral. */
  'gp-feedback': { buckets: ['given', 'not-given'] },
  /** Days from referral to intake (WoR, SA) or conversation (VG). Period of the intake. */
  'referral-to-intake': { buckets: INTAKE_BUCKETS },
  /** Included cases with a samenwerkplan (an action with an owner, and an evaluation date), or without. Period of inclusion. */
  plan: { buckets: ['with-plan', 'without-plan'] },
  /** Evaluations due in the period: held on or before their date, held later, or not held while the date passed. Period of the evaluation date. */
  evaluation: { buckets: ['on-time', 'late', 'not-held'] },
  /** Closed cases by the pathway's outflow category. Period of closing. */
  'close-reason': { buckets: closeBuckets },
  /** Method fidelity per essential of a pathway step: `<step id>:met|skipped|missed`. */
  fidelity: { buckets: 'step-state' },
  /** Satisfaction at the start (period of inclusion) and at the end (period of closing). */
  'satisfaction-start': { buckets: SATISFACTION_BUCKETS },
  'satisfaction-end': { buckets: SATISFACTION_BUCKETS },
  /** Per life domain between the first and the last score: `<domain>:better|same|worse`. Period of closing. */
  'domain-change': { buckets: 'domain-change' },
  /** Support in use before and after, per category (a case counts once per category it uses). Period of closing. */
  'support-before': { buckets: SUPPORT_CATEGORIES },
  'support-after': { buckets: SUPPORT_CATEGORIES },
} as const satisfies Record<string, { buckets: readonly string[] | 'step-state' | 'domain-change' }>

export type MeasureId = keyof typeof MEASURES
export const MEASURE_IDS = Object.keys(MEASURES) as [MeasureId, ...MeasureId[]]

/** Whether `bucket` is one of `measure`'s buckets. */
export function isBucketOf(measure: MeasureId, bucket: string): boolean {
  const b = MEASURES[measure].buckets
  if (b === 'step-state') {
    const [step, state, ...rest] = bucket.split(':')
    return rest.length === 0 && stepId.test(step ?? '') && (FIDELITY_STATES as readonly string[]).includes(state ?? '')
  }
  if (b === 'domain-change') {
    const [domain, change, ...rest] = bucket.split(':')
    return rest.length === 0 && (LIFE_DOMAINS as readonly string[]).includes(domain ?? '') && (DOMAIN_CHANGES as readonly string[]).includes(change ?? '')
  }
  return (b as readonly string[]).includes(bucket)
}

export const measureRowSchema = z
  .strictObject({
    measure: z.enum(MEASURE_IDS),
    bucket: z.string().max(60),
    intervention: z.enum(INTERVENTION_IDS),
    municipality: z.enum([...MUNICIPALITIES, UNKNOWN]),
    referrerType: z.enum([...REFERRER_TYPES, UNKNOWN]),
    ageBand: z.enum([...AGE_BANDS, UNKNOWN]),
    count: z.number().int().min(1).max(1_000_000),
  })
  .refine((r) => isBucketOf(r.measure, r.bucket), { message: 'not a bucket of this measure', path: ['bucket'] })
export type MeasureRow = z.infer<typeof measureRowSchema>

/** The cell a row counts in: each may appear once in a snapshot. */
export const measureKey = (r: Omit<MeasureRow, 'count'>) => `${r.measure}|${r.bucket}|${r.intervention}|${r.municipality}|${r.referrerType}|${r.ageBand}`

/** At most this many rows in one snapshot: far above what one worker's cases produce in a half-year (measureCounts.ts; bench/measures.ts). */
export const MAX_MEASURE_ROWS = 5_000
/**
 * The body limit of a snapshot (POST /api/kpi/snapshots): the most rows of the longest form
 * (about 180 bytes each) fit, so a snapshot the phone may send is never refused for its size.
 */
export const SNAPSHOT_MAX_BYTES = 2 * 1024 * 1024
