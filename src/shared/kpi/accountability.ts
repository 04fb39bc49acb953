/**
 * The accountability periods (verantwoordingsperiodes, plan §9.2, domain.md; docs/kpi.md "Periods
 * and targets"): what the region is paid on. Devices keep counting per half-year (period.ts: a
 * snapshot is for "2026-H1"); an accountability period is a run of half-years with a reporting
 * moment. Period 1 covers every half-year up to June 2025 (reported July 2025), periods 2–5 one
 * half-year each (2025-H2 … 2027-H1), and the backup moment covers 2027-H2.
 *
 * The list lives in the database (kpi_periods, migration 018) and the region's programme office
 * changes it (PUT /api/kpi/periods); DEFAULT_ACCOUNTABILITY_PERIODS is what the migration seeds.
 * Pure: no texts for the UI beyond the period's own name, which the plan gives in Dutch.
 */
import { z } from 'zod'
import { periodSchema, periodsBetween, type Period } from './period'

/** A half-year as devices count it: "2026-H1" (period.ts calls it a Period). */
export type HalfYear = Period

export const MAX_ACCOUNTABILITY_PERIODS = 20

/** A period's id: short, lower case, stable (targets are keyed by it). */
export const accountabilityIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,19}$/, 'must be a short id of lower-case letters, digits and dashes, like p1')

/** A reporting moment: a month, "2025-07". */
export const reportingMonthSchema = z.string().regex(/^20\d{2}-(0[1-9]|1[0-2])$/, 'must be a month like 2025-07')

export const accountabilityPeriodSchema = z.strictObject({
  id: accountabilityIdSchema,
  /** The first and the last half-year it covers, both included. */
  first: periodSchema,
  last: periodSchema,
  /** The month its figures are reported to the financiers. */
  reportingMonth: reportingMonthSchema,
  /** The backup moment (plan §9.2) after the five periods: not numbered, named as such. */
  backup: z.boolean(),
})
export type AccountabilityPeriod = z.infer<typeof accountabilityPeriodSchema>

/** The list of the plan, as migration 018 seeds it (test/server/kpiPeriods.test.ts checks the two agree). */
export const DEFAULT_ACCOUNTABILITY_PERIODS: readonly AccountabilityPeriod[] = [
  { id: 'p1', first: '2024-H1', last: '2025-H1', reportingMonth: '2025-07', backup: false },
  { id: 'p2', first: '2025-H2', last: '2025-H2', reportingMonth: '2026-01', backup: false },
  { id: 'p3', first: '2026-H1', last: '2026-H1', reportingMonth: '2026-07', backup: false },
  { id: 'p4', first: '2026-H2', last: '2026-H2', reportingMonth: '2027-01', backup: false },
  { id: 'p5', first: '2027-H1', last: '2027-H1', reportingMonth: '2027-07', backup: false },
  { id: 'backup', first: '2027-H2', last: '2027-H2', reportingMonth: '2028-01', backup: true },
]

/** The half-year after `h`. */
export function nextHalfYear(h: HalfYear): HalfYear {
  const [year, half] = h.split('-H').map(Number) as [number, number]
  return (half === 1 ? `${year}-H2` : `${year + 1}-H1`) as HalfYear
}

/** The first month a period's figures can be reported: the month after its last half-year ends. */
export function earliestReporting(last: HalfYear): string {
  const next = nextHalfYear(last)
  return `${next.slice(0, 4)}-${next.endsWith('H1') ? '01' : '07'}`
}

/**
 * What can be wrong with a list of periods, each tied to the row it is about (`index`). The app
 * says each in Dutch (pro.kpi.periods.problems.<code>), the server in English (periodsSchema).
 */
export type PeriodsProblem =
  | { code: 'empty' }
  | { code: 'too-many' }
  | { code: 'duplicate-id'; index: number; id: string }
  | { code: 'reversed'; index: number }
  | { code: 'gap'; index: number; expected: HalfYear }
  | { code: 'overlap'; index: number; expected: HalfYear }
  | { code: 'reporting-early'; index: number; earliest: string }
  | { code: 'reporting-order'; index: number }
  | { code: 'backup-not-last'; index: number }

/**
 * A list is right when it is in time order without gaps or overlaps: each period starts with the
 * half-year after the last one of the period before; each covers at least one half-year; each is
 * reported after it ends and after the one before; ids are unique; only the last may be a backup
 * moment. Empty: the list must hold at least one period.
 */
export function periodsProblems(list: readonly AccountabilityPeriod[]): PeriodsProblem[] {
  const out: PeriodsProblem[] = []
  if (!list.length) return [{ code: 'empty' }]
  if (list.length > MAX_ACCOUNTABILITY_PERIODS) out.push({ code: 'too-many' })
  const ids = new Set<string>()
  list.forEach((p, index) => {
    if (ids.has(p.id)) out.push({ code: 'duplicate-id', index, id: p.id })
    ids.add(p.id)
    if (p.last < p.first) out.push({ code: 'reversed', index })
    const before = list[index - 1]
    if (before) {
      const expected = nextHalfYear(before.last)
      if (p.first > expected) out.push({ code: 'gap', index, expected })
      else if (p.first < expected) out.push({ code: 'overlap', index, expected })
      if (p.reportingMonth <= before.reportingMonth) out.push({ code: 'reporting-order', index })
    }
    const earliest = earliestReporting(p.last)
    if (p.reportingMonth < earliest) out.push({ code: 'reporting-early', index, earliest })
    if (p.backup && index !== list.length - 1) out.push({ code: 'backup-not-last', index })
  })
  return out
}

