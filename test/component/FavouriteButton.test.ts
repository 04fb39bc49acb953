import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createI18n } from 'vue-i18n'
import { describe, expect, it } from 'vitest'
import FavouriteButton from '../../src/app/features/favourites/FavouriteButton.vue'
import { useSocialMapStore } from '../../src/app/features/socialMap/useSocialMapStore'
import nl from '../../src/app/i18n/nl.json'

const id = '3f9c2b9e-8f2d-4c51-9a57-1c1e2d3f4a5b'

function render() {
  const pinia = createPinia()
  setActivePinia(pinia)
  const store = useSocialMapStore()
  // The data worker's answer, without the worker: the store's own bookkeeping of the ids stays real.
  store.toggleFavourite = async (x: string) => {
    const next = new Set(store.favouriteIds)
    const now = !next.has(x)
    if (now) next.add(x)
    else next.delete(x)
    store.favouriteIds = next
    return now
  }
  const i18n = createI18n({ legacy: false, locale: 'nl', messages: { nl } })
  return mount(FavouriteButton, { props: { id, name: 'Wandelgroep Berghem' }, global: { plugins: [pinia, i18n] } })
}

describe('saving a favourite', () => {
  it('turns "Bewaren" into "Bewaard", pressed, and says so in a live region', async () => {
    const wrapper = render()
    const button = wrapper.get('[data-testid="favourite"]')
    const status = wrapper.get('[data-testid="favourite-status"]')
    expect(button.text()).toContain('Bewaren')
    expect(button.attributes('aria-pressed')).toBe('false')
    expect(status.attributes('role')).toBe('status')
    expect(status.text()).toBe('')

    await button.trigger('click')
    await flushPromises()
    expect(button.text()).toContain('Bewaard')
    expect(button.text()).not.toContain('Bewaren')
    expect(button.attributes('aria-pressed')).toBe('true')
    expect(status.text()).toBe('Wandelgroep Berghem staat in je lijstje.')

    await button.trigger('click')
    await flushPromises()
    expect(button.text()).toContain('Bewaren')
    expect(button.attributes('aria-pressed')).toBe('false')
    expect(status.text()).toBe('Wandelgroep Berghem is uit je lijstje gehaald.')
  })
})
