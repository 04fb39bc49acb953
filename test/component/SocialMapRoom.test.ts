/**
 * Room on a listing (issue 19 point 3): the resident's page and result badge on a fixed clock
 * ("3 van 12 vrij · bijgewerkt 2 dagen geleden", "Vol", "Mogelijk verouderd" past 14 days), and
 * the editors' phone form with its Dutch errors next to the fields. Each passes axe.
 */
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import axe from 'axe-core'
import { createPinia, setActivePinia } from 'pinia'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import MapEditorRoomForm from '../../src/app/features/mapEditor/MapEditorRoomForm.vue'
import MapEditorServicePage from '../../src/app/features/mapEditor/MapEditorServicePage.vue'
import MapEditorOwnServicesPage from '../../src/app/features/mapEditor/MapEditorOwnServicesPage.vue'
import { useSessionStore } from '../../src/app/core/useSessionStore'
import { buildExampleMap } from '../../src/server/seed/exampleMap'
import SocialMapRoom from '../../src/app/features/socialMap/SocialMapRoom.vue'
import SocialMapRoomBadge from '../../src/app/features/socialMap/SocialMapRoomBadge.vue'
import type { ServiceCapacity } from '../../src/shared/socialMap/hsds'
import en from '../../src/app/i18n/en.json'
import nl from '../../src/app/i18n/nl.json'
import proEn from '../../src/app/i18n/pro.en.json'
import proNl from '../../src/app/i18n/pro.nl.json'

const capacity = (available: number, updated: string, extra: Partial<ServiceCapacity> = {}): ServiceCapacity => ({
  id: '8896b788-7b3e-41ef-8db9-7f3d040352b3',
  unit: { id: '5a1d0001-0000-4000-8000-000000000001', name: 'plek' },
  available,
  maximum: 12,
  updated,
  ...extra,
})

let wrapper: VueWrapper | undefined
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date('2026-11-22T09:00:00Z'))
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
  vi.useRealTimers()
})

function render<P extends Record<string, unknown>>(component: Parameters<typeof mount>[0], props: P, locale: 'nl' | 'en' = 'nl') {
  const i18n = createI18n({ legacy: false, locale, missingWarn: false, fallbackWarn: false, messages: { nl: { ...nl, ...proNl }, en: { ...en, ...proEn } } })
  wrapper = mount(component, { props, global: { plugins: [i18n, createPinia()] }, attachTo: document.body })
  return wrapper
}
const axeProblems = async (w: VueWrapper) => {
  const result = await axe.run(w.element, { rules: { 'color-contrast': { enabled: false }, region: { enabled: false } } })
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(', ')}`)
}

describe('room on the resident’s page', () => {
  it('shows free places of the total with the age, and the waiting time', async () => {
    const w = render(SocialMapRoom, { capacity: capacity(3, '2026-11-20T10:00:00Z', { description: 'Plekken in de werkplaats' }), waitTime: 'Ongeveer 3 weken.' })
    expect(w.get('h2').text()).toBe('Plek en wachttijd')
    expect(w.get('[data-testid="room"]').text()).toBe('Plek: 3 van 12 vrij · bijgewerkt 2 dagen geleden')
    expect(w.text()).toContain('Plekken in de werkplaats')
    expect(w.get('[data-testid="wait-time"]').text()).toBe('Wachttijd: Ongeveer 3 weken.')
    expect(await axeProblems(w)).toEqual([])
  })

  it('says "vol" at 0, and "vandaag" for a figure of today', () => {
    expect(render(SocialMapRoom, { capacity: capacity(0, '2026-11-22T07:00:00Z') }).get('[data-testid="room"]').text()).toBe('Plek: vol · bijgewerkt vandaag')
  })

  it('shows a figure older than 14 days as possibly out of date, with the day it was true', async () => {
    const w = render(SocialMapRoom, { capacity: capacity(3, '2026-11-07T10:00:00Z') })
    expect(w.get('[data-testid="room"]').text()).toBe('Plek: mogelijk verouderd. Op 7 november was het: 3 van 12 vrij. Dat is meer dan 14 dagen geleden. Bel even of er plek is.')
    expect(w.text()).not.toMatch(/bijgewerkt/)
    expect(await axeProblems(w)).toEqual([])
  })

  it('speaks English, and names another unit', () => {
    const w = render(SocialMapRoom, { capacity: capacity(2, '2026-11-21T10:00:00Z', { unit: { id: '187a37a2-7b40-41ef-9790-dbf7623d4407', name: 'bedden' } }) }, 'en')
    expect(w.get('[data-testid="room"]').text()).toBe('Bedden: 2 of 12 free · updated yesterday')
  })

  it('shows nothing without room or waiting time', () => {
    expect(render(SocialMapRoom, {}).find('section').exists()).toBe(false)
  })
})

describe('the room badge in a result', () => {
  it('"3 van 12 vrij" and "Vol", named for a screen reader; none for a stale figure', () => {
    const free = render(SocialMapRoomBadge, { room: { available: 3, maximum: 12, updated: '2026-11-20T10:00:00Z', unit: 'plek' } })
    expect(free.text()).toBe('Plek: 3 van 12 vrij')
    expect(free.get('.visually-hidden').text()).toBe('Plek:')
    wrapper!.unmount()
    expect(render(SocialMapRoomBadge, { room: { available: 0, updated: '2026-11-20T10:00:00Z', unit: 'plek' } }).text()).toBe('Plek: Vol')
    wrapper!.unmount()
    expect(render(SocialMapRoomBadge, { room: { available: 3, updated: '2026-11-01T10:00:00Z', unit: 'plek' } }).find('[data-testid="room-badge"]').exists()).toBe(false)
  })
})

describe('the editors’ room form', () => {
  const SERVICE = '3f9c2b9e-8f2d-4c51-9a57-1c1e2d3f4a5b'

  it('shows the figure on the map and fills the fields with it', () => {
    const w = render(MapEditorRoomForm, { serviceId: SERVICE, capacity: capacity(3, '2026-11-20T10:00:00Z') })
    expect(w.text()).toContain('Nu op de kaart: 3 van 12 vrij, bijgewerkt 2 dagen geleden.')
    expect((w.get('input[inputmode="numeric"]').element as HTMLInputElement).value).toBe('3')
  })

  it('says in Dutch, next to the field, what is wrong, before anything is sent; passes axe', async () => {
    const fetch = vi.fn()
    vi.stubGlobal('fetch', fetch)
    try {
      const w = render(MapEditorRoomForm, { serviceId: SERVICE })
      const [available, maximum] = w.findAll('input')
      await available!.setValue('')
      await w.get('form').trigger('submit')
      expect(w.text()).toContain('Vul dit in.')
      expect(available!.attributes('aria-invalid')).toBe('true')
      await available!.setValue('-2')
      await w.get('form').trigger('submit')
      expect(w.text()).toContain('Vul een heel getal in: 0 of meer.')
      await available!.setValue('13')
      await maximum!.setValue('12')
      await w.get('form').trigger('submit')
      expect(w.text()).toContain('Er kunnen niet meer plekken vrij zijn dan er in totaal zijn.')
      const errorId = available!.attributes('aria-describedby')!
      expect(w.get(`#${errorId}`).text()).toBe('Er kunnen niet meer plekken vrij zijn dan er in totaal zijn.')
      expect(fetch).not.toHaveBeenCalled()
      expect(await axeProblems(w)).toEqual([])
    } finally {
      vi.unstubAllGlobals()
    }
  })
})

