/**
 * Inclusion counts (KPI "deelresultaat", domain.md) from the clear index of a device's cases:
 * per intervention × period × municipality × referrer type, the residents referred, included
 * (new in the period) and completed, and included up to the end of the period (cumulative).
 * Pure: counts only, nothing that identifies a resident.
 */
import type { CaseIndex } from '../cases/caseIndex'
import { periodEnd, periodOf, type Period } from './period'
import type { InterventionId } from '../interventions'

export const UNKNOWN = 'onbekend'

export interface CountRow {
  intervention: InterventionId
  municipality: string
  referrerType: string
  referred: number
  included: number
  completed: number
  includedCumulative: number
}

/** What counting needs of a case: its intervention (stored as `pathway`), categories and moments. */
export type Countable = Pick<CaseIndex, 'pathway' | 'municipality' | 'referrerType' | 'referredAt' | 'includedAt' | 'completedAt'>

/** Every period in which any case was referred, included or completed. */
export function periodsOf(cases: readonly Countable[]): Period[] {
  const set = new Set<Period>()
  for (const c of cases) for (const d of [c.referredAt, c.includedAt, c.completedAt]) if (d) set.add(periodOf(d))
  return [...set].sort()
}

export function countInclusions(cases: readonly Countable[], period: Period): CountRow[] {
  const end = periodEnd(period)
  const rows = new Map<string, CountRow>()
  const row = (c: Countable) => {
    const key = `${c.pathway}|${c.municipality ?? UNKNOWN}|${c.referrerType ?? UNKNOWN}`
    let r = rows.get(key)
    if (!r) {
      r = { intervention: c.pathway, municipality: c.municipality ?? UNKNOWN, referrerType: c.referrerType ?? UNKNOWN, referred: 0, included: 0, completed: 0, includedCumulative: 0 }
      rows.set(key, r)
    }
    return r
  }
  for (const c of cases) {
    if (c.referredAt && periodOf(c.referredAt) === period) row(c).referred++
    if (c.includedAt && periodOf(c.includedAt) === period) row(c).included++
    if (c.completedAt && periodOf(c.completedAt) === period) row(c).completed++
    if (c.includedAt && c.includedAt <= end) row(c).includedCumulative++
  }
  return [...rows.values()].filter((r) => r.referred || r.included || r.completed || r.includedCumulative).sort((a, b) =>
    `${a.intervention}|${a.municipality}|${a.referrerType}`.localeCompare(`${b.intervention}|${b.municipality}|${b.referrerType}`),
  )
}

/** Cells under five are shown as "<5" outside the programme team (domain.md). */
export function suppress(n: number): number | '<5' {
  return n > 0 && n < 5 ? '<5' : n
}
