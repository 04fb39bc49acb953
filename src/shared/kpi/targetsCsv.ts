/**
 * Targets from a CSV file (issue 18 point 4; docs/kpi.md "Periods and targets"): columns KPI,
 * interventie, periode, doel, separated by semicolons or commas, UTF-8 with or without a BOM. Each
 * cell may be an id or the Dutch name (the names the dashboard and its own export use). Every line
 * goes through a Zod schema; one bad line and the file imports nothing, with each bad line and
 * why (as codes: the app says them in Dutch, pro.kpi.csvImport.problems). The same columns come
 * out of targetsCsv, so an export edited in Excel imports again.
 */
import { z } from 'zod'
import { parseCsv, toExcelCsv } from '../core/csv'
import { INTERVENTION_IDS, INTERVENTIONS, type InterventionId } from '../interventions'
import { accountabilityName, halfYearsOf, periodNumber, periodSpan, type AccountabilityPeriod } from './accountability'
import { KPIS, MAX_TARGET_CHANGES, kpiOf, targetKey, targetProblem, type KpiId, type Target, type TargetProblem } from './kpis'

export const TARGETS_CSV_COLUMNS = ['kpi', 'interventie', 'periode', 'doel'] as const
export type TargetsCsvColumn = (typeof TARGETS_CSV_COLUMNS)[number]
/** The header as written: "KPI;interventie;periode;doel". */
export const TARGETS_CSV_HEADER = ['KPI', 'interventie', 'periode', 'doel']
/** English headers are read too. */
const HEADER_ALIASES: Record<string, TargetsCsvColumn> = { kpi: 'kpi', interventie: 'interventie', intervention: 'interventie', periode: 'periode', period: 'periode', doel: 'doel', target: 'doel' }

export type CsvProblemCode = 'empty-file' | 'not-utf8' | 'no-header' | 'too-many-lines' | 'unknown-kpi' | 'unknown-intervention' | 'unknown-period' | 'duplicate' | 'empty-target' | TargetProblem

export interface CsvProblem {
  /** The line in the file (the header is line 1); 0 for the file as a whole. */
  line: number
  code: CsvProblemCode
  column?: TargetsCsvColumn
  /** What the cell said, or for a duplicate the earlier line's number. */
  value?: string
}

const norm = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase()

function lookup<T>(entries: readonly (readonly [T, readonly string[]])[]): (s: string) => T | undefined {
  const map = new Map<string, T>()
  for (const [value, names] of entries) for (const name of names) map.set(norm(name), value)
  return (s) => map.get(norm(s))
}

const kpiByName = lookup(KPIS.map((k) => [k.id as KpiId, [k.id, k.nl, k.en]] as const))
const interventionByName = lookup(INTERVENTION_IDS.map((i) => [i, [i, INTERVENTIONS[i].name]] as const))

/** A period by its id, its number ("1", "periode 1"), its name, what it covers, or its one half-year ("2026-H2"). */
function periodLookup(periods: readonly AccountabilityPeriod[]) {
  return lookup(
    periods.map((p) => {
      const n = periodNumber(p, periods)
      const halfYears = halfYearsOf(p)
      const names = [p.id, accountabilityName(p, periods, 'nl'), accountabilityName(p, periods, 'en'), periodSpan(p, periods, 'nl')]
      if (n !== undefined) names.push(String(n), `periode ${n}`, `period ${n}`)
      if (p.backup) names.push('backup', 'backupmoment', 'backup moment')
      if (halfYears.length === 1) names.push(halfYears[0]!)
      return [p.id, names] as const
    }),
  )
}

/**
 * A target as typed (in the file or in the dashboard's field): a whole number, "1.000" (Dutch
 * thousands) or "90 %"; otherwise what is wrong with it. A negative number comes back as itself.
 */
export function readTarget(s: string): number | 'empty-target' | 'not-a-number' | 'not-whole' {
  const t = s.trim().replace(/\s*%$/, '')
  if (t === '') return 'empty-target'
  if (/^-?\d+$/.test(t)) return Number(t)
  if (/^\d{1,3}(\.\d{3})+$/.test(t)) return Number(t.replace(/\./g, ''))
  if (/^-?\d+[.,]\d+$/.test(t)) return Number(t.replace(',', '.')) < 0 ? -1 : 'not-whole'
  return 'not-a-number'
}

/** One line's cells, by column. */
const rawLineSchema = z.object({ kpi: z.string(), interventie: z.string(), periode: z.string(), doel: z.string() })

