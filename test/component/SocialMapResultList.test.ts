import { mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import SocialMapResultList from '../../src/app/features/socialMap/SocialMapResultList.vue'
import { CHUNK_BUDGET_MS, FIRST_CHUNK, MAX_CHUNK, chunkSize } from '../../src/app/features/socialMap/useProgressiveList'
import type { ServiceSummary } from '../../src/app/features/socialMap/data/protocol'
import en from '../../src/app/i18n/en.json'
import nl from '../../src/app/i18n/nl.json'

const item: ServiceSummary = {
  id: '3f9c2b9e-8f2d-4c51-9a57-1c1e2d3f4a5b',
  name: 'Wandelgroep Berghem',
  nameLang: 'nl',
  villages: ['Berghem'],
  domains: ['lichamelijke-gezondheid', 'sociaal-netwerk'],
  isFree: true,
  isOpenNow: true,
  online: false,
  next: { date: '2099-12-01', opensAt: '10:00', closesAt: '11:30' },
}

function render(locale: 'nl' | 'en', items: ServiceSummary[] = [item]) {
  const i18n = createI18n({ legacy: false, locale, messages: { nl, en }, datetimeFormats: { nl: { day: { weekday: 'long', day: 'numeric', month: 'long' } }, en: { day: { weekday: 'long', day: 'numeric', month: 'long' } } } })
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: { template: '<div />' } }, { path: '/aanbod/:id', name: 'service', component: { template: '<div />' } }] })
  return mount(SocialMapResultList, { props: { items }, global: { plugins: [i18n, router] } })
}

describe('a result in the list', () => {
  it('carries the HSDS id, links to the detail page and shows place, free, open now and the next time', () => {
    const wrapper = render('nl')
    const li = wrapper.get(`[data-service-id="${item.id}"]`)
    expect(li.get('a').attributes('href')).toBe(`/aanbod/${item.id}`)
    expect(li.text()).toContain('Berghem')
    expect(li.text()).toContain('Gratis')
    expect(li.text()).toContain('Nu open')
    expect(li.text()).toMatch(/Volgende keer: dinsdag 1 december 10:00–11:30/)
    expect(li.text()).toContain('Lichamelijke gezondheid · Sociaal netwerk')
  })

  it("shows the day the data worker wrote, or today, for the next time", () => {
    expect(render('nl', [{ ...item, nextDay: { label: 'woensdag 2 december' } }]).text()).toMatch(/Volgende keer: woensdag 2 december 10:00–11:30/)
    expect(render('nl', [{ ...item, nextDay: { today: true } }]).text()).toMatch(/Volgende keer: vandaag 10:00–11:30/)
  })

  it('speaks English when the resident switched', () => {
    const text = render('en').text()
    expect(text).toContain('Free')
    expect(text).toContain('Open now')
    expect(text).toContain('Physical health · Social network')
  })

  it('says "Altijd open" for a round-the-clock service instead of "vandaag 00:00–24:00"', () => {
    const always: ServiceSummary = { ...item, next: { date: '2099-12-01', opensAt: '00:00', closesAt: '24:00', isAlwaysOpen: true } }
    const nlText = render('nl', [always]).text()
    expect(nlText).toContain('Altijd open')
    expect(nlText).not.toContain('00:00')
    expect(render('en', [always]).text()).toContain('Always open')
  })
})

describe('chunkSize', () => {
  it('is one result before anything is measured, then what fits in the budget, between one and the most', () => {
    expect(chunkSize(undefined)).toBe(1)
    expect(chunkSize(CHUNK_BUDGET_MS * 2)).toBe(1)
    expect(chunkSize(CHUNK_BUDGET_MS / 3)).toBe(3)
    expect(chunkSize(0)).toBe(MAX_CHUNK)
  })
})

describe('a long result list', () => {
  afterEach(() => vi.useRealTimers())
  const many = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ ...item, id: `id-${from + i}`, name: `Activiteit ${from + i}` }))

  it('renders the first few at once and the rest in later, idle tasks, never all in one go', async () => {
    vi.useFakeTimers()
    const wrapper = render('nl', many(30))
    expect(wrapper.findAll('[data-service-id]')).toHaveLength(FIRST_CHUNK)
    await vi.advanceTimersToNextTimerAsync()
    // The first later chunk is one result: how long a result takes on this phone is not known yet.
    expect(wrapper.findAll('[data-service-id]')).toHaveLength(FIRST_CHUNK + 1)
    await vi.runAllTimersAsync()
    expect(wrapper.findAll('[data-service-id]')).toHaveLength(30)
  })

  it('does not render a result again when the next chunk arrives (each chunk costs its own results only)', async () => {
    vi.useFakeTimers()
    const items = many(30)
    const wrapper = render('nl', items)
    // Changed in place, unseen by Vue: a result rendered again would show the new name.
    items[0]!.name = 'Anders genoemd'
    await vi.advanceTimersToNextTimerAsync()
    await vi.advanceTimersToNextTimerAsync()
    expect(wrapper.findAll('[data-service-id]').length).toBeGreaterThan(FIRST_CHUNK + 1)
    expect(wrapper.get('[data-service-id="id-0"]').text()).toContain('Activiteit 0')
  })

  /** How many results show after each idle task when rendering a chunk seems to take `msPerChunk` on this phone. */
  async function growth(msPerChunk: number, total: number): Promise<number[]> {
    vi.useFakeTimers()
    let clock = 0
    // The list reads the clock before a chunk and after Vue rendered it: each reading moves it on by a chunk's time.
    vi.spyOn(performance, 'now').mockImplementation(() => (clock += msPerChunk))
    const wrapper = render('nl', many(total))
    const counts: number[] = []
    while (counts.at(-1) !== total && counts.length < 40) {
      await vi.advanceTimersToNextTimerAsync()
      counts.push(wrapper.findAll('[data-service-id]').length)
    }
    vi.restoreAllMocks()
    return counts
  }

  it('sizes each later chunk by how long the last one took on this phone: one at a time on a slow phone, more on a fast one', async () => {
    // A slow phone: one result takes longer than a chunk's budget.
    expect(await growth(CHUNK_BUDGET_MS * 3, 10)).toEqual([6, 7, 8, 9, 10])
    // A fast one: a result in a fifth of the budget, then five in a chunk, then the most a chunk holds.
    expect(await growth(CHUNK_BUDGET_MS / 5, 30)).toEqual([6, 11, 11 + MAX_CHUNK, 11 + 2 * MAX_CHUNK, 30])
  })

  it('keeps what it shows when the same results come again or grow ("Meer tonen"), and starts over for new ones', async () => {
    vi.useFakeTimers()
    const wrapper = render('nl', many(30))
    await vi.runAllTimersAsync()
    await wrapper.setProps({ items: [...many(30), ...many(30, 30)] })
    await flushPromises()
    expect(wrapper.findAll('[data-service-id]')).toHaveLength(30)
    await wrapper.setProps({ items: many(30, 100) })
    expect(wrapper.findAll('[data-service-id]')).toHaveLength(FIRST_CHUNK)
  })
})
