import { mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import { describe, expect, it } from 'vitest'
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
