/**
 * The inclusion counts of one period as a FHIR R4 MeasureReport (type `summary`): one group per
 * intervention, populations referred / included / completed, stratified by municipality and by
 * referrer type. It goes outside the programme team, so every count from 1 to 4 is left out and
 * marked with the data-absent-reason `masked` (domain.md: small cells suppressed).
 * Mapping: docs/fhir-mapping.md.
 */
import type { CountRow } from './counts'
import { INTERVENTION_IDS, INTERVENTIONS } from '../interventions'
import { regionDate } from '../core/clock'
import { periodEnd, periodStart, type Period } from './period'

export const FHIR_BASE = 'https://samenwerkwijze.example.org/fhir'
export const MEASURE_URL = `${FHIR_BASE}/Measure/sig-inclusie`
export const INTERVENTION_SYSTEM = `${FHIR_BASE}/CodeSystem/interventie`
export const POPULATION_SYSTEM = `${FHIR_BASE}/CodeSystem/inclusie-populatie`
export const STRATIFIER_SYSTEM = `${FHIR_BASE}/CodeSystem/uitsplitsing`
const DATA_ABSENT = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason'

const POPULATIONS = [
  { key: 'referred', display: 'Verwezen' },
  { key: 'included', display: 'Geïncludeerd (nieuw in periode)' },
  { key: 'completed', display: 'Afgerond' },
] as const
type PopulationKey = (typeof POPULATIONS)[number]['key']

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
  group: {
    code: { coding: Coding[] }
    population: Population[]
    stratifier: { code: { coding: Coding[] }[]; stratum: { value: { text: string }; population: Population[] }[] }[]
  }[]
}

/** Counts 1–4 leave the report; a zero is no small cell and stays. */
function population(key: PopulationKey, display: string, count: number): Population {
  const code = { coding: [{ system: POPULATION_SYSTEM, code: key, display }] }
  return count > 0 && count < 5 ? { code, extension: [{ url: DATA_ABSENT, valueCode: 'masked' }] } : { code, count }
}

function populations(rows: readonly CountRow[]): Population[] {
  return POPULATIONS.map((p) => population(p.key, p.display, rows.reduce((n, r) => n + r[p.key], 0)))
}

function stratifier(rows: readonly CountRow[], by: 'municipality' | 'referrerType', display: string) {
  const values = [...new Set(rows.map((r) => r[by]))].sort()
  return {
    code: [{ coding: [{ system: STRATIFIER_SYSTEM, code: by === 'municipality' ? 'gemeente' : 'verwijzer', display }] }],
    stratum: values.map((v) => ({ value: { text: v }, population: populations(rows.filter((r) => r[by] === v)) })),
  }
}

export function measureReport(period: Period, rows: readonly CountRow[], generatedAt: Date): MeasureReport {
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
    group: INTERVENTION_IDS.map((i) => {
      const mine = rows.filter((r) => r.intervention === i)
      return {
        code: { coding: [{ system: INTERVENTION_SYSTEM, code: i, display: INTERVENTIONS[i].name }] },
        population: populations(mine),
        stratifier: [stratifier(mine, 'municipality', 'Gemeente'), stratifier(mine, 'referrerType', 'Verwijzer')],
      }
    }),
  }
}