/** The Zod schema a line goes through: names to ids, the target checked as the server checks it. */
export function targetLineSchema(periods: readonly AccountabilityPeriod[]) {
  const periodByName = periodLookup(periods)
  return rawLineSchema.transform((raw, ctx): Target => {
    const problem = (column: TargetsCsvColumn, code: CsvProblemCode) => ctx.addIssue({ code: 'custom', message: code, path: [column], params: { code, value: raw[column] } })
    const kpi = kpiByName(raw.kpi)
    const intervention = interventionByName(raw.interventie)
    const period = periodByName(raw.periode)
    if (!kpi) problem('kpi', 'unknown-kpi')
    if (!intervention) problem('interventie', 'unknown-intervention')
    if (!period) problem('periode', 'unknown-period')
    const n = readTarget(raw.doel)
    if (typeof n !== 'number') problem('doel', n)
    else if (kpi && intervention) {
      const p = targetProblem(kpi, intervention, n)
      if (p) problem(p === 'not-applicable' ? 'kpi' : 'doel', p)
    } else if (n < 0) problem('doel', 'negative')
    return { kpi: kpi ?? 'included', intervention: intervention ?? 'wor', period: period ?? '', target: typeof n === 'number' ? n : 0 }
  })
}

export type TargetsCsvResult = { ok: true; targets: Target[] } | { ok: false; problems: CsvProblem[] }

/** Reads a targets CSV: every line valid and each (period, KPI, intervention) once, or nothing. */
export function parseTargetsCsv(text: string, periods: readonly AccountabilityPeriod[]): TargetsCsvResult {
  // A file saved in another encoding (old Excel: Windows-1252) decodes with replacement characters.
  if (text.includes('\uFFFD')) return { ok: false, problems: [{ line: 0, code: 'not-utf8' }] }
  const lines = parseCsv(text)
  const [head, ...rows] = lines
  if (!head) return { ok: false, problems: [{ line: 0, code: 'empty-file' }] }
  const columns = head.cells.map((c) => HEADER_ALIASES[norm(c)])
  const index = Object.fromEntries(TARGETS_CSV_COLUMNS.map((c) => [c, columns.indexOf(c)])) as Record<TargetsCsvColumn, number>
  const missing = TARGETS_CSV_COLUMNS.filter((c) => index[c] < 0)
  if (missing.length) return { ok: false, problems: [{ line: head.line, code: 'no-header', value: missing.join(', ') }] }
  if (!rows.length) return { ok: false, problems: [{ line: 0, code: 'empty-file' }] }
  if (rows.length > MAX_TARGET_CHANGES) return { ok: false, problems: [{ line: 0, code: 'too-many-lines', value: String(MAX_TARGET_CHANGES) }] }
  const schema = targetLineSchema(periods)
  const problems: CsvProblem[] = []
  const targets: Target[] = []
  const seen = new Map<string, number>()
  for (const row of rows) {
    const cellOf = (c: TargetsCsvColumn) => row.cells[index[c]] ?? ''
    const parsed = schema.safeParse({ kpi: cellOf('kpi'), interventie: cellOf('interventie'), periode: cellOf('periode'), doel: cellOf('doel') })
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const params = (issue as { params?: { code?: CsvProblemCode; value?: string } }).params
        problems.push({ line: row.line, code: params?.code ?? 'not-a-number', column: issue.path[0] as TargetsCsvColumn, ...(params?.value !== undefined ? { value: params.value } : {}) })
      }
      continue
    }
    const key = targetKey(parsed.data)
    const earlier = seen.get(key)
    if (earlier !== undefined) problems.push({ line: row.line, code: 'duplicate', value: String(earlier) })
    else {
      seen.set(key, row.line)
      targets.push(parsed.data)
    }
  }
  return problems.length ? { ok: false, problems } : { ok: true, targets }
}

export interface TargetChangeRow extends Target {
  /** The target stored now; undefined when there is none. */
  from: number | undefined
  status: 'new' | 'changed' | 'same'
}

/** What importing `imported` changes against the stored targets, in the file's order. */
export function targetChanges(imported: readonly Target[], current: readonly Target[]): TargetChangeRow[] {
  const stored = new Map(current.map((t) => [targetKey(t), t.target]))
  return imported.map((t) => {
    const from = stored.get(targetKey(t))
    return { ...t, from, status: from === undefined ? 'new' : from === t.target ? 'same' : 'changed' }
  })
}

/** The stored targets as a CSV the import reads back: Dutch names, semicolons, a BOM. */
export function targetsCsv(targets: readonly Target[], periods: readonly AccountabilityPeriod[]): string {
  const order = new Map(periods.map((p, n) => [p.id, n]))
  const sorted = [...targets].sort(
    (a, b) => (order.get(a.period) ?? 99) - (order.get(b.period) ?? 99) || KPI_ORDER(a.kpi) - KPI_ORDER(b.kpi) || INTERVENTION_IDS.indexOf(a.intervention) - INTERVENTION_IDS.indexOf(b.intervention),
  )
  return toExcelCsv(
    TARGETS_CSV_HEADER,
    sorted.map((t) => {
      const p = periods.find((x) => x.id === t.period)
      return [kpiOf(t.kpi).nl, INTERVENTIONS[t.intervention as InterventionId].name, p ? accountabilityName(p, periods) : t.period, t.target]
    }),
  )
}
const KPI_ORDER = (id: KpiId) => KPIS.findIndex((k) => k.id === id)
