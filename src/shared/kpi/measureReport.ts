/**
 * The figures of one period as a FHIR R4 MeasureReport (type `summary`). First one group per
 * intervention with the inclusion counts (populations referred / included / completed), stratified
 * by municipality and by referrer type; then, when devices sent them (issue 18), one group per
 * steering measure (measures.ts) with one population per bucket, stratified by intervention,
 * municipality, referrer type and age band. It goes outside the programme team, so every count
 * from 1 to 4 is left out and marked with the data-absent-reason `masked` (domain.md: small cells
 * suppressed), and so is whatever would let one be worked out by subtracting the others of its
 * stratifier from the total (`suppressed`). Mapping: docs/fhir-mapping.md.
 */
import type { CountRow } from './counts'
import { INTERVENTION_IDS, INTERVENTIONS } from '../interventions'
import { regionDate } from '../core/clock'
import { periodEnd, periodStart, type Period } from './period'
import { MEASURE_IDS, MEASURES, type MeasureId, type MeasureRow } from './measures'

export const FHIR_BASE = 'https://samenwerkwijze.example.org/fhir'
export const MEASURE_URL = `${FHIR_BASE}/Measure/sig-inclusie`
export const INTERVENTION_SYSTEM = `${FHIR_BASE}/CodeSystem/interventie`
export const POPULATION_SYSTEM = `${FHIR_BASE}/CodeSystem/inclusie-populatie`
export const STRATIFIER_SYSTEM = `${FHIR_BASE}/CodeSystem/uitsplitsing`
/** The steering measures (issue 18): a group's code. */
export const STEERING_MEASURE_SYSTEM = `${FHIR_BASE}/CodeSystem/stuurmaat`
/** A steering measure's buckets: a population's code within that measure's group. */
export const BUCKET_SYSTEM = `${FHIR_BASE}/CodeSystem/stuurmaat-uitkomst`
const DATA_ABSENT = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason'

/** Below this a count is a small cell (domain.md). */
const SMALL = 5

const POPULATIONS = [
  { key: 'referred', display: 'Verwezen' },
  { key: 'included', display: 'Geïncludeerd (nieuw in periode)' },
  { key: 'completed', display: 'Afgerond' },
] as const

/** The steering measures' names in the report (Dutch, like the rest of its displays). */
export const STEERING_MEASURE_DISPLAY: Record<MeasureId, string> = {
  'first-contact': 'Eerste contact binnen 14 dagen na verwijzing (Welzijn op Recept)',
  'gp-feedback': 'Terugkoppeling of advies aan de huisarts',
  'referral-to-intake': 'Tijd van verwijzing tot intake of gesprek',
  plan: 'Samenwerkplan gemaakt',
  evaluation: 'Evaluatie gehouden op of voor de geplande datum',
  'close-reason': 'Reden van afsluiten',
  fidelity: 'Werken volgens de methode, per stap',
  'satisfaction-start': 'Tevredenheid bij de start (0–10)',
  'satisfaction-end': 'Tevredenheid aan het eind (0–10)',
  'domain-change': 'Verandering per leefgebied tussen eerste en laatste score',
  'support-before': 'Ondersteuning vooraf',
  'support-after': 'Ondersteuning achteraf',
}

interface Coding {
  system: string
  code: string
  display?: string
}
interface Population {
  code: { coding: Coding[] }
  count?: number
  extension?: { url: string; valueCode: string }[]
}
interface Group {
  code: { coding: Coding[] }
  population: Population[]
  stratifier: { code: { coding: Coding[] }[]; stratum: { value: { text: string }; population: Population[] }[] }[]
}
export interface MeasureReport {
  resourceType: 'MeasureReport'
  id: string
  status: 'complete' | 'pending'
  type: 'summary'
  measure: string
  date: string
  reporter: { display: string }
  period: { start: string; end: string }
  improvementNotation: { coding: Coding[] }
  group: Group[]
}

/** One cell of a steering measure summed over devices (GET /api/kpi/measures' rows; other fields, such as the organisation, are summed over). */
export type MeasureCell = Omit<MeasureRow, 'count'> & { count: number }

const isSmall = (n: number) => n > 0 && n < SMALL

/**
 * Which cells of one stratifier (they add up to `total`) are left out. Every small cell; and when
 * the total is shown, as long as the cells left out add up to a small number (one small cell alone
 * is exactly the total minus the shown ones), the smallest shown non-zero cell goes too. A zero is
 * no small cell and stays.
 */
export function suppressed(total: number, cells: readonly number[]): boolean[] {
  const masked = cells.map(isSmall)
  if (isSmall(total)) return masked
  let hidden = cells.reduce((s, c, i) => s + (masked[i] ? c : 0), 0)
  while (isSmall(hidden)) {
    let k = -1
    cells.forEach((c, i) => {
      if (!masked[i] && c > 0 && (k < 0 || c < cells[k]!)) k = i
    })
    if (k < 0) break
    masked[k] = true
    hidden += cells[k]!
  }
  return masked
}

