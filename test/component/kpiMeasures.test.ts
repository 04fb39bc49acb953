/**
 * The programme team's view of the steering measures on the KPI page (KpiMeasures.vue; issue 18
 * points 1, 2, 3, 5 and 7): a fixed answer from the stand-in server (kpiMeasuresServer.ts, counted
 * by hand there) gives exactly these shares in words, the bars on an axis that one case never
 * fills, the breakdowns (organisation only for the programme team), "<5" and "×" once the figures
 * are shown as outside the programme team, and what the figures rest on with the evidence file.
 * Every state passes axe; no code or "2026-H2" on screen.
 */
import { mount, RouterLinkStub, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import KpiMeasures from '../../src/app/features/kpi/KpiMeasures.vue'
import { axeProblems, cell, fakeFetch, i18n, O1, resetServer, sent, server, settle, BOEKEL, H2_CONTRIBUTIONS } from './kpiMeasuresServer'

let mounted: VueWrapper | undefined

async function open(halfYears = ['2026-H2'], periodName = 'Periode 4 (2e helft 2026)', locale: 'nl' | 'en' = 'nl') {
  mounted = mount(KpiMeasures, { props: { halfYears, periodName, periodId: 'p4' }, global: { plugins: [i18n(locale)], stubs: { RouterLink: RouterLinkStub } }, attachTo: document.body })
  await settle()
  return mounted
}
const section = (w: VueWrapper, s: string) => w.get(`[data-section="${s}"]`)
const rowText = (w: VueWrapper, s: string, group: string, bucket: string) => section(w, s).get(`tbody[data-group="${group}"] tr[data-bucket="${bucket}"] td`).text().trim()
const choose = async (w: VueWrapper, value: string) => {
  await w.get('[data-testid="kpi-breakdown"]').setValue(value)
  await settle()
}
const suppress = async (w: VueWrapper, on = true) => {
  await w.get('[data-testid="kpi-suppress"]').setValue(on)
  await settle()
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date('2026-12-01T10:00:00Z'))
  resetServer()
  vi.stubGlobal('fetch', fakeFetch)
})
afterEach(() => {
  mounted?.unmount()
  mounted = undefined
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

describe('the steering measures for the programme team', () => {
  it('shows each process KPI per intervention as a share with its counts, in words', async () => {
    const w = await open()
    expect(section(w, 'first-contact').text()).toContain('Eerste contact binnen 14 dagen')
    expect(section(w, 'first-contact').get('tbody[data-group="wor"] th').text()).toBe('Welzijn op Recept')
    expect(rowText(w, 'first-contact', 'wor', 'within-14-days')).toBe('12 van 15 (80%)')
    expect(rowText(w, 'first-contact', 'wor', 'later')).toBe('3 van 15 (20%)')
    expect(rowText(w, 'gp-feedback', 'wor', 'given')).toBe('5 van 10 (50%)')
    // Nothing counted yet: said so, no empty table.
    expect(section(w, 'evaluation').find('[data-none]').text()).toBe('Nog geen cijfers in deze periode.')
    // Fidelity per step under the method's own title; end results for all interventions together.
    const step = section(w, 'fidelity').get('tr[data-row="wor|wor-contact"]')
    expect(step.get('th').text()).toBe('Contact binnen twee weken')
    expect(step.findAll('td').map((td) => td.text())).toEqual(['6 (100%)', '0 (0%)', '0 (0%)', '6'])
    expect(section(w, 'domain-change').get('tr[data-row="geldzaken"]').text()).toMatch(/^Geldzaken\s*5 \(100%\)\s*0 \(0%\)\s*0 \(0%\)\s*5$/)
    expect(section(w, 'support').get('tr[data-row="huisarts"]').findAll('td').map((td) => td.text())).toEqual(['7', '3'])
    expect(w.text()).not.toMatch(/20\d\d-H[12]|wor-contact|within-14|pro\.kpi/)
    expect(await axeProblems()).toEqual([])
  })

  it('draws bars on an axis from 0 that one case never fills', async () => {
    const w = await open()
    const table = section(w, 'first-contact')
    // The largest number is 15: the axis runs to 20, so 12 fills 60 % and the group's 15 the track to 75 %.
    expect(table.get('[data-axis]').text()).toBe('020')
    const within = table.get('tr[data-bucket="within-14-days"]')
    expect(within.get('[data-bar]').attributes('style')).toContain('width: 60%')
    expect(within.get('.kpi-bar__track').attributes('style')).toContain('width: 75%')
    expect(table.get('caption').text()).toContain('De balken tonen het aantal op een schaal van 0 tot 20.')
    // One case alone: a tenth of the bar, not all of it.
    server.measures['2026-H2']!.rows = [cell('plan', 'with-plan', 1)]
    mounted!.unmount()
    const one = await open()
    expect(rowText(one, 'plan', 'wor', 'with-plan')).toBe('1 van 1 (100%)')
    expect(section(one, 'plan').get('[data-bar]').attributes('style')).toContain('width: 10%')
  })

  it('shows one municipality, age band or organisation, with the plan’s target group named', async () => {
    const w = await open()
    const groups = w.findAll('[data-testid="kpi-breakdown"] optgroup').map((g) => [g.attributes('label'), g.findAll('option').map((o) => o.text())])
    expect(groups).toEqual([
      ['Interventie', ['Welzijn op Recept']],
      ['Gemeente', ['Oss', 'Boekel']],
      ['Verwijzer', ['Huisarts', 'Praktijkondersteuner']],
      ['Leeftijd', ['18 tot en met 30 jaar (doelgroep van het plan)', '31 tot en met 64 jaar']],
      ['Organisatie', ['ONS welzijn', 'Welzijn Oss']],
    ])
    await choose(w, 'municipality|Boekel')
    expect(rowText(w, 'first-contact', 'wor', 'within-14-days')).toBe('2 van 3 (67%)')
    expect(w.get('[data-testid="kpi-shown-for"]').text()).toBe('Boekel: alle aantallen precies (alleen voor het programmateam).')
    await choose(w, `organisationId|${O1}`)
    expect(rowText(w, 'first-contact', 'wor', 'within-14-days')).toBe('10 van 12 (83%)')
    await choose(w, 'ageBand|31-64')
    expect(rowText(w, 'first-contact', 'wor', 'later')).toBe('1 van 3 (33%)')
    expect(await axeProblems()).toEqual([])
  })

  it('shows the figures as outside the programme team: <5, and × where a small one could be worked out', async () => {
    const w = await open()
    await choose(w, `organisationId|${O1}`)
    await suppress(w)
    // Organisation is the programme team's only: the choice goes, back to the whole region.
    expect(w.findAll('[data-testid="kpi-breakdown"] optgroup').map((g) => g.attributes('label'))).not.toContain('Organisatie')
    expect((w.get('[data-testid="kpi-breakdown"]').element as HTMLSelectElement).value).toBe('')
    // 15 − 12 would give the 3 back: no total, no shares.
    expect(rowText(w, 'first-contact', 'wor', 'within-14-days')).toBe('12')
    expect(rowText(w, 'first-contact', 'wor', 'later')).toBe('<5')
    expect(rowText(w, 'gp-feedback', 'wor', 'given')).toBe('5 van 10 (50%)')
    expect(w.get('[data-testid="kpi-shown-for"]').text()).toBe('De hele regio: zoals buiten het programmateam, kleine aantallen verborgen.')
    // Boekel's 2 and 1 are small; Oss's 10 would give Boekel's 2 back (12 − 10), so it is hidden too.
    await choose(w, 'municipality|Boekel')
    expect([rowText(w, 'first-contact', 'wor', 'within-14-days'), rowText(w, 'first-contact', 'wor', 'later')]).toEqual(['<5', '<5'])
    await choose(w, 'municipality|Oss')
    expect([rowText(w, 'first-contact', 'wor', 'within-14-days'), rowText(w, 'first-contact', 'wor', 'later')]).toEqual(['×', '<5'])
    // Help in use in Oss: 7 before; after, only Boekel has any (3), which the region shows as <5 itself.
    expect(section(w, 'support').get('tr[data-row="huisarts"]').findAll('td').map((td) => td.text())).toEqual(['7', '0'])
    // No bar for a hidden number.
    expect(section(w, 'first-contact').findAll('[data-bar]')).toHaveLength(0)
    expect(await axeProblems()).toEqual([])
    await suppress(w, false)
    expect(rowText(w, 'first-contact', 'wor', 'within-14-days')).toBe('10 van 12 (83%)')
  })

  it('says what the figures rest on, with the evidence file and how to check it', async () => {
    const w = await open()
    const evidence = w.get('[data-testid="kpi-evidence"]')
    expect(evidence.get('tr[data-organisation="' + O1 + '"]').findAll('th, td').map((c) => c.text())).toEqual(['Welzijn Oss', '2', '30 november 2026 om 11:00', '0'])
    expect(evidence.get(`tr[data-organisation="${BOEKEL.organisationId}"]`).findAll('td').map((c) => c.text())).toEqual(['1', '4 januari 2027 om 09:15', '1'])
    const link = evidence.get('[data-testid="evidence-download"]')
    expect(link.text()).toBe('Bewijsbestand downloaden: 2e helft 2026')
    expect(link.attributes('href')).toBe('/api/kpi/evidence?period=2026-H2')
    expect(link.attributes('download')).toBe('bewijslast-2026-H2.json')
    expect(evidence.get('.kpi-evidence__check').text()).toBe('Controleren kan zonder deze server. Typ in de map van de app dit commando, met de naam van het gedownloade bestand erachter: npm run verify-evidence --')
    // Confidential: unmasked cells and device names (docs/kpi.md "Evidence").
    expect(evidence.get('[data-testid="evidence-confidential"]').text()).toMatch(/^Het bewijsbestand is vertrouwelijk: .*niet aan de financier/)
    expect(w.getComponent(RouterLinkStub).props('to')).toBe('/beheer/kpi/rapport/p4')
  })

  it('adds up the half-years of a longer period and lists who reported per half-year', async () => {
    server.measures['2024-H2'] = { rows: [cell('first-contact', 'later', 5)], contributions: [] }
    server.measures['2025-H1'] = { rows: [cell('first-contact', 'within-14-days', 5)], contributions: H2_CONTRIBUTIONS.slice(0, 1) }
    const w = await open(['2024-H1', '2024-H2', '2025-H1'], 'Periode 1 (t/m juni 2025)')
    expect(sent.filter((u) => u.startsWith('/api/kpi/measures'))).toEqual(['/api/kpi/measures?period=2024-H1', '/api/kpi/measures?period=2024-H2', '/api/kpi/measures?period=2025-H1'])
    expect(rowText(w, 'first-contact', 'wor', 'within-14-days')).toBe('5 van 10 (50%)')
    const halves = w.findAll('[data-half-year]')
    expect(halves.map((h) => h.get('h4').text())).toEqual(['1e helft 2024', '2e helft 2024', '1e helft 2025'])
    expect(halves[0]!.text()).toContain('Nog geen apparaat stuurde cijfers over 1e helft 2024.')
    expect(halves[2]!.findAll('tbody tr')).toHaveLength(1)
  })

  it('speaks English too', async () => {
    const w = await open(['2026-H2'], 'Period 4 (2nd half of 2026)', 'en')
    expect(section(w, 'first-contact').get('h4').text()).toBe('First contact within 14 days')
    expect(rowText(w, 'first-contact', 'wor', 'within-14-days')).toBe('12 of 15 (80%)')
    expect(w.findAll('[data-testid="kpi-breakdown"] option').map((o) => o.text())).toContain("18 to 30 (the plan's target group)")
    expect(w.get('[data-testid="kpi-evidence"]').text()).toContain('30 November 2026 at 11:00')
  })

  it('says so when the figures cannot be read', async () => {
    server.failMeasures = true
    const w = await open()
    expect(w.get('[role="alert"]').text()).toMatch(/^De sturingscijfers zijn niet geladen: /)
    expect(await axeProblems()).toEqual([])
  })
})
