import { mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import { afterEach, describe, expect, it, vi } from 'vitest'
import SocialMapFilters from '../../src/app/features/socialMap/SocialMapFilters.vue'
import type { Filters } from '../../src/app/features/socialMap/data/protocol'
import nl from '../../src/app/i18n/nl.json'

function render(filters: Filters) {
  const i18n = createI18n({ legacy: false, locale: 'nl', messages: { nl } })
  return mount(SocialMapFilters, { props: { filters }, global: { plugins: [i18n] } })
}

const placeSelect = (wrapper: ReturnType<typeof render>) => {
  const label = wrapper.findAll('label').find((l) => l.text() === 'Plaats')!
  return wrapper.get(`#${label.attributes('for')}`)
}

describe('the "Plaats" filter', () => {
  it('groups the villages by municipality before a municipality is chosen', () => {
    const select = placeSelect(render({}))
    const groups = select.findAll('optgroup')
    expect(groups.map((g) => g.attributes('label'))).toEqual(['Gemeente Oss', 'Gemeente Maashorst', 'Gemeente Meierijstad', 'Gemeente Bernheze', 'Gemeente Boekel'])
    expect(groups[4]!.findAll('option').map((o) => o.text())).toEqual(['Boekel', 'Huize Padua', 'Venhorst'])
    // "Alle" stays outside the groups.
    expect(select.findAll(':scope > option').map((o) => o.text())).toEqual(['Alle'])
  })

  it('shows only the chosen municipality\'s villages once one is chosen', () => {
    const select = placeSelect(render({ gemeente: 'Bernheze' }))
    expect(select.findAll('optgroup')).toHaveLength(0)
    expect(select.findAll('option').map((o) => o.text())).toEqual(['Alle', 'Heesch', 'Heeswijk-Dinther', 'Loosbroek', 'Nistelrode', 'Vorstenbosch'])
  })
})

describe('the filters on a phone', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('start closed, counting the filters in force, with none of their fields rendered until opened', async () => {
    vi.stubGlobal('matchMedia', (query: string) => ({ matches: false, media: query, addEventListener() {}, removeEventListener() {} }))
    const wrapper = render({ gemeente: 'Oss', gratis: true })
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
})
