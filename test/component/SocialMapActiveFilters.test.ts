import { mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import { describe, expect, it } from 'vitest'
import SocialMapActiveFilters from '../../src/app/features/socialMap/SocialMapActiveFilters.vue'
import type { Filters } from '../../src/app/features/socialMap/data/protocol'
import nl from '../../src/app/i18n/nl.json'

function render(filters: Filters) {
  const formats = { day: { weekday: 'long', day: 'numeric', month: 'long' } } as const
  const i18n = createI18n({ legacy: false, locale: 'nl', messages: { nl }, datetimeFormats: { nl: formats } })
  return mount(SocialMapActiveFilters, { props: { filters }, global: { plugins: [i18n] } })
}

describe('the filters in force, after an empty result', () => {
  it('names each active filter with a button that removes it', async () => {
    const wrapper = render({ gemeente: 'Boekel', domein: 'mantelzorg', gratis: true, open: '2026-12-01', vorm: 'online' })
    const buttons = wrapper.findAll('button')
    expect(buttons.map((b) => b.text())).toEqual([
      'Gemeente: Boekel weghalen ✕',
      'Onderwerp: Mantelzorg weghalen ✕',
      'Alleen gratis weghalen ✕',
      'Open op een dag: dinsdag 1 december weghalen ✕',
      'Hoe: Online weghalen ✕',
    ])
    await buttons[1]!.trigger('click')
    await buttons[2]!.trigger('click')
    expect(wrapper.emitted('remove')).toEqual([['domein'], ['gratis']])
  })

  it('shows nothing when no filter is on', () => {
    expect(render({}).find('[data-testid="active-filters"]').exists()).toBe(false)
  })
})