describe('the room form on a listing from "Ons aanbod"', () => {
  const ORG = '5f607182-93a4-4ebf-8031-4c5d6e7f8091'
  const listing = { ...buildExampleMap({ referenceDate: '2026-11-01' }).find((s) => s.capacities?.length)! }
  const asMember = async (role: 'sociaal-werker' | 'beheerder' | 'huisarts') => {
    // The server's answer to GET /api/map/own-services (the listing is this organisation's).
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ services: [listing] }), { status: 200, headers: { 'Content-Type': 'application/json' } })))
    const pinia = createPinia()
    setActivePinia(pinia)
    useSessionStore().me = { id: 'u', email: 'a@b.example', name: 'A', secondFactor: true, totpEnabled: true, memberships: [{ organisationId: ORG, organisationName: 'ONS welzijn', role, isRegion: false }], csrfToken: 'x', device: null }
    const i18n = createI18n({ legacy: false, locale: 'nl', missingWarn: false, fallbackWarn: false, messages: { nl: { ...nl, ...proNl }, en: { ...en, ...proEn } } })
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div />' } }] })
    wrapper = mount(MapEditorServicePage, { props: { id: listing.id, propose: true }, global: { plugins: [i18n, pinia, router] }, attachTo: document.body })
    await flushPromises()
    return wrapper
  }
  afterEach(() => vi.unstubAllGlobals())

  it('is there for the team that runs it (social worker, beheerder), filled with the figure on the map', async () => {
    for (const role of ['sociaal-werker', 'beheerder'] as const) {
      const w = await asMember(role)
      expect(w.find('#room-form-heading').text()).toBe('Plek')
      expect((w.get('.room-form input').element as HTMLInputElement).value).toBe(String(listing.capacities![0]!.available))
      w.unmount()
      wrapper = undefined
    }
  })

  it('the list of the organisation’s listings shows each one’s room as residents read it', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ services: [{ ...listing, capacities: [capacity(0, '2026-11-21T10:00:00Z')] }] }), { status: 200, headers: { 'Content-Type': 'application/json' } })))
    const i18n = createI18n({ legacy: false, locale: 'nl', missingWarn: false, fallbackWarn: false, messages: { nl: { ...nl, ...proNl }, en: { ...en, ...proEn } } })
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div />' } }] })
    wrapper = mount(MapEditorOwnServicesPage, { global: { plugins: [i18n, createPinia(), router] }, attachTo: document.body })
    await flushPromises()
    expect(wrapper.get(`[data-service-id="${listing.id}"] .result__meta`).text()).toBe('Plek: vol · bijgewerkt gisteren')
    expect(await axeProblems(wrapper)).toEqual([])
  })

  it('is not there for the organisation’s GP, who may still propose changes', async () => {
    const w = await asMember('huisarts')
    expect(w.find('.room-form').exists()).toBe(false)
    expect(w.text()).toContain('Voorstel versturen')
  })
})