function population(coding: Coding, count: number, masked: boolean): Population {
  const code = { coding: [coding] }
  return masked ? { code, extension: [{ url: DATA_ABSENT, valueCode: 'masked' }] } : { code, count }
}

/** What a group counts: its populations' codes, and how a row adds to them. */
interface Table<R> {
  codes: readonly Coding[]
  add(row: R, into: number[]): void
}

function sums<R>(rows: readonly R[], table: Table<R>): number[] {
  const out = table.codes.map(() => 0)
  for (const r of rows) table.add(r, out)
  return out
}

interface Breakdown<R> {
  code: string
  display: string
  value(row: R): string
}

function group<R>(code: Coding, rows: readonly R[], table: Table<R>, breakdowns: readonly Breakdown<R>[]): Group {
  const totals = sums(rows, table)
  return {
    code: { coding: [code] },
    population: table.codes.map((c, j) => population(c, totals[j]!, isSmall(totals[j]!))),
    stratifier: breakdowns.map((b) => {
      const byValue = new Map<string, R[]>()
      for (const r of rows) {
        const v = b.value(r)
        const list = byValue.get(v)
        if (list) list.push(r)
        else byValue.set(v, [r])
      }
      const values = [...byValue.keys()].sort()
      const counts = values.map((v) => sums(byValue.get(v)!, table))
      // Per population, across this stratifier's strata.
      const masked = table.codes.map((_, j) => suppressed(totals[j]!, counts.map((c) => c[j]!)))
      return {
        code: [{ coding: [{ system: STRATIFIER_SYSTEM, code: b.code, display: b.display }] }],
        stratum: values.map((v, i) => ({ value: { text: v }, population: table.codes.map((c, j) => population(c, counts[i]![j]!, masked[j]![i]!)) })),
      }
    }),
  }
}

const inclusionTable: Table<CountRow> = {
  codes: POPULATIONS.map((p) => ({ system: POPULATION_SYSTEM, code: p.key, display: p.display })),
  add(r, into) {
    POPULATIONS.forEach((p, j) => (into[j]! += r[p.key]))
  },
}

type Cell = { municipality: string; referrerType: string }
const municipality: Breakdown<Cell> = { code: 'gemeente', display: 'Gemeente', value: (r) => r.municipality }
const referrer: Breakdown<Cell> = { code: 'verwijzer', display: 'Verwijzer', value: (r) => r.referrerType }
const measureBreakdowns: Breakdown<MeasureCell>[] = [
  { code: 'interventie', display: 'Interventie', value: (r) => r.intervention },
  municipality,
  referrer,
  { code: 'leeftijd', display: 'Leeftijd bij verwijzing', value: (r) => r.ageBand },
]

/**
 * A measure's buckets in the report: a fixed list in its own order (a bucket without cases is a
 * zero); a fidelity step or a life domain only when the period has it, in code order.
 */
function bucketsOf(measure: MeasureId, rows: readonly MeasureCell[]): string[] {
  const b = MEASURES[measure].buckets
  return typeof b === 'string' ? [...new Set(rows.map((r) => r.bucket))].sort() : [...b]
}

function measureGroup(measure: MeasureId, all: readonly MeasureCell[]): Group {
  const rows = all.filter((r) => r.measure === measure)
  const buckets = bucketsOf(measure, rows)
  const index = new Map(buckets.map((b, i) => [b, i]))
  const table: Table<MeasureCell> = {
    codes: buckets.map((b) => ({ system: BUCKET_SYSTEM, code: b })),
    add(r, into) {
      const j = index.get(r.bucket)
      if (j !== undefined) into[j]! += r.count
    },
  }
  return group({ system: STEERING_MEASURE_SYSTEM, code: measure, display: STEERING_MEASURE_DISPLAY[measure] }, rows, table, measureBreakdowns)
}

/**
 * `measures`: the period's steering measures (any order, several rows of one cell are added up).
 * None at all (no device sent any for the period): the report has no measure groups, rather than
 * zeros nobody counted.
 */
export function measureReport(period: Period, rows: readonly CountRow[], generatedAt: Date, measures: readonly MeasureCell[] = []): MeasureReport {
  const end = periodEnd(period)
  return {
    resourceType: 'MeasureReport',
    id: `sig-inclusie-${period}`,
    // Complete once the period's last day lies before the region's date (not the UTC date).
    status: end < regionDate(generatedAt) ? 'complete' : 'pending',
    type: 'summary',
    measure: MEASURE_URL,
    date: generatedAt.toISOString(),
    reporter: { display: 'Samen in Gezondheid' },
    period: { start: periodStart(period), end },
    improvementNotation: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/measure-improvement-notation', code: 'increase' }] },
    group: [
      ...INTERVENTION_IDS.map((i) =>
        group(
          { system: INTERVENTION_SYSTEM, code: i, display: INTERVENTIONS[i].name },
          rows.filter((r) => r.intervention === i),
          inclusionTable,
          [municipality, referrer],
        ),
      ),
      ...(measures.length > 0 ? MEASURE_IDS.map((m) => measureGroup(m, measures)) : []),
    ],
  }
}
