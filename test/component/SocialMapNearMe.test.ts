/**
 * Near me on the search page (issue 19 point 2): a typed postcode sorts the results by distance
 * and shows it, an unknown place gets a Dutch message, a refused location says so. The search
 * runs the data worker's own code (MapSearch) on the example map; nothing goes over the network.
 */
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import axe from 'axe-core'
import { createPinia, setActivePinia } from 'pinia'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import SocialMapSearchPage from '../../src/app/features/socialMap/SocialMapSearchPage.vue'
import { MapSearch } from '../../src/app/features/socialMap/data/search'
import { readFilters } from '../../src/app/features/socialMap/data/searchFilters'
import { useSocialMapStore } from '../../src/app/features/socialMap/useSocialMapStore'
import { useSearchViewStore } from '../../src/app/features/socialMap/useSearchViewStore'
import { buildExampleMap } from '../../src/server/seed/exampleMap'
import en from '../../src/app/i18n/en.json'
import nl from '../../src/app/i18n/nl.json'

const services = buildExampleMap({ referenceDate: '2026-11-01' })
const mapSearch = new MapSearch()
mapSearch.load(services)

let wrapper: VueWrapper | undefined
let fetchSpy: ReturnType<typeof vi.spyOn>
beforeEach(() => {
  fetchSpy = vi.spyOn(globalThis, 'fetch')
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
  vi.restoreAllMocks()
})

async function renderPage() {
  const pinia = createPinia()
  setActivePinia(pinia)
  const store = useSocialMapStore()
  store.isReady = true
  store.meta = { version: 1, publishedAt: '2026-11-01T10:00:00.000Z', updatedAt: '2026-11-01T10:00:00.000Z', count: services.length }
  const calls: unknown[] = []
  store.search = async (query, raw, limit, lang, near) => {
    calls.push(near)
    const { filters, dropped } = readFilters(raw)
    return { ...mapSearch.search(query, filters, limit, lang, new Date('2026-11-02T10:00:00Z'), near), filters, dropped }
  }
  const i18n = createI18n({ legacy: false, locale: 'nl', missingWarn: false, fallbackWarn: false, messages: { nl, en }, datetimeFormats: { nl: { day: { weekday: 'long', day: 'numeric', month: 'long' } } } })
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', name: 'search', component: SocialMapSearchPage }, { path: '/aanbod/:id', name: 'service', component: { template: '<div />' } }] })
  await router.push('/?q=wandelgroep')
  await router.isReady()
  wrapper = mount({ template: '<RouterView />' }, { global: { plugins: [i18n, router, pinia] }, attachTo: document.body })
  await flushPromises()
  return { w: wrapper, calls, view: useSearchViewStore() }
}

const villagesShown = (w: VueWrapper) => w.findAll('.result').map((li) => li.get('.result__meta').text())

async function typePlace(w: VueWrapper, place: string) {
  await w.get('#near-me-place').setValue(place)
  await w.get('.near-me form').trigger('submit')
  // The centroid table is loaded on first use (a dynamic import).
  await vi.waitFor(async () => {
    await flushPromises()
    expect(w.find('.near-me [role="alert"]').exists() || w.find('.near-me__status').exists()).toBe(true)
  })
  await flushPromises()
}

describe('near me on the search page', () => {
  it('sorts by distance from a typed postcode, nearest first, and shows "1,2 km"-style distances', async () => {
    const { w, calls, view } = await renderPage()
    expect(villagesShown(w)[0]).not.toContain('Uden')
    await typePlace(w, '5401 AB')
    expect(view.origin).toMatchObject({ label: '5401 (Uden)', source: 'typed' })
    expect(calls.at(-1)).toEqual({ lat: view.origin!.lat, lon: view.origin!.lon })
    const first = villagesShown(w)[0]!
    expect(first).toMatch(/^\d+,\d km/)
    expect(first).toContain('Uden')
    const km = w.findAll('.result__distance').map((s) => Number(s.text().replace(' km', '').replace(',', '.')))
    expect(km.length).toBeGreaterThan(3)
    expect(km).toEqual([...km].sort((a, b) => a - b))
    expect(w.get('.near-me').text()).toContain('De resultaten staan op afstand van 5401 (Uden), dichtbij eerst.')
    // Computed here: no request was made for it.
    expect(fetchSpy).not.toHaveBeenCalled()
    const result = await axe.run(w.element, { rules: { 'color-contrast': { enabled: false }, region: { enabled: false } } })
    expect(result.violations.map((v) => v.id)).toEqual([])

    await w.get('.near-me button').trigger('click')
    await flushPromises()
    expect(view.origin).toBeNull()
    expect(w.find('.result__distance').exists()).toBe(false)
  })

  it('says in Dutch which place it does not know, and keeps the list as it was', async () => {
    const { w, view } = await renderPage()
    const before = villagesShown(w)
    await typePlace(w, 'Amsterdam')
    expect(w.get('.near-me [role="alert"]').text()).toBe('“Amsterdam” kennen we niet. Typ een postcode (bijvoorbeeld 5341) of een plaats in de regio, zoals Uden of Heesch.')
    expect(w.get('#near-me-place').attributes('aria-invalid')).toBe('true')
    expect(view.origin).toBeNull()
    // The same order (the list may have grown meanwhile: the rest renders in idle time, useProgressiveList.ts).
    expect(villagesShown(w).slice(0, before.length)).toEqual(before)
    await typePlace(w, '1012')
    expect(w.get('.near-me [role="alert"]').text()).toMatch(/^Postcode 1012 kennen we niet\./)
  })

  it('asks the phone only when the button is pressed, and says so when the location is refused', async () => {
    const getCurrentPosition = vi.fn((_ok: PositionCallback, fail?: PositionErrorCallback | null) =>
      fail?.({ code: 1, PERMISSION_DENIED: 1, POSITION_UNAVAILABLE: 2, TIMEOUT: 3, message: 'denied' } as GeolocationPositionError),
    )
    Object.defineProperty(navigator, 'geolocation', { value: { getCurrentPosition }, configurable: true })
    const { w, view } = await renderPage()
    expect(getCurrentPosition).not.toHaveBeenCalled()
    await w.findAll('.near-me button').find((b) => b.text() === 'Gebruik mijn locatie')!.trigger('click')
    await flushPromises()
    expect(getCurrentPosition).toHaveBeenCalledOnce()
    expect(w.get('.near-me [role="alert"]').text()).toBe('Je telefoon geeft je locatie niet door. Typ je postcode of plaats.')
    expect(view.origin).toBeNull()
  })

  it('sorts from the phone’s position when it is given', async () => {
    const heesch = { latitude: 51.733, longitude: 5.531 }
    Object.defineProperty(navigator, 'geolocation', { value: { getCurrentPosition: (ok: PositionCallback) => ok({ coords: heesch } as GeolocationPosition) }, configurable: true })
    const { w, view } = await renderPage()
    await w.findAll('.near-me button').find((b) => b.text() === 'Gebruik mijn locatie')!.trigger('click')
    await flushPromises()
    expect(view.origin).toMatchObject({ lat: 51.733, lon: 5.531, label: 'je locatie', source: 'device' })
    expect(villagesShown(w)[0]).toContain('Heesch')
  })
})
