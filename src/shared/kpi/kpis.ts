/**
 * The KPI catalogue (issue 18 points 1 and 4; docs/kpi.md "Periods and targets"): the KPIs the
 * programme team sets targets for, each with its kind (a count, or a share in %), its names, the
 * interventions it applies to, and a pure function computing its value for an intervention and an
 * accountability period from what the server answers: the inclusion totals (CountRow-like, per
 * half-year) and the measure rows (MeasureRow-like, measures.ts, summed over devices).
 *
 * Targets are keyed (period id, KPI, intervention). A KPI counts as met when its value reaches
 * DEFAULT_MET_SHARE (75 %) of its target (domain.md). More KPIs may follow: add one here, and
 * targets, the CSV import and the dashboard take it.
 */
import { z } from 'zod'
import { INTERVENTION_IDS, type InterventionId } from '../interventions'
import { accountabilityIdSchema, halfYearsOf, type AccountabilityPeriod } from './accountability'
import type { CountRow } from './counts'
import type { MeasureId, MeasureRow } from './measures'

/** A KPI counts as met at this share of its target (partner-region practice, domain.md). */
export const DEFAULT_MET_SHARE = 0.75

export type KpiKind = 'count' | 'share'

/** What one half-year's figures hold for the KPIs: the inclusion totals, and the measures (undefined: the server has none). */
export interface HalfYearFigures {
  halfYear: string
  counts: readonly Pick<CountRow, 'intervention' | 'referred' | 'included' | 'completed'>[]
  measures?: readonly Pick<MeasureRow, 'measure' | 'bucket' | 'intervention' | 'count'>[] | undefined
}

export interface Kpi {
  id: string
  kind: KpiKind
  nl: string
  en: string
  appliesTo: readonly InterventionId[]
  /** The value over the given half-years' figures (already those of one period); undefined: nothing to compute it from. */
  compute: (intervention: InterventionId, figures: readonly HalfYearFigures[]) => number | undefined
}

const countOf = (k: 'referred' | 'included' | 'completed') => (i: InterventionId, figures: readonly HalfYearFigures[]) =>
  figures.reduce((n, f) => n + f.counts.filter((r) => r.intervention === i).reduce((m, r) => m + r[k], 0), 0)

/**
 * The share (in %) of `measure`'s cases in the `hit` buckets, of all its cases. Undefined when no
 * half-year has measures from the server, or none of its cases fall in the period.
 */
const shareOf = (measure: MeasureId, hit: readonly string[]) => (i: InterventionId, figures: readonly HalfYearFigures[]) => {
  if (!figures.some((f) => f.measures)) return undefined
  let hits = 0
  let all = 0
  for (const f of figures)
    for (const r of f.measures ?? []) {
      if (r.measure !== measure || r.intervention !== i) continue
      all += r.count
      if (hit.includes(r.bucket)) hits += r.count
    }
  return all ? (hits * 100) / all : undefined
}

/** The catalogue, in the order the dashboard shows it. */
export const KPIS = [
  { id: 'included', kind: 'count', nl: 'Bereikte inwoners (nieuw)', en: 'Residents reached (new)', appliesTo: INTERVENTION_IDS, compute: countOf('included') },
  { id: 'referred', kind: 'count', nl: 'Verwezen inwoners', en: 'Residents referred', appliesTo: INTERVENTION_IDS, compute: countOf('referred') },
  { id: 'completed', kind: 'count', nl: 'Afgeronde trajecten', en: 'Completed', appliesTo: INTERVENTION_IDS, compute: countOf('completed') },
  // Process KPIs of issue 18 point 1, from the measures (measures.ts says which cases each counts).
  { id: 'first-contact', kind: 'share', nl: 'Eerste contact binnen 14 dagen', en: 'First contact within 14 days', appliesTo: ['wor'], compute: shareOf('first-contact', ['within-14-days']) },
  { id: 'gp-feedback', kind: 'share', nl: 'Terugkoppeling of advies aan de huisarts', en: 'Feedback or advice to the GP', appliesTo: ['wor', 'vg'], compute: shareOf('gp-feedback', ['given']) },
  { id: 'samenwerkplan', kind: 'share', nl: 'Met een samenwerkplan', en: 'With a samenwerkplan', appliesTo: INTERVENTION_IDS, compute: shareOf('plan', ['with-plan']) },
  { id: 'evaluation-on-time', kind: 'share', nl: 'Evaluatie op tijd', en: 'Evaluation on time', appliesTo: INTERVENTION_IDS, compute: shareOf('evaluation', ['on-time']) },
] as const satisfies readonly Kpi[]

