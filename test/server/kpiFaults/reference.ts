/**
 * The expected totals of the fault test, counted without the app's code: a plain loop over the
 * generated cases, written from the definitions rather than from `countInclusions` or
 * `countMeasures`, so a counting bug in src/shared/kpi/counts.ts or measureCounts.ts cannot cancel
 * out (it would go into the server's totals through the devices, and not into these).
 *
 * The definitions of the inclusion counts (docs/fhir-mapping.md "Inclusion groups", the header of
 * src/shared/kpi/counts.ts and src/shared/kpi/period.ts):
 * - a period is a half-year: H1 is 1 January – 30 June, H2 is 1 July – 31 December, both days in;
 * - per intervention × municipality of residence × referrer type, an unrecorded municipality or
 *   referrer type counted as `onbekend`;
 * - referred: cases referred in the period; included: cases included in the period (new, by date of
 *   inclusion); completed: cases completed in the period; includedCumulative: cases included on or
 *   before the period's last day;
 * - a cell with nothing in it is not reported.
 *
 * The steering measures the generated cases reach (issue 18; docs/kpi.md, src/shared/kpi/measures.ts),
 * per intervention × municipality × referrer type × age band (unrecorded: `onbekend`), each case
 * once per measure, in the period of the date named:
 * - first-contact (Welzijn op Recept only; the first contact's date): `within-14-days` when it is at
 *   most 14 days after the referral, else `later`;
 * - gp-feedback (referred by the GP (`huisarts`) or the practice nurse (`praktijkondersteuner`), to
 *   Welzijn op Recept or Verkennend Gesprek; the referral's date): `given` or `not-given`;
 * - referral-to-intake (the intake's date): days since the referral up to 7 `1-week`, up to 14
 *   `2-weeks`, up to 28 `4-weeks`, else `longer`;
 * - plan (included cases of the samenwerkwijze, or of another intervention that called a
 *   samenwerkoverleg; the inclusion's date): `with-plan` or `without-plan`;
 * - close-reason (closed cases, included or not; the closing date): the outflow category, or
 *   `onbekend` when none was recorded.
 * The generated cases hold nothing the other measures read (evaluations, satisfaction, life-domain
 * scores, support, fidelity), so the server must hold nothing else either.
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

/** What the reference reads of a case for the steering measures: plain fields, nothing of the app's types. */
export interface ReferenceMeasureCase extends ReferenceCase {
  referredAt: string
  ageBand: string
  firstContactAt?: string
  intakeAt?: string
  closedAt?: string
  closeCategory?: string
  gpAnswered: boolean
  overleg: boolean
  hasPlan: boolean
}

export interface ReferenceMeasureRow {
  measure: string
  bucket: string
  intervention: string
  municipality: string
  referrerType: string
  ageBand: string
  count: number
}

/** Whole days from one ISO date to another (the dates are calendar days: midnight UTC to midnight UTC). */
const daysFrom = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)

export const measureKeyOf = (r: Omit<ReferenceMeasureRow, 'count'>) => `${r.measure}|${r.bucket}|${r.intervention}|${r.municipality}|${r.referrerType}|${r.ageBand}`

/** The steering measures of `period` over the given cases (see the definitions above), rows ordered by key. */
export function referenceMeasures(cases: Iterable<ReferenceMeasureCase>, period: string): ReferenceMeasureRow[] {
  const { first, last } = halfYear(period)
  const within = (day: string | undefined): day is string => day !== undefined && first <= day && day <= last
  const rows = new Map<string, ReferenceMeasureRow>()
  for (const c of cases) {
    const add = (measure: string, bucket: string) => {
      const row = { measure, bucket, intervention: c.pathway, municipality: c.municipality ?? 'onbekend', referrerType: c.referrerType ?? 'onbekend', ageBand: c.ageBand, count: 0 }
      const key = measureKeyOf(row)
      const cell = rows.get(key) ?? row
      rows.set(key, cell)
      cell.count += 1
    }
    if (c.pathway === 'wor' && within(c.firstContactAt)) add('first-contact', daysFrom(c.referredAt, c.firstContactAt) <= 14 ? 'within-14-days' : 'later')
    const byGp = c.referrerType === 'huisarts' || c.referrerType === 'praktijkondersteuner'
    if (byGp && (c.pathway === 'wor' || c.pathway === 'vg') && within(c.referredAt)) add('gp-feedback', c.gpAnswered ? 'given' : 'not-given')
    if (within(c.intakeAt)) {
      const days = daysFrom(c.referredAt, c.intakeAt)
      add('referral-to-intake', days <= 7 ? '1-week' : days <= 14 ? '2-weeks' : days <= 28 ? '4-weeks' : 'longer')
    }
    if ((c.pathway === 'samenwerkwijze' || c.overleg) && within(c.includedAt)) add('plan', c.hasPlan ? 'with-plan' : 'without-plan')
    if (within(c.closedAt)) add('close-reason', c.closeCategory ?? 'onbekend')
  }
  return [...rows.values()].sort((a, b) => (measureKeyOf(a) < measureKeyOf(b) ? -1 : measureKeyOf(a) > measureKeyOf(b) ? 1 : 0))
}
