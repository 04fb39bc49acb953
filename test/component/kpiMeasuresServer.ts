/**
 * A stand-in for the server's KPI answers, for the steering measures' component tests
 * (kpiMeasures.test.ts, kpiReportPage.test.ts): each answer is built to fit the server's own
 * schemas (checked here, so a stand-in that drifts from the server fails loudly); the components,
 * the app's API modules and their parsing are the real ones. Also the set-up both tests share.
 */
import { flushPromises } from '@vue/test-utils'
import axe from 'axe-core'
import { createI18n } from 'vue-i18n'
import { evidenceFileSchema, measuresSchema, periodsSchema, totalsSchema, type MeasureTotal } from '../../src/shared/api/kpi'
import { DEFAULT_ACCOUNTABILITY_PERIODS } from '../../src/shared/kpi/accountability'
import nl from '../../src/app/i18n/nl.json'
import en from '../../src/app/i18n/en.json'
import proNl from '../../src/app/i18n/pro.nl.json'
import proEn from '../../src/app/i18n/pro.en.json'

export const O1 = '11111111-1111-4111-8111-111111111111'
export const O2 = '22222222-2222-4222-8222-222222222222'

export const cell = (measure: MeasureTotal['measure'], bucket: string, count: number, over: Partial<MeasureTotal> = {}): MeasureTotal => ({
  measure,
  bucket,
  intervention: 'wor',
  municipality: 'Oss',
  referrerType: 'huisarts',
  ageBand: '18-30',
  organisationId: O1,
  count,
  ...over,
})
export const BOEKEL = { municipality: 'Boekel', referrerType: 'praktijkondersteuner', ageBand: '31-64', organisationId: O2 }

/**
 * 2026-H2, counted by hand. Welzijn op Recept's first contacts: Oss (Welzijn Oss, 18–30, GP) 10
 * within 14 days and 2 later; Boekel (ONS welzijn, 31–64, POH) 2 and 1 — the region 12 of 15.
 * Feedback to the GP 5 given, 5 not. One step's essential met 6 times; money better for 5; a GP
 * in use before for 7 (Oss), after for 3 (Boekel).
 */
export const H2_ROWS: MeasureTotal[] = [
  cell('first-contact', 'within-14-days', 10),
  cell('first-contact', 'later', 2),
  cell('first-contact', 'within-14-days', 2, BOEKEL),
  cell('first-contact', 'later', 1, BOEKEL),
  cell('gp-feedback', 'given', 5),
  cell('gp-feedback', 'not-given', 5),
  cell('fidelity', 'wor-contact:met', 6),
  cell('domain-change', 'geldzaken:better', 5),
  cell('support-before', 'huisarts', 7),
  cell('support-after', 'huisarts', 3, BOEKEL),
]
export const H2_CONTRIBUTIONS = [
  { organisationId: O1, organisationName: 'Welzijn Oss', devices: 2, lastReceivedAt: '2026-11-30T10:00:00.000Z', corrections: 0 },
  { organisationId: O2, organisationName: 'ONS welzijn', devices: 1, lastReceivedAt: '2027-01-04T08:15:00.000Z', corrections: 1 },
]

export interface KpiServer {
  measures: Record<string, { rows: MeasureTotal[]; contributions: typeof H2_CONTRIBUTIONS }>
  totals: Record<string, { intervention: string; municipality: string; referrerType: string; referred: number; included: number; completed: number; includedCumulative: number }[]>
  /** Per half-year the evidence file's digest; missing: the evidence answers 500. */
  digests: Record<string, string>
  failMeasures?: boolean
}
export let server: KpiServer
export const sent: string[] = []

const reply = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
const checked = <T>(schema: { parse: (x: unknown) => T }, body: unknown) => reply(200, schema.parse(body))

function answer(url: string): Response {
  sent.push(url)
  const [path, query] = url.split('?') as [string, string | undefined]
  const period = new URLSearchParams(query ?? '').get('period') ?? ''
  if (path === '/api/kpi/periods') return checked(periodsSchema, { periods: DEFAULT_ACCOUNTABILITY_PERIODS })
  if (path === '/api/kpi/totals') return checked(totalsSchema, { period, rows: server.totals[period] ?? [], referrals: {} })
  if (path === '/api/kpi/measures') {
    if (server.failMeasures) return reply(500, { code: 'internal', error: 'Internal error' })
    return checked(measuresSchema, { period, rows: server.measures[period]?.rows ?? [], contributions: server.measures[period]?.contributions ?? [] })
  }
  if (path === '/api/kpi/evidence') {
    const digest = server.digests[period]
    if (!digest) return reply(500, { code: 'internal', error: 'Internal error' })
    const file = { format: 'samenwerkwijze-kpi-evidence/v1', period, exportedAt: '2026-12-01T10:00:00.000Z', organisations: [], snapshots: [], unsigned: [], totals: { rows: [], measures: [] }, digest }
    return checked(evidenceFileSchema, file)
  }
  return reply(404, { code: 'not-found', error: 'Not found' })
}

export function resetServer(): void {
  sent.length = 0
  server = { measures: { '2026-H2': { rows: H2_ROWS, contributions: H2_CONTRIBUTIONS } }, totals: {}, digests: {} }
}
export const fakeFetch = async (url: string) => answer(String(url))

export const i18n = (locale: 'nl' | 'en' = 'nl') => createI18n({ legacy: false, locale, missingWarn: false, fallbackWarn: false, messages: { nl: { ...nl, ...proNl }, en: { ...en, ...proEn } } })

export async function settle(): Promise<void> {
  for (let i = 0; i < 6; i++) {
    await flushPromises()
    await new Promise((r) => setTimeout(r, 2))
  }
}

export async function axeProblems(): Promise<string[]> {
  const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false }, region: { enabled: false } } })
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}
