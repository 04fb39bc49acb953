/**
 * The KPI page's periods, targets and CSVs (issue 18 points 3, 4 and 7; docs/kpi.md "Periods and
 * targets"): periods named as the programme says them with today's chosen, the targets beside the
 * figures they judge with the verdict in words, every save confirmed or refused where the person
 * looks (a negative target named at its field, nothing sent), a CSV import that imports nothing
 * from a bad file and shows a good one before saving, CSVs for Dutch Excel, the periods' editor
 * refusing a gap — and the page working when the server has no measures yet. `fetch` stands in for
 * the server's answers only: bodies are checked with the server's own schemas; the page and its
 * parsing are the real ones. Each state passes axe.
 */
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import axe from 'axe-core'
import { createI18n } from 'vue-i18n'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import KpiDashboardPage from '../../src/app/features/kpi/KpiDashboardPage.vue'
import { DEFAULT_ACCOUNTABILITY_PERIODS as PLAN, periodsBodySchema } from '../../src/shared/kpi/accountability'
import { targetsBodySchema, type Target } from '../../src/shared/kpi/kpis'
import en from '../../src/app/i18n/en.json'
import nl from '../../src/app/i18n/nl.json'
import proEn from '../../src/app/i18n/pro.en.json'
import proNl from '../../src/app/i18n/pro.nl.json'

const BOM = '\uFEFF'
const wor = (referred: number, included: number, completed: number, municipality = 'Oss') => ({ intervention: 'wor', municipality, referrerType: 'huisarts', referred, included, completed, includedCumulative: included })

/** What the stand-in server holds: per half-year totals and (unless `noMeasures`) measures, the targets and periods. */
let server: {
  totals: Record<string, ReturnType<typeof wor>[]>
  /** Referrals sent through the app, per half-year and intervention. */
  referrals: Record<string, Record<string, number>>
  measures: Record<string, { measure: string; bucket: string; count: number }[]>
  noMeasures: boolean
  targets: Target[]
  periods: typeof PLAN
  refuseTargets: boolean
}
let sent: { method: string; url: string; body?: unknown }[]
let mounted: VueWrapper | undefined

const reply = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

function fakeServer(url: string, init: RequestInit = {}): Response {
  const method = init.method ?? 'GET'
  const body = init.body ? (JSON.parse(String(init.body)) as unknown) : undefined
  sent.push({ method, url, ...(body !== undefined ? { body } : {}) })
  const [path, query] = url.split('?') as [string, string | undefined]
  const period = new URLSearchParams(query ?? '').get('period') ?? ''
  if (path === '/api/kpi/periods' && method === 'GET') return reply(200, { periods: server.periods })
  if (path === '/api/kpi/periods' && method === 'PUT') {
    const parsed = periodsBodySchema.safeParse(body)
    if (!parsed.success) return reply(400, { code: 'bad-request', error: 'Invalid request' })
    server.periods = parsed.data.periods
    return reply(200, { periods: server.periods })
  }
  if (path === '/api/kpi/targets' && method === 'GET') return reply(200, { targets: server.targets })
  if (path === '/api/kpi/targets' && method === 'PUT') {
    const parsed = targetsBodySchema.safeParse(body)
    if (server.refuseTargets || !parsed.success) return reply(400, { code: 'bad-request', error: 'Invalid request' })
    for (const c of parsed.data.targets) {
      server.targets = server.targets.filter((t) => !(t.period === c.period && t.kpi === c.kpi && t.intervention === c.intervention))
      if (c.target !== null) server.targets.push({ period: c.period, kpi: c.kpi, intervention: c.intervention, target: c.target })
    }
    return reply(200, { ok: true, saved: parsed.data.targets.length, removed: 0 })
  }
  if (path === '/api/kpi/totals') return reply(200, { period, rows: server.totals[period] ?? [], referrals: server.referrals[period] ?? {} })
  if (path === '/api/kpi/measures') {
    if (server.noMeasures) return reply(404, { code: 'not-found', error: 'Not found' })
    const rows = (server.measures[period] ?? []).map((m) => ({ ...m, intervention: 'wor', municipality: 'Oss', referrerType: 'huisarts', ageBand: 'onbekend', organisationId: 'o1' }))
    return reply(200, { period, rows, contributions: [] })
  }
  if (path === '/api/kpi/trend') {
    // As the server sums them: per half-year with figures and intervention.
    const rows = Object.entries(server.totals).flatMap(([half, list]) =>
      list.length ? [{ period: half, intervention: 'wor', ...Object.fromEntries((['referred', 'included', 'completed', 'includedCumulative'] as const).map((k) => [k, list.reduce((a, r) => a + r[k], 0)])) }] : [],
    )
    return reply(200, { rows })
  }
  return reply(404, { code: 'not-found', error: 'Not found' })
}

