import { mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import { nextTick } from 'vue'
import { afterEach, describe, expect, it, vi } from 'vitest'
import SocialMapFilters from '../../src/app/features/socialMap/SocialMapFilters.vue'
import type { Filters } from '../../src/app/features/socialMap/data/protocol'
import nl from '../../src/app/i18n/nl.json'

/** Mounted, and opened where the screen is wide (the component opens after its first render). */
async function render(filters: Filters) {
  const i18n = createI18n({ legacy: false, locale: 'nl', messages: { nl } })
  const wrapper = mount(SocialMapFilters, { props: { filters }, global: { plugins: [i18n] } })
  await nextTick()
  return wrapper
}

const placeSelect = (wrapper: Awaited<ReturnType<typeof render>>) => {
  const label = wrapper.findAll('label').find((l) => l.text() === 'Plaats')!
  return wrapper.get(`#${label.attributes('for')}`)
}

describe('the "Plaats" filter', () => {
  it('groups the villages by municipality before a municipality is chosen', async () => {
    const select = placeSelect(await render({}))
    const groups = select.findAll('optgroup')
    expect(groups.map((g) => g.attributes('label'))).toEqual(['Gemeente Oss', 'Gemeente Maashorst', 'Gemeente Meierijstad', 'Gemeente Bernheze', 'Gemeente Boekel'])
    expect(groups[4]!.findAll('option').map((o) => o.text())).toEqual(['Boekel', 'Huize Padua', 'Venhorst'])
    // "Alle" stays outside the groups.
    expect(select.findAll(':scope > option').map((o) => o.text())).toEqual(['Alle'])
  })

  it('shows only the chosen municipality\'s villages once one is chosen', async () => {
    const select = placeSelect(await render({ gemeente: 'Bernheze' }))
    expect(select.findAll('optgroup')).toHaveLength(0)
    expect(select.findAll('option').map((o) => o.text())).toEqual(['Alle', 'Heesch', 'Heeswijk-Dinther', 'Loosbroek', 'Nistelrode', 'Vorstenbosch'])
  })
})

describe('the filters as a disclosure', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('start closed, counting the filters in force, with none of their fields rendered until opened', async () => {
    vi.stubGlobal('matchMedia', (query: string) => ({ matches: false, media: query, addEventListener() {}, removeEventListener() {} }))
    const wrapper = await render({ gemeente: 'Oss', gratis: true })
    const details = wrapper.get('details')
    expect(details.attributes('open')).toBeUndefined()
    expect(wrapper.get('summary').text()).toBe('Filters (2 actief)')
    expect(wrapper.findAll('select')).toHaveLength(0)
    ;(details.element as HTMLDetailsElement).open = true
    await details.trigger('toggle')
    expect(wrapper.findAll('select').length).toBeGreaterThan(4)
    await wrapper.get('[data-testid="show-results"]').trigger('click')
    expect(wrapper.emitted('showResults')).toHaveLength(1)
    expect(details.attributes('open')).toBeUndefined()
  })

  it('opens on a wide screen only once mounted: its first render is the closed one rendered at build time, which the app hydrates', async () => {
    vi.stubGlobal('matchMedia', (query: string) => ({ matches: true, media: query, addEventListener() {}, removeEventListener() {} }))
    const i18n = createI18n({ legacy: false, locale: 'nl', messages: { nl } })
    const wrapper = mount(SocialMapFilters, { props: { filters: {} }, global: { plugins: [i18n] } })
    expect(wrapper.get('details').attributes('open')).toBeUndefined()
    await nextTick()
    expect(wrapper.get('details').attributes('open')).toBe('')
    expect(wrapper.findAll('select').length).toBeGreaterThan(4)
  })
})
