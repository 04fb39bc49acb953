/**
 * The period report (KpiReportPage.vue; issue 18 point 6): for an accountability period (or one
 * half-year) the page a financier reads — its name as the programme says it, who was reached per
 * intervention, the process KPIs and end results, all suppressed because the report leaves the
 * programme team, no breakdown by organisation, what the figures rest on with each evidence file's
 * digest (or why it is missing), and a print button. Hand-counted from the stand-in server's fixed
 * answer (kpiMeasuresServer.ts). Each state passes axe.
 */
import { mount, RouterLinkStub, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import KpiReportPage from '../../src/app/features/kpi/KpiReportPage.vue'
import { axeProblems, cell, fakeFetch, i18n, resetServer, sent, server, settle } from './kpiMeasuresServer'

let mounted: VueWrapper | undefined
const DIGEST = 'ab'.repeat(32)
const totals = (intervention: string, municipality: string, referred: number, included: number, completed: number) => ({ intervention, municipality, referrerType: 'huisarts', referred, included, completed, includedCumulative: included })

async function open(period = 'p4') {
  mounted = mount(KpiReportPage, { props: { period }, global: { plugins: [i18n()], stubs: { RouterLink: RouterLinkStub } }, attachTo: document.body })
  await settle()
  return mounted
}
const rowText = (w: VueWrapper, s: string, group: string, bucket: string) => w.get(`[data-section="${s}"] tbody[data-group="${group}"] tr[data-bucket="${bucket}"] td`).text().trim()

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date('2026-12-01T10:00:00Z'))
  resetServer()
  // Welzijn op Recept: Oss 12 referred, 3 reached, 0 done; Boekel 4, 4, 1 → 16, 7, 1. Verkennend Gesprek: 2 referred.
  server.totals['2026-H2'] = [totals('wor', 'Oss', 12, 3, 0), totals('wor', 'Boekel', 4, 4, 1), totals('vg', 'Oss', 2, 0, 0)]
  server.digests['2026-H2'] = DIGEST
  vi.stubGlobal('fetch', fakeFetch)
})
afterEach(() => {
  mounted?.unmount()
  mounted = undefined
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

describe('the period report', () => {
  it('names the period as the programme does and says what it covers, when it is reported and when it was made', async () => {
    const w = await open()
    expect(w.get('h1').text()).toBe('Rapport Periode 4 (2e helft 2026)')
    expect(w.get('header').text()).toContain('Over: 2e helft 2026. Verantwoording in januari 2027. Gemaakt op 1 december 2026.')
    expect(w.text()).not.toMatch(/20\d\d-H[12]|pro\.kpi/)
  })

  it('shows who was reached per intervention, small numbers as <5', async () => {
    const w = await open()
    const wor = w.get('[data-intervention="wor"]').findAll('th, td').map((c) => c.text())
    expect(wor).toEqual(['Welzijn op Recept', '16', '7', '<5'])
    expect(w.get('[data-intervention="vg"]').findAll('td').map((c) => c.text())).toEqual(['<5', '0', '0'])
  })

  it('shows the process KPIs and end results as outside the programme team, for the region only', async () => {
    const w = await open()
    expect(w.get('[data-testid="kpi-report-note"]').text()).toContain('Aantallen van 1 tot en met 4 staan als <5.')
    // 12 within 14 days, 3 later: the 3 is small, so the total (15) and the shares go too.
    expect(rowText(w, 'first-contact', 'wor', 'within-14-days')).toBe('12')
    expect(rowText(w, 'first-contact', 'wor', 'later')).toBe('<5')
    expect(rowText(w, 'gp-feedback', 'wor', 'given')).toBe('5 van 10 (50%)')
    // A GP after: Boekel's 3, small.
    expect(w.get('[data-section="support"] tr[data-row="huisarts"]').findAll('td').map((c) => c.text())).toEqual(['7', '<5'])
    // No choice of breakdown, no switch, no organisation's figures.
    expect(w.find('select').exists()).toBe(false)
    expect(w.find('input').exists()).toBe(false)
    expect(await axeProblems()).toEqual([])
  })

  it('says what the figures rest on, with the evidence file’s digest and no download button', async () => {
    const w = await open()
    const evidence = w.get('[data-testid="kpi-evidence"]')
    expect(evidence.get('h2').text()).toBe('Waar de cijfers op rusten')
    expect(evidence.text()).toContain('Welzijn Oss')
    expect(evidence.get('[data-testid="evidence-digest"]').text()).toBe(`Vingerafdruk (SHA-256) van het bewijsbestand over 2e helft 2026: ${DIGEST}`)
    expect(evidence.find('[data-testid="evidence-download"]').exists()).toBe(false)
  })

  it('still reports when an evidence file cannot be loaded, and says why the digest is missing', async () => {
    delete server.digests['2026-H2']
    const w = await open()
    expect(w.get('[data-testid="evidence-digest"]').text()).toMatch(/^Het bewijsbestand kon niet worden geladen: /)
    expect(rowText(w, 'gp-feedback', 'wor', 'given')).toBe('5 van 10 (50%)')
    expect(await axeProblems()).toEqual([])
  })

  it('prints through the browser, with the tools marked as not for print', async () => {
    // happy-dom has no print dialog: the browser's stands in.
    const print = vi.fn()
    vi.stubGlobal('print', print)
    const w = await open()
    const button = w.get('.kpi-report__tools button')
    expect(button.text()).toBe('Afdrukken of opslaan als pdf')
    expect(w.get('.kpi-report__tools').classes()).toContain('no-print')
    await button.trigger('click')
    expect(print).toHaveBeenCalledOnce()
  })

  it('adds up every half-year of period 1, with a digest per half-year', async () => {
    server.measures['2024-H2'] = { rows: [cell('plan', 'with-plan', 4)], contributions: [] }
    server.measures['2025-H1'] = { rows: [cell('plan', 'with-plan', 3), cell('plan', 'without-plan', 6)], contributions: [] }
    server.totals['2025-H1'] = [totals('sa', 'Oss', 9, 5, 0)]
    for (const h of ['2024-H1', '2024-H2', '2025-H1']) server.digests[h] = h.endsWith('H1') ? 'cd'.repeat(32) : 'ef'.repeat(32)
    const w = await open('p1')
    expect(w.get('h1').text()).toBe('Rapport Periode 1 (t/m juni 2025)')
    expect(sent.filter((u) => u.startsWith('/api/kpi/evidence'))).toHaveLength(3)
    // 4 + 3 with a plan, 6 without: 7 of 13.
    expect(rowText(w, 'plan', 'wor', 'with-plan')).toBe('7 van 13 (54%)')
    expect(w.get('[data-intervention="sa"]').findAll('td').map((c) => c.text())).toEqual(['9', '5', '0'])
    expect(w.findAll('[data-testid="evidence-digest"]')).toHaveLength(3)
  })

  it('takes one half-year too, and says so when the period does not exist', async () => {
    const w = await open('2026-H2')
    expect(w.get('h1').text()).toBe('Rapport 2e helft 2026')
    expect(rowText(w, 'gp-feedback', 'wor', 'given')).toBe('5 van 10 (50%)')
    mounted!.unmount()
    const none = await open('p9')
    expect(none.get('[role="alert"]').text()).toBe('Er is geen periode p9. Kies een periode op de pagina Inclusie en KPI\'s.')
    expect(await axeProblems()).toEqual([])
  })
})