async function settle() {
  for (let i = 0; i < 6; i++) {
    await flushPromises()
    await new Promise((r) => setTimeout(r, 2))
  }
}

async function openPage(locale: 'nl' | 'en' = 'nl') {
  const i18n = createI18n({ legacy: false, locale, missingWarn: false, fallbackWarn: false, messages: { nl: { ...nl, ...proNl }, en: { ...en, ...proEn } } })
  mounted = mount(KpiDashboardPage, { global: { plugins: [i18n] }, attachTo: document.body })
  await settle()
  return mounted
}

async function axeProblems() {
  const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false }, region: { enabled: false } } })
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

const targetField = (w: VueWrapper, intervention: string, kpi: string) => w.get(`tr[data-kpi="${intervention}:${kpi}"] input`)
const verdict = (w: VueWrapper, intervention: string, kpi: string) => w.get(`tr[data-kpi="${intervention}:${kpi}"] td[data-verdict]`)
/** A chart's rows in one group: [name, text] each. */
const chartTexts = (w: VueWrapper, chart: string, group: string) =>
  w.findAll(`[data-chart="${chart}"] tbody[data-group="${group}"] tr[data-bucket]`).map((r) => [r.get('th').text(), r.get('td').text()])
/** Where a row's bar and marks stand on the axis (their inline style), "" when not drawn. */
const drawn = (w: VueWrapper, chart: string, group: string, bucket: string) => {
  const row = w.get(`[data-chart="${chart}"] tbody[data-group="${group}"] tr[data-bucket="${bucket}"]`)
  const style = (sel: string) => (row.find(sel).exists() ? (row.get(sel).attributes('style') ?? '') : '')
  return { bar: style('[data-bar]'), target: style('[data-target]'), line: style('[data-line]') }
}
const axisOf = (w: VueWrapper, chart: string) => w.get(`[data-chart="${chart}"] [data-axis]`).findAll('span').map((s) => s.text())
const puts = (path: string) => sent.filter((r) => r.method === 'PUT' && r.url === path)

