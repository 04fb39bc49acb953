/**
 * The life-domain picture and the case's save state as a person reads them (issue 14).
 * Only Date is faked: Vue needs its real timers.
 */
import { mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import { afterEach, describe, expect, it, vi } from 'vitest'
import LifeDomainChart from '../../src/app/ui/LifeDomainChart.vue'
import CaseSaveState from '../../src/app/features/cases/CaseSaveState.vue'
import nl from '../../src/app/i18n/nl.json'
import proNl from '../../src/app/i18n/pro.nl.json'

const i18n = createI18n({ legacy: false, locale: 'nl', missingWarn: false, fallbackWarn: false, messages: { nl: { ...nl, ...proNl } } })
afterEach(() => vi.useRealTimers())

const texts = {
  title: 'Levensdomeinen: begin en nu',
  baseline: 'Begin',
  current: 'Nu',
  baselineLegend: 'Begin (2 november 2026)',
  scale: '1 = grote zorgen, 5 = gaat goed',
  domain: 'Levensdomein',
  change: 'Verschil',
  summaryItem: (name: string, b: string, n: string) => `${name}: begin ${b}, nu ${n}`,
}

describe('LifeDomainChart', () => {
  const mountChart = () =>
    mount(LifeDomainChart, {
      props: {
        domains: ['geld', 'wonen', 'werk'],
        names: { geld: 'Geldzaken', wonen: 'Wonen', werk: 'Werk en dagbesteding' },
        axisLabels: { geld: 'Geld', wonen: 'Wonen', werk: 'Werk' },
        baseline: { geld: 2, wonen: 4 },
        current: { geld: 4, wonen: 4, werk: 1 },
        texts,
      },
    })

  it('draws one axis per domain, five labelled rings, the baseline broken where a score is missing and now closed', () => {
    const w = mountChart()
    expect(w.findAll('[data-axis]')).toHaveLength(3)
    expect(w.findAll('[data-ring-label]').map((r) => r.text())).toEqual(['1', '2', '3', '4', '5'])
    expect(w.findAll('polyline[data-shape="baseline"]')).toHaveLength(1)
    expect(w.findAll('polygon[data-shape="now"]')).toHaveLength(1)
    expect(w.find('[data-testid="chart-legend"]').text()).toBe('Begin (2 november 2026)Nu')
    expect(w.text()).toContain('1 = grote zorgen, 5 = gaat goed')
  })

  it('says the same in words: a summary for screen readers and a table with the change', () => {
    const w = mountChart()
    expect(w.find('svg[role="img"]').attributes('aria-label')).toBe('Levensdomeinen: begin en nu. Geldzaken: begin 2, nu 4. Wonen: begin 4, nu 4. Werk en dagbesteding: begin —, nu 1')
    const rows = w.findAll('tbody tr').map((r) => r.findAll('th, td').map((c) => c.text()))
    expect(rows).toEqual([
      ['Geldzaken', '2', '4', '+2'],
      ['Wonen', '4', '4', '0'],
      ['Werk en dagbesteding', '—', '1', '—'],
    ])
  })
})

describe('the save state', () => {
  const state = (savedAt: string) => ({ saving: false, savedAt, invalid: [], error: '' as const })
  const text = (savedAt: string) =>
    mount(CaseSaveState, { props: { state: state(savedAt), flush: async () => {} }, global: { plugins: [i18n] } }).find('[data-testid="save-state"]').text()

  it('says the time alone today, and the day with it otherwise, with one "om" (Oss time)', () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2026-11-30T09:00:00Z'))
    expect(text('2026-11-30T02:16:00Z')).toBe('Opgeslagen om 03:16')
    expect(text('2026-11-28T02:16:00Z')).toBe('Opgeslagen op 28 november om 03:16')
  })
})
