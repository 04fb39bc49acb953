/**
 * The expected totals of the fault test, counted without the app's code: a plain loop over the
 * generated cases, written from the definitions rather than from `countInclusions`, so a counting
 * bug in src/shared/kpi/counts.ts cannot cancel out (it would go into the server's totals through
 * the devices, and not into these).
 *
 * The definitions (docs/fhir-mapping.md "Inclusion counts → MeasureReport", the header of
 * src/shared/kpi/counts.ts and src/shared/kpi/period.ts):
 * - a period is a half-year: H1 is 1 January – 30 June, H2 is 1 July – 31 December, both days in;
 * - per intervention × municipality of residence × referrer type, an unrecorded municipality or
 *   referrer type counted as `onbekend`;
 * - referred: cases referred in the period; included: cases included in the period (new, by date of
 *   inclusion); completed: cases completed in the period; includedCumulative: cases included on or
 *   before the period's last day;
 * - a cell with nothing in it is not reported.
 */

/** What the reference reads of a case: the same fields a device counts from, nothing of the app's types. */
export interface ReferenceCase {
  pathway: string
  municipality?: string
  referrerType?: string
  referredAt?: string
  includedAt?: string
  completedAt?: string
}

export interface ReferenceRow {
  intervention: string
  municipality: string
  referrerType: string
  referred: number
  included: number
  completed: number
  includedCumulative: number
}

/** "2026-H1" → its first and last day, as ISO dates (string comparison orders ISO dates). */
export function halfYear(period: string): { first: string; last: string } {
  const match = /^(\d{4})-H([12])$/.exec(period)
  if (!match) throw new Error(`not a half-year: ${period}`)
  const [, year, half] = match
  return half === '1' ? { first: `${year}-01-01`, last: `${year}-06-30` } : { first: `${year}-07-01`, last: `${year}-12-31` }
}

/** Every half-year from the one holding `fromDate` to the one holding `toDate`, in order. */
export function halfYearsBetween(fromDate: string, toDate: string): string[] {
  const out: string[] = []
  let year = Number(fromDate.slice(0, 4))
  let half = Number(fromDate.slice(5, 7)) <= 6 ? 1 : 2
  const endYear = Number(toDate.slice(0, 4))
  const endHalf = Number(toDate.slice(5, 7)) <= 6 ? 1 : 2
  while (year * 2 + half <= endYear * 2 + endHalf) {
    out.push(`${year}-H${half}`)
    if (half === 2) year++
    half = half === 2 ? 1 : 2
  }
  return out
}

/** The region's totals for `period` over every device's cases, rows ordered by cell. */
export function referenceTotals(cases: Iterable<ReferenceCase>, period: string): ReferenceRow[] {
  const { first, last } = halfYear(period)
  const within = (day: string | undefined) => day !== undefined && first <= day && day <= last
  const cells = new Map<string, ReferenceRow>()
  for (const c of cases) {
    const municipality = c.municipality ?? 'onbekend'
    const referrerType = c.referrerType ?? 'onbekend'
    const key = `${c.pathway}|${municipality}|${referrerType}`
    const cell = cells.get(key) ?? { intervention: c.pathway, municipality, referrerType, referred: 0, included: 0, completed: 0, includedCumulative: 0 }
    cells.set(key, cell)
    if (within(c.referredAt)) cell.referred += 1
    if (within(c.includedAt)) cell.included += 1
    if (within(c.completedAt)) cell.completed += 1
    if (c.includedAt !== undefined && c.includedAt <= last) cell.includedCumulative += 1
  }
  const cellKey = (r: ReferenceRow) => `${r.intervention}|${r.municipality}|${r.referrerType}`
  return [...cells.values()]
    .filter((r) => r.referred + r.included + r.completed + r.includedCumulative > 0)
    .sort((a, b) => (cellKey(a) < cellKey(b) ? -1 : cellKey(a) > cellKey(b) ? 1 : 0))
}