export type KpiId = (typeof KPIS)[number]['id']
export const KPI_IDS = KPIS.map((k) => k.id) as [KpiId, ...KpiId[]]
export const kpiOf = (id: KpiId): Kpi => KPIS.find((k) => k.id === id)!
export const appliesTo = (id: KpiId, intervention: InterventionId): boolean => (kpiOf(id).appliesTo as readonly string[]).includes(intervention)

/** The KPI's value for an intervention in an accountability period: from the figures of the half-years it covers. */
export function kpiValue(id: KpiId, intervention: InterventionId, period: Pick<AccountabilityPeriod, 'first' | 'last'>, figures: readonly HalfYearFigures[]): number | undefined {
  const halfYears = new Set<string>(halfYearsOf(period))
  return kpiOf(id).compute(intervention, figures.filter((f) => halfYears.has(f.halfYear)))
}

export interface Verdict {
  value: number | undefined
  target: number
  /** The 75 % line: the value from which the KPI counts as met. */
  line: number
  /** Undefined while there is no value to judge. */
  met: boolean | undefined
  /** The value as a share of the target, in %; undefined without a value or with a target of 0. */
  ofTarget: number | undefined
}

/** Met when the value reaches `share` (75 %) of the target. */
export function verdictOf(value: number | undefined, target: number, share = DEFAULT_MET_SHARE): Verdict {
  const line = target * share
  return { value, target, line, met: value === undefined ? undefined : value >= line, ofTarget: value === undefined || target === 0 ? undefined : (value * 100) / target }
}

/** The largest target a count may have; a share's target is a whole per cent up to 100. */
export const MAX_COUNT_TARGET = 1_000_000

export type TargetProblem = 'not-a-number' | 'negative' | 'not-whole' | 'too-large' | 'over-100' | 'not-applicable'

/** Why a target cannot be stored for this KPI and intervention; undefined when it can. */
export function targetProblem(id: KpiId, intervention: InterventionId, target: unknown): TargetProblem | undefined {
  if (typeof target !== 'number' || !Number.isFinite(target)) return 'not-a-number'
  if (target < 0) return 'negative'
  if (!Number.isInteger(target)) return 'not-whole'
  if (kpiOf(id).kind === 'share' && target > 100) return 'over-100'
  if (target > MAX_COUNT_TARGET) return 'too-large'
  if (!appliesTo(id, intervention)) return 'not-applicable'
  return undefined
}

const TARGET_PROBLEM_EN: Record<TargetProblem, string> = {
  'not-a-number': 'must be a number',
  negative: 'may not be negative',
  'not-whole': 'must be a whole number',
  'too-large': `may be at most ${MAX_COUNT_TARGET}`,
  'over-100': 'is a percentage: at most 100',
  'not-applicable': 'this KPI does not apply to this intervention',
}
export const describeTargetProblem = (p: TargetProblem) => TARGET_PROBLEM_EN[p]

/** One stored target. */
export const targetSchema = z.object({ period: accountabilityIdSchema, kpi: z.enum(KPI_IDS), intervention: z.enum(INTERVENTION_IDS), target: z.number().int() })
export type Target = z.infer<typeof targetSchema>

/** A target to set (a number) or to remove (null). */
export const targetChangeSchema = z
  .strictObject({ period: accountabilityIdSchema, kpi: z.enum(KPI_IDS), intervention: z.enum(INTERVENTION_IDS), target: z.unknown() })
  .superRefine((t, ctx) => {
    if (t.target === null) return
    const p = targetProblem(t.kpi, t.intervention, t.target)
    if (p) ctx.addIssue({ code: 'custom', message: `the target ${describeTargetProblem(p)}`, path: ['target'] })
  })
  .transform((t) => ({ ...t, target: t.target as number | null }))
export type TargetChange = z.output<typeof targetChangeSchema>

export const targetKey = (t: Pick<Target, 'period' | 'kpi' | 'intervention'>) => `${t.period}|${t.kpi}|${t.intervention}`

/** The most changes one PUT carries: every KPI × intervention × period, with room. */
export const MAX_TARGET_CHANGES = 2_000

/** PUT /api/kpi/targets: targets to set or remove, each (period, KPI, intervention) once; all or nothing. */
export const targetsBodySchema = z.strictObject({
  targets: z
    .array(targetChangeSchema)
    .min(1)
    .max(MAX_TARGET_CHANGES)
    .refine((list) => new Set(list.map(targetKey)).size === list.length, 'each period, KPI and intervention may appear only once'),
})