/** Chooses a file in the import's file field, as a person does. */
async function chooseFile(w: VueWrapper, text: string, name = 'doelen.csv') {
  const input = w.get('[data-testid="kpi-import"] input[type="file"]')
  Object.defineProperty(input.element, 'files', { value: [new File([text], name, { type: 'text/csv' })], configurable: true })
  await input.trigger('change')
  await settle()
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date('2026-12-01T10:00:00Z'))
  sent = []
  server = {
    totals: { '2026-H2': [wor(12, 9, 2), wor(3, 1, 0, 'Boekel')], '2024-H2': [wor(4, 3, 0)], '2025-H1': [wor(5, 4, 1)] },
    referrals: { '2026-H2': { wor: 3 } },
    measures: { '2026-H2': [{ measure: 'first-contact', bucket: 'within-14-days', count: 6 }, { measure: 'first-contact', bucket: 'later', count: 4 }] },
    noMeasures: false,
    targets: [
      { period: 'p4', kpi: 'included', intervention: 'wor', target: 10 },
      { period: 'p4', kpi: 'first-contact', intervention: 'wor', target: 90 },
    ],
    periods: PLAN.map((p) => ({ ...p })),
    refuseTargets: false,
  }
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => fakeServer(String(url), init))
})
afterEach(() => {
  mounted?.unmount()
  mounted = undefined
  vi.unstubAllGlobals()
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('the periods', () => {
  it('are named as the programme says them, the backup moment too, with today’s chosen and what it covers', async () => {
    const w = await openPage()
    const select = w.get('select')
    expect(select.findAll('option').map((o) => o.text())).toEqual([
      'Periode 1 (t/m juni 2025)',
      'Periode 2 (2e helft 2025)',
      'Periode 3 (1e helft 2026)',
      'Periode 4 (2e helft 2026)',
      'Periode 5 (1e helft 2027)',
      'Backupmoment (2e helft 2027)',
    ])
    expect((select.element as HTMLSelectElement).value).toBe('p4')
    expect(w.text()).toContain('Deze periode telt: 2e helft 2026. Verantwoording in januari 2027.')
    expect(w.text()).not.toMatch(/20\d\d-H[12]/)
    expect(await axeProblems()).toEqual([])
  })

  it('adds up every half-year of period 1', async () => {
    const w = await openPage()
    await w.get('select').setValue('p1')
    await settle()
    expect(sent.filter((r) => r.url.startsWith('/api/kpi/totals')).map((r) => r.url)).toEqual(expect.arrayContaining(['/api/kpi/totals?period=2024-H1', '/api/kpi/totals?period=2024-H2', '/api/kpi/totals?period=2025-H1']))
    expect(w.get('tr[data-kpi="wor:included"]').text()).toMatch(/^Bereikte inwoners \(nieuw\)\s*7/)
    expect(chartTexts(w, 'funnel', 'wor')).toEqual([
      ['Verwezen', '9'],
      ['Bereikt (nieuw)', '7 (78% van verwezen)'],
      ['Afgerond', '1 (14% van bereikt)'],
      ['Verwezen via de app', '0'],
    ])
  })

  it('refuses a change with a gap at the period it is about, sends nothing, and saves a good one', async () => {
    const w = await openPage()
    const row = w.get('tr[data-period-row="p3"]')
    await row.findAll('select')[0]!.setValue('2026-H2')
    await row.findAll('select')[1]!.setValue('2026-H2')
    await w.get('[data-testid="kpi-periods"] form').trigger('submit')
    await settle()
    expect(w.get('[data-testid="periods-problems"]').text()).toContain('Periode 3 (2e helft 2026): er zit een gat tussen deze periode en de vorige. Laat hem beginnen in 1e helft 2026.')
    expect(w.get('[data-testid="periods-result"]').text()).toMatch(/^Perioden niet opgeslagen/)
    expect(puts('/api/kpi/periods')).toEqual([])
    // Back as it was, and the backup moment reported a month later.
    await row.findAll('select')[0]!.setValue('2026-H1')
    await row.findAll('select')[1]!.setValue('2026-H1')
    await w.get('tr[data-period-row="backup"] input[type="month"]').setValue('2028-02')
    await w.get('[data-testid="kpi-periods"] form').trigger('submit')
    await settle()
    expect(puts('/api/kpi/periods')).toHaveLength(1)
    expect(w.get('[data-testid="periods-result"]').text()).toMatch(/^Perioden opgeslagen vandaag om \d{2}:\d{2}\.$/)
    expect(server.periods.at(-1)!.reportingMonth).toBe('2028-02')
  })

  it('will not drop a period that still has targets', async () => {
    const w = await openPage()
    await w.get('tr[data-period-row="p4"] button').trigger('click')
    await w.get('[data-testid="kpi-periods"] form').trigger('submit')
    await settle()
    expect(w.get('[data-testid="periods-problems"]').text()).toContain('Periode 4 (2e helft 2026) heeft nog 2 doelen. Haal die eerst weg.')
    expect(puts('/api/kpi/periods')).toEqual([])
  })
})

describe('the charts, readable (issue 18 point 7)', () => {
  it('show every number on an axis from 0 to at least 10, the target and its 75 % line marked and in words', async () => {
    const w = await openPage()
    // Reached against target: 10 in 2026-H2 (Oss 9, Boekel 1) against 10; the rest without target.
    expect(chartTexts(w, 'target', 'all')).toEqual([
      ['Welzijn op Recept', '10. Doel: 10, gehaald vanaf 7,5.'],
      ['Verkennend Gesprek', '0. Geen doel.'],
      ['Sociaal Arrangeren', '0. Geen doel.'],
      ['Samenwerkwijze', '0. Geen doel.'],
    ])
    expect(axisOf(w, 'target')).toEqual(['0', '10'])
    expect(w.get('[data-chart="target"] caption').text()).toContain('De balken tonen het aantal op een schaal van 0 tot 10.')
    expect(drawn(w, 'target', 'all', 'wor')).toEqual({ bar: 'width: 100%;', target: expect.stringMatching(/100%/), line: expect.stringMatching(/75%/) })
    expect(drawn(w, 'target', 'all', 'vg')).toEqual({ bar: 'width: 0%;', target: '', line: '' })
    expect(w.get('[data-chart="target"] [data-legend]').text()).toBe('Balk: het aantal bereikte inwoners.Dikke streep: het doel.Stippellijn: 75 % van het doel. Vanaf daar is het doel gehaald.')
    // The bars and marks are for the eye; the words carry the figure.
    expect(w.findAll('[data-chart] .kpi-bar').every((b) => b.attributes('aria-hidden') === 'true')).toBe(true)
    expect(await axeProblems()).toEqual([])
  })

  it('never let one case fill a bar when there is no target', async () => {
    server.totals['2026-H1'] = [wor(1, 1, 0)]
    const w = await openPage()
    await w.get('select').setValue('p3')
    await settle()
    expect(chartTexts(w, 'target', 'all')[0]).toEqual(['Welzijn op Recept', '1. Geen doel.'])
    expect(axisOf(w, 'target')).toEqual(['0', '10'])
    expect(drawn(w, 'target', 'all', 'wor')).toEqual({ bar: 'width: 10%;', target: '', line: '' })
    expect(w.find('[data-chart="target"] [data-legend]').exists()).toBe(false)
    expect(drawn(w, 'funnel', 'wor', 'referred').bar).toBe('width: 10%;')
    expect(drawn(w, 'municipality', 'wor', 'Oss').bar).toBe('width: 10%;')
    expect(await axeProblems()).toEqual([])
  })

  it('show the funnel per intervention in words, each step against the one before', async () => {
    const w = await openPage()
    expect(chartTexts(w, 'funnel', 'wor')).toEqual([
      ['Verwezen', '15'],
      ['Bereikt (nieuw)', '10 (67% van verwezen)'],
      ['Afgerond', '2 (20% van bereikt)'],
      ['Verwezen via de app', '3'],
    ])
    expect(w.get('[data-chart="funnel"] tbody[data-group="wor"] th[scope="rowgroup"]').text()).toBe('Welzijn op Recept')
    // Nobody is referred to the Samenwerkwijze through the app; no share of nothing, no track of nothing.
    expect(chartTexts(w, 'funnel', 'samenwerkwijze')).toEqual([
      ['Verwezen', '0'],
      ['Bereikt (nieuw)', '0'],
      ['Afgerond', '0'],
    ])
    expect(w.find('[data-chart="funnel"] tbody[data-group="samenwerkwijze"] .kpi-bar__track').exists()).toBe(false)
    expect(axisOf(w, 'funnel')).toEqual(['0', '20'])
    // The light track is the step before: 10 of 15 reached.
    const included = w.get('[data-chart="funnel"] tbody[data-group="wor"] tr[data-bucket="included"]')
    expect(included.get('.kpi-bar__track').attributes('style')).toBe('width: 75%;')
    expect(included.get('[data-bar]').attributes('style')).toBe('width: 50%;')
  })

  it('show the trend per half-year on its own line, named as the programme says it, and a half-year to come as such', async () => {
    const w = await openPage()
    expect(chartTexts(w, 'trend', 'wor')).toEqual([
      ['1e helft 2024', '0'],
      ['2e helft 2024', '3'],
      ['1e helft 2025', '4'],
      ['2e helft 2025', '0'],
      ['1e helft 2026', '0'],
      ['2e helft 2026', '10. Doel: 10, gehaald vanaf 7,5.'],
      ['1e helft 2027', 'Nog niet begonnen.'],
    ])
    expect(drawn(w, 'trend', 'wor', '2027-H1').bar).toBe('')
    expect(drawn(w, 'trend', 'wor', '2024-H2').bar).toBe('width: 30%;')
    // Interventions that reached nobody and have no target: named once, not a column of zeros.
    expect(w.findAll('[data-chart="trend"] tbody[data-group]').map((g) => g.attributes('data-group'))).toEqual(['wor'])
    expect(w.get('[data-chart="trend"] [data-nobody]').text()).toBe('Nog niemand bereikt bij: Verkennend Gesprek, Sociaal Arrangeren, Samenwerkwijze.')
    expect(await axeProblems()).toEqual([])
  })

  it('show reached per municipality, a group per intervention', async () => {
    const w = await openPage()
    expect(chartTexts(w, 'municipality', 'wor')).toEqual([
      ['Oss', '9'],
      ['Boekel', '1'],
    ])
    expect(axisOf(w, 'municipality')).toEqual(['0', '10'])
  })

  it('speak in names and B1 words, not codes, in Dutch and in English', async () => {
    const nlPage = await openPage()
    const charts = () => nlPage.findAll('[data-chart]').map((c) => c.text()).join(' ')
    expect(charts()).not.toMatch(/\b(wor|vg|sa|samenwerkwijze)\b/)
    expect(charts()).not.toMatch(/includ|geïncludeerd|20\d\d-H[12]/i)
    nlPage.unmount()
    mounted = undefined
    const enPage = await openPage('en')
    expect(chartTexts(enPage, 'target', 'all')[0]).toEqual(['Social prescribing', '10. Target: 10, met from 7.5.'])
    expect(chartTexts(enPage, 'trend', 'wor').at(-1)).toEqual(['1st half of 2027', 'Not started yet.'])
    expect(enPage.findAll('[data-chart]').map((c) => c.text()).join(' ')).not.toMatch(/\b(wor|vg|sa)\b|20\d\d-H[12]/)
    expect(await axeProblems()).toEqual([])
  })
})

describe('the targets beside the figures', () => {
  it('shows each KPI’s value, its target and the verdict with the 75 % line in words', async () => {
    const w = await openPage()
    // 10 reached in 2026-H2 against a target of 10.
    expect(w.get('tr[data-kpi="wor:included"]').text()).toMatch(/^Bereikte inwoners \(nieuw\)\s*10/)
    expect((targetField(w, 'wor', 'included').element as HTMLInputElement).value).toBe('10')
    expect(verdict(w, 'wor', 'included').text()).toBe('Gehaald 10 bij een doel van 10 (100 % van het doel). Gehaald vanaf 75 % van het doel: 7,5.')
    // 6 of 10 first contacts within 14 days: 60 % against 90 %, the line at 67,5 %.
    expect(verdict(w, 'wor', 'first-contact').text()).toBe('Niet gehaald 60 % bij een doel van 90 % (67 % van het doel). Gehaald vanaf 75 % van het doel: 67,5 %.')
    expect(verdict(w, 'vg', 'included').text()).toBe('Geen doel')
    // Only the KPIs that belong to an intervention: no first contact for a Verkennend Gesprek.
    expect(w.find('tr[data-kpi="vg:first-contact"]').exists()).toBe(false)
    expect(await axeProblems()).toEqual([])
  })

  it('refuses a negative target at its field and sends nothing; a good one is saved and confirmed', async () => {
    const w = await openPage()
    await targetField(w, 'vg', 'included').setValue('-5')
    await targetField(w, 'wor', 'first-contact').setValue('150')
    await w.get('[data-testid="kpi-targets"] form').trigger('submit')
    await settle()
    expect(w.get('tr[data-kpi="vg:included"] .utrecht-form-field-error-message').text()).toBe('Een doel kan niet lager zijn dan 0.')
    expect(targetField(w, 'vg', 'included').attributes('aria-invalid')).toBe('true')
    expect(targetField(w, 'vg', 'included').attributes('aria-describedby')).toBe(w.get('tr[data-kpi="vg:included"] .utrecht-form-field-error-message').attributes('id'))
    expect(w.get('tr[data-kpi="wor:first-contact"] .utrecht-form-field-error-message').text()).toBe('Dit is een percentage: vul 0 tot en met 100 in.')
    expect(w.get('[data-testid="targets-result"]').text()).toBe('Doelen niet opgeslagen: 2 doelen kloppen niet. Kijk bij de velden met een melding.')
    expect(puts('/api/kpi/targets')).toEqual([])
    expect(await axeProblems()).toEqual([])

    await targetField(w, 'vg', 'included').setValue('40')
    await targetField(w, 'wor', 'first-contact').setValue('')
    await w.get('[data-testid="kpi-targets"] form').trigger('submit')
    await settle()
    // Only what changed: one set, one removed (an emptied field).
    expect(puts('/api/kpi/targets').map((r) => r.body)).toEqual([
      {
        targets: [
          { period: 'p4', kpi: 'first-contact', intervention: 'wor', target: null },
          { period: 'p4', kpi: 'included', intervention: 'vg', target: 40 },
        ],
      },
    ])
    expect(w.get('[data-testid="targets-result"]').text()).toMatch(/^Doelen opgeslagen vandaag om \d{2}:\d{2}\.$/)
    expect(verdict(w, 'vg', 'included').text()).toMatch(/^Niet gehaald 0 bij een doel van 40/)
  })

  it('says so when the server refuses, and when nothing changed', async () => {
    const w = await openPage()
    await w.get('[data-testid="kpi-targets"] form').trigger('submit')
    await settle()
    expect(w.get('[data-testid="targets-result"]').text()).toBe('Er was niets veranderd, dus er is niets opgeslagen.')
    server.refuseTargets = true
    await targetField(w, 'sa', 'included').setValue('12')
    await w.get('[data-testid="kpi-targets"] form').trigger('submit')
    await settle()
    expect(w.get('[data-testid="targets-result"]').text()).toMatch(/^Doelen niet opgeslagen: .+/)
  })

  it('still works when the server has no measures yet: counts and their verdicts, shares without a value', async () => {
    server.noMeasures = true
    const w = await openPage()
    expect(w.get('[data-testid="kpi-no-measures"]').text()).toMatch(/procescijfers/)
    expect(verdict(w, 'wor', 'included').text()).toMatch(/^Gehaald/)
    expect(w.get('tr[data-kpi="wor:first-contact"]').text()).toContain('nog geen cijfers')
    expect(verdict(w, 'wor', 'first-contact').text()).toBe('Nog geen cijfers Gehaald vanaf 75 % van het doel: 67,5 %.')
    expect(await axeProblems()).toEqual([])
  })
})

describe('targets from a CSV file', () => {
  it('imports nothing from a bad file and lists every bad line and why', async () => {
    const w = await openPage()
    await chooseFile(w, `${BOM}KPI;interventie;periode;doel\nincluded;wor;p4;-3\ngeluk;vg;p4;5\nincluded;sa;Periode 4;6\n`)
    const problems = w.get('[data-testid="import-problems"]')
    expect(problems.attributes('role')).toBe('alert')
    expect(problems.findAll('li').map((l) => l.text())).toEqual(['Regel 2, kolom doel: Een doel kan niet lager zijn dan 0 (hier: -3).', 'Regel 3, kolom kpi: ‘geluk’ is geen KPI die we kennen.'])
    expect(w.find('[data-testid="import-preview"]').exists()).toBe(false)
    expect(puts('/api/kpi/targets')).toEqual([])
    expect(await axeProblems()).toEqual([])
  })

  it('shows what a good file changes before saving, and saves only on the button', async () => {
    const w = await openPage()
    await chooseFile(w, 'KPI,interventie,periode,doel\nBereikte inwoners (nieuw),Welzijn op Recept,Periode 4 (2e helft 2026),12\nincluded,vg,p4,8\nEerste contact binnen 14 dagen,wor,p4,90\n')
    const preview = w.get('[data-testid="import-preview"]')
    expect(preview.find('caption').text()).toBe('Wat doelen.csv verandert: 2 doelen')
    expect(preview.findAll('tbody tr').map((r) => r.findAll('th, td').map((c) => c.text()))).toEqual([
      ['Bereikte inwoners (nieuw)', 'Welzijn op Recept', 'Periode 4 (2e helft 2026)', '10', '12'],
      ['Bereikte inwoners (nieuw)', 'Verkennend Gesprek', 'Periode 4 (2e helft 2026)', 'geen doel', '8'],
    ])
    expect(puts('/api/kpi/targets')).toEqual([])
    expect(await axeProblems()).toEqual([])
    await w.get('[data-testid="kpi-import"] button.utrecht-button--primary-action').trigger('click')
    await settle()
    expect(puts('/api/kpi/targets').map((r) => r.body)).toEqual([
      {
        targets: [
          { period: 'p4', kpi: 'included', intervention: 'wor', target: 12 },
          { period: 'p4', kpi: 'included', intervention: 'vg', target: 8 },
        ],
      },
    ])
    expect(w.get('[data-testid="import-result"]').text()).toMatch(/^2 doelen opgeslagen vandaag om \d{2}:\d{2}\.$/)
    // The targets beside the figures follow.
    expect((targetField(w, 'wor', 'included').element as HTMLInputElement).value).toBe('12')
  })
})

describe('CSV exports', () => {
  /** The text of the file the next click downloads. */
  async function downloaded(click: () => Promise<void>): Promise<{ name: string; text: string }> {
    let blob: Blob | undefined
    let name = ''
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blob = b as Blob
      return 'blob:x'
    })
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {})
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      name = this.download
    })
    await click()
    // The bytes as a file holds them: the BOM stays (text() would drop it).
    const bytes = new Uint8Array(await blob!.arrayBuffer())
    return { name, text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes) }
  }

  it('write semicolons, a BOM and readable Dutch column names, small cells as <5', async () => {
    const w = await openPage()
    const figures = await downloaded(() => w.get('[data-testid="kpi-csv"]').trigger('click'))
    expect(figures.name).toBe('inclusie-p4.csv')
    expect(figures.text.split('\r\n')).toEqual([
      `${BOM}Periode;Interventie;Gemeente;Verwijzer;Verwezen;Bereikt (nieuw);Afgerond`,
      'Periode 4 (2e helft 2026);Welzijn op Recept;Oss;Huisarts;12;9;<5',
      'Periode 4 (2e helft 2026);Welzijn op Recept;Boekel;Huisarts;<5;<5;0',
      '',
    ])
    const targets = await downloaded(() => w.get('[data-testid="kpi-import"] > .button-row button').trigger('click'))
    expect(targets.name).toBe('doelen.csv')
    expect(targets.text.split('\r\n')).toEqual([`${BOM}KPI;interventie;periode;doel`, 'Bereikte inwoners (nieuw);Welzijn op Recept;Periode 4 (2e helft 2026);10', 'Eerste contact binnen 14 dagen;Welzijn op Recept;Periode 4 (2e helft 2026);90', ''])
  })
})
