/**
 * The shell says how high its bottom bar is (src/app/shell/ProShell.vue): with the bar there,
 * <html> carries `has-bottom-nav`, which sets --app-bottom-nav-height on a phone; the page's end
 * and the case's save bar (CaseSaveState.vue) keep that much free. No bar (a sign-in page, nobody
 * signed in, the shell gone): no class, so the height is 0 and nothing floats above an empty strip.
 */
import 'fake-indexeddb/auto'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'
import { defineComponent, h } from 'vue'
import { afterEach, describe, expect, it } from 'vitest'
import ProShell from '../../src/app/shell/ProShell.vue'
import { useSessionStore } from '../../src/app/core/useSessionStore'
import type { Me } from '../../src/app/api/auth'
import nl from '../../src/app/i18n/nl.json'
import proNl from '../../src/app/i18n/pro.nl.json'

const root = () => document.documentElement.classList
afterEach(() => root().remove('has-bottom-nav'))

async function shell(opts: { plain?: boolean; signedIn: boolean }) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const session = useSessionStore()
  session.loaded = true
  session.me = opts.signedIn
    ? ({ name: 'Sam', email: 'sam@example.org', secondFactor: true, memberships: [{ organisationId: 'o1', organisationName: 'Welzijn Oss', role: 'sociaal-werker' }] } as unknown as Me)
    : null
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: defineComponent({ render: () => h('p', 'pagina') }) }] })
  await router.push('/werk')
  const i18n = createI18n({ legacy: false, locale: 'nl', missingWarn: false, fallbackWarn: false, messages: { nl: { ...nl, ...proNl } } })
  const wrapper = mount(ProShell, { props: { plain: opts.plain }, global: { plugins: [pinia, router, i18n] } })
  await flushPromises()
  return { wrapper, session }
}

describe("the shell's bottom bar height", () => {
  it('is set on <html> while the bar is shown, and gone when the shell goes', async () => {
    const { wrapper } = await shell({ signedIn: true })
    expect(wrapper.find('[data-testid="pro-nav"]').exists()).toBe(true)
    expect(root().contains('has-bottom-nav')).toBe(true)
    expect(wrapper.find('main').classes()).toContain('pro-main--bar')
    wrapper.unmount()
    expect(root().contains('has-bottom-nav')).toBe(false)
  })

  it('follows signing out, and is never set on a sign-in page', async () => {
    const { wrapper, session } = await shell({ signedIn: true })
    session.me = null
    await flushPromises()
    expect(wrapper.find('[data-testid="pro-nav"]').exists()).toBe(false)
    expect(root().contains('has-bottom-nav')).toBe(false)
    wrapper.unmount()
    const plain = await shell({ plain: true, signedIn: true })
    expect(root().contains('has-bottom-nav')).toBe(false)
    plain.wrapper.unmount()
  })
})
