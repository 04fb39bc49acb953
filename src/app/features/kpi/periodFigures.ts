/**
 * The figures of one accountability period (docs/kpi.md "Periods and targets"): devices count per
 * half-year, so the dashboard and Vandaag fetch each half-year the period covers and add them up.
 * The steering measures are optional: a server without them (or with none yet) leaves the share
 * KPIs without a value, and everything else works.
 */
import { halfYearsOf, type AccountabilityPeriod } from '../../../shared/kpi/accountability'
import type { HalfYearFigures } from '../../../shared/kpi/kpis'
import { getMeasures, getTotals, type TotalsRow } from '../../api/kpi'

export interface PeriodFigures {
  /** Per half-year: its totals and (when the server has them) its measures, for kpiValue. */
  halfYears: HalfYearFigures[]
  /** The totals per intervention, municipality and referrer type over the whole period. */
  rows: TotalsRow[]
  /** Referrals sent through the app in the period, per intervention. */
  referrals: Record<string, number>
  /** No half-year's measures could be read. */
  measuresMissing: boolean
}

/**
 * Adds half-years' totals up per cell: referred, included (new) and completed over the period;
 * includedCumulative is the last half-year's (included up to the period's end).
 */
export function sumTotals(perHalfYear: readonly (readonly TotalsRow[])[]): TotalsRow[] {
  const cells = new Map<string, TotalsRow>()
  const last = perHalfYear.length - 1
  perHalfYear.forEach((rows, n) => {
    for (const r of rows) {
      const key = `${r.intervention}|${r.municipality}|${r.referrerType}`
      const cell = cells.get(key) ?? { ...r, referred: 0, included: 0, completed: 0, includedCumulative: 0 }
      cell.referred += r.referred
      cell.included += r.included
      cell.completed += r.completed
      if (n === last) cell.includedCumulative = r.includedCumulative
      cells.set(key, cell)
    }
  })
  return [...cells.values()]
}

export async function loadPeriodFigures(period: AccountabilityPeriod): Promise<PeriodFigures> {
  const halfYears = halfYearsOf(period)
  const [totals, measures] = await Promise.all([
    Promise.all(halfYears.map((h) => getTotals(h))),
    Promise.all(halfYears.map((h) => getMeasures(h).then((m) => m.rows, () => undefined))),
  ])
  const referrals: Record<string, number> = {}
  for (const t of totals) for (const [i, n] of Object.entries(t.referrals)) referrals[i] = (referrals[i] ?? 0) + n
  return {
    halfYears: halfYears.map((halfYear, n) => ({ halfYear, counts: totals[n]!.rows, measures: measures[n] })),
    rows: sumTotals(totals.map((t) => t.rows)),
    referrals,
    measuresMissing: measures.every((m) => m === undefined),
  }
}
