/**
 * Counts no social worker reaches (issue 11: a forged snapshot stored 1,000,000 per cell). The
 * server refuses a snapshot past these bounds with `implausible-counts`; the device checks the
 * same bounds before it signs, so a bug shows on the phone rather than in the region's figures.
 *
 * Why these numbers: a full-time welzijnscoach or casusregisseur carries some 30–60 residents at a
 * time and takes on a few new ones a week. A half-year has 26 working weeks.
 * - One cell (one intervention × municipality × referrer type) in one half-year: at most 250
 *   residents referred, included or completed — ten a week, every week, in one cell alone.
 * - One person in one organisation in one half-year, all cells together: at most 500 of each —
 *   about twenty new residents a week, four or five times a realistic caseload turning over. The
 *   server adds up every counting id of the person there (on any of their phones, moved or
 *   retired), so moving ids between phones cannot multiply the bound (review finding 4). The
 *   names say DEVICE: one person's phones together count as one.
 * - Included up to the end of the period (cumulative) runs over the whole programme (2024–2027,
 *   eight half-years): 8 × 250 per cell and 8 × 500 per person.
 * The bounds are generous on purpose: they stop figures that cannot be true, they are not a target.
 */
import type { CountRow } from './counts'
import { MEASURE_IDS, SUPPORT_CATEGORIES, type MeasureId, type MeasureRow } from './measures'
import { LIFE_DOMAINS } from '../socialMap/lifeDomains'

export const MAX_PER_CELL = 250
export const MAX_CUMULATIVE_PER_CELL = 8 * MAX_PER_CELL
export const MAX_PER_DEVICE = 500
export const MAX_CUMULATIVE_PER_DEVICE = 8 * MAX_PER_DEVICE

export interface CountTotals {
  referred: number
  included: number
  completed: number
  includedCumulative: number
}

export const sumCounts = (rows: readonly CountTotals[]): CountTotals =>
  rows.reduce((s, r) => ({ referred: s.referred + r.referred, included: s.included + r.included, completed: s.completed + r.completed, includedCumulative: s.includedCumulative + r.includedCumulative }), {
    referred: 0,
    included: 0,
    completed: 0,
    includedCumulative: 0,
  })

/**
 * Why these counts cannot come from one person in one period, or null when they can. `others` is
 * what the person's other counting ids in the organisation already hold for the period (they add
 * up in the totals; the phone, which knows only its own figures, leaves it out).
 */
export function implausibleCounts(rows: readonly CountRow[], others: CountTotals = sumCounts([])): string | null {
  for (const r of rows) {
    const cell = `${r.intervention}/${r.municipality}/${r.referrerType}`
    for (const field of ['referred', 'included', 'completed'] as const) {
      if (r[field] > MAX_PER_CELL) return `${field} ${r[field]} in ${cell} is more than one social worker reaches in a half-year (at most ${MAX_PER_CELL}).`
    }
    if (r.includedCumulative > MAX_CUMULATIVE_PER_CELL) return `includedCumulative ${r.includedCumulative} in ${cell} is more than one social worker reaches (at most ${MAX_CUMULATIVE_PER_CELL}).`
    // Included in the period are also included up to its end.
    if (r.included > r.includedCumulative) return `included (${r.included}) in ${cell} is more than includedCumulative (${r.includedCumulative}).`
  }
  const own = sumCounts(rows)
  for (const field of ['referred', 'included', 'completed'] as const) {
    const total = own[field] + others[field]
    if (total > MAX_PER_DEVICE) return `${field} ${total} in all cells together is more than one person counts in a half-year (at most ${MAX_PER_DEVICE}).`
  }
  const cumulative = own.includedCumulative + others.includedCumulative
  if (cumulative > MAX_CUMULATIVE_PER_DEVICE) return `includedCumulative ${cumulative} in all cells together is more than one person counts (at most ${MAX_CUMULATIVE_PER_DEVICE}).`
  return null
}

/**
 * How many rows of one measure one case can add to in a period: one bucket for most measures; one
 * per life domain, per support category, or per essential (a method has at most 13 steps of at
 * most 12 essentials, src/shared/method/definition.ts) for the others. In one cell (one bucket of
 * one breakdown cell) a case adds one, except fidelity: up to the 12 essentials of one step.
 */
const PER_CASE: Record<MeasureId, number> = Object.fromEntries(MEASURE_IDS.map((m) => [m, 1])) as Record<MeasureId, number>
PER_CASE['domain-change'] = LIFE_DOMAINS.length
PER_CASE['support-before'] = SUPPORT_CATEGORIES.length
PER_CASE['support-after'] = SUPPORT_CATEGORIES.length
PER_CASE.fidelity = 13 * 12
const PER_CASE_IN_CELL = (m: MeasureId) => (m === 'fidelity' ? 12 : 1)

/** What the person's other counting ids hold for the period, per measure (the server adds it up). */
export type MeasureTotals = Partial<Record<MeasureId, number>>

export const sumMeasures = (rows: readonly Pick<MeasureRow, 'measure' | 'count'>[]): MeasureTotals => {
  const out: MeasureTotals = {}
  for (const r of rows) out[r.measure] = (out[r.measure] ?? 0) + r.count
  return out
}

/**
 * Why these measure rows cannot come from one person in one period, or null: the same bounds as
 * the counts (a cell at most MAX_PER_CELL cases, a person at most MAX_PER_DEVICE cases a period),
 * times what one case can add to a measure.
 */
export function implausibleMeasures(rows: readonly MeasureRow[], others: MeasureTotals = {}): string | null {
  for (const r of rows) {
    const most = MAX_PER_CELL * PER_CASE_IN_CELL(r.measure)
    if (r.count > most) return `${r.measure} ${r.bucket} ${r.count} in ${r.intervention}/${r.municipality}/${r.referrerType}/${r.ageBand} is more than one social worker reaches in a half-year (at most ${most}).`
  }
  const own = sumMeasures(rows)
  for (const m of MEASURE_IDS) {
    const total = (own[m] ?? 0) + (others[m] ?? 0)
    const most = MAX_PER_DEVICE * PER_CASE[m]
    if (total > most) return `${m} ${total} in all cells together is more than one person counts in a half-year (at most ${most}).`
  }
  return null
}