/** The problem in English, for the server's refusal and logs. */
export function describePeriodsProblem(p: PeriodsProblem): string {
  switch (p.code) {
    case 'empty':
      return 'there must be at least one period'
    case 'too-many':
      return `at most ${MAX_ACCOUNTABILITY_PERIODS} periods`
    case 'duplicate-id':
      return `the id ${p.id} is used twice`
    case 'reversed':
      return 'its last half-year comes before its first'
    case 'gap':
      return `it leaves a gap: it must start at ${p.expected}, right after the period before`
    case 'overlap':
      return `it overlaps the period before: it must start at ${p.expected}`
    case 'reporting-early':
      return `it is reported before it ends: the reporting month must be ${p.earliest} or later`
    case 'reporting-order':
      return 'it is reported no later than the period before'
    case 'backup-not-last':
      return 'only the last period may be the backup moment'
  }
}

export const periodsListSchema = z
  .array(accountabilityPeriodSchema)
  .max(MAX_ACCOUNTABILITY_PERIODS * 2)
  .superRefine((list, ctx) => {
    for (const p of periodsProblems(list)) ctx.addIssue({ code: 'custom', message: describePeriodsProblem(p), path: 'index' in p ? [p.index] : [] })
  })

/** PUT /api/kpi/periods: the whole list, in time order. */
export const periodsBodySchema = z.strictObject({ periods: periodsListSchema })

/** Every half-year a period covers, in order. */
export function halfYearsOf(p: Pick<AccountabilityPeriod, 'first' | 'last'>): HalfYear[] {
  return p.last < p.first ? [] : periodsBetween(p.first, p.last)
}

/** The period a half-year falls in; none when it is before the first or after the last. */
export function accountabilityPeriodOf(h: HalfYear, list: readonly AccountabilityPeriod[]): AccountabilityPeriod | undefined {
  return list.find((p) => p.first <= h && h <= p.last)
}

/** Its number as the plan counts them (1–5); none for the backup moment. */
export function periodNumber(p: AccountabilityPeriod, list: readonly AccountabilityPeriod[]): number | undefined {
  if (p.backup) return undefined
  const n = list.filter((x) => !x.backup).findIndex((x) => x.id === p.id)
  return n < 0 ? undefined : n + 1
}

const MONTHS_NL = ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december']
const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
type Lang = 'nl' | 'en'
const months = (lang: Lang) => (lang === 'en' ? MONTHS_EN : MONTHS_NL)
const startMonth = (h: HalfYear, lang: Lang) => `${months(lang)[h.endsWith('H1') ? 0 : 6]} ${h.slice(0, 4)}`
const endMonth = (h: HalfYear, lang: Lang) => `${months(lang)[h.endsWith('H1') ? 5 : 11]} ${h.slice(0, 4)}`

/** A half-year the way the programme says it: "2e helft 2026" (en: "2nd half of 2026"). */
export function halfYearName(h: HalfYear, lang: Lang = 'nl'): string {
  const first = h.endsWith('H1')
  return lang === 'en' ? `${first ? '1st' : '2nd'} half of ${h.slice(0, 4)}` : `${first ? '1e' : '2e'} helft ${h.slice(0, 4)}`
}

/**
 * What a period covers in words: one half-year by its name ("2e helft 2026"); the first period of
 * the list "t/m juni 2025" (it takes everything up to its end); another run "juli 2025 t/m juni 2026".
 */
export function periodSpan(p: AccountabilityPeriod, list: readonly AccountabilityPeriod[], lang: Lang = 'nl'): string {
  if (p.first === p.last) return halfYearName(p.first, lang)
  const upTo = lang === 'en' ? 'up to' : 't/m'
  if (list[0]?.id === p.id) return `${upTo} ${endMonth(p.last, lang)}`
  return lang === 'en' ? `${startMonth(p.first, lang)} to ${endMonth(p.last, lang)}` : `${startMonth(p.first, lang)} t/m ${endMonth(p.last, lang)}`
}

/**
 * A period's name as the programme says it: "Periode 1 (t/m juni 2025)", "Periode 4 (2e helft
 * 2026)", "Backupmoment (2e helft 2027)". English: "Period 1 (up to June 2025)".
 */
export function accountabilityName(p: AccountabilityPeriod, list: readonly AccountabilityPeriod[], lang: Lang = 'nl'): string {
  const span = periodSpan(p, list, lang)
  if (p.backup) return `${lang === 'en' ? 'Backup moment' : 'Backupmoment'} (${span})`
  const n = periodNumber(p, list)
  return `${lang === 'en' ? 'Period' : 'Periode'} ${n ?? '?'} (${span})`
}

/** The reporting moment in words: "juli 2025". */
export function reportingName(p: Pick<AccountabilityPeriod, 'reportingMonth'>, lang: Lang = 'nl'): string {
  const [year, month] = p.reportingMonth.split('-') as [string, string]
  return `${months(lang)[Number(month) - 1]} ${year}`
}
