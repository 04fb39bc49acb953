/**
 * ui/PageLink.vue: a link to one of the app's pages by its path, without the router resolving it on every render
 * (docs/performance.md, "Links that need no resolving"). It must do for a person what RouterLink did: a real address
 * for the browser, a plain click through the router, a modified click left to the browser, the page shown marked.
 */
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { describe, expect, it } from 'vitest'
import PageLink from '../../src/app/ui/PageLink.vue'
import { servicePath } from '../../src/app/shell/pagePaths'

async function setUp(at: string | null = '/') {
  const page = { template: '<div />' }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'search', component: page },
      { path: '/over', name: 'about', component: page },
      { path: '/aanbod/:id', name: 'service', component: page },
    ],
  })
  if (at !== null) await router.push(at)
  const wrapper = mount({ components: { PageLink }, template: '<nav><PageLink to="/">Zoeken</PageLink><PageLink to="/over" class="x">Over</PageLink></nav>' }, { global: { plugins: [router] }, attachTo: document.body })
  return { router, wrapper, links: () => wrapper.findAll('a') }
}

describe('a page link', () => {
  it('is a real link with the address, its own attributes kept', async () => {
    const { links, wrapper } = await setUp()
    expect(links().map((a) => a.attributes('href'))).toEqual(['/', '/over'])
    expect(links()[1]!.classes()).toContain('x')
    wrapper.unmount()
  })

  it('marks the page shown with aria-current="page", and follows a plain click through the router', async () => {
    const { router, links, wrapper } = await setUp('/')
    expect(links().map((a) => a.attributes('aria-current') ?? null)).toEqual(['page', null])
    const click = new MouseEvent('click', { bubbles: true, cancelable: true, button: 0 })
    links()[1]!.element.dispatchEvent(click)
    await flushPromises()
    expect(click.defaultPrevented).toBe(true)
    expect(router.currentRoute.value.name).toBe('about')
    expect(links().map((a) => a.attributes('aria-current') ?? null)).toEqual([null, 'page'])
    wrapper.unmount()
  })

  it('marks no page before the router has resolved the first one (its start location is "/")', async () => {
    const { links, wrapper } = await setUp(null)
    expect(links().map((a) => a.attributes('aria-current') ?? null)).toEqual([null, null])
    wrapper.unmount()
  })

  it('leaves a click with a modifier key or another button to the browser (a new tab, a new window)', async () => {
    const { router, links, wrapper } = await setUp('/')
    for (const init of [{ ctrlKey: true }, { metaKey: true }, { shiftKey: true }, { altKey: true }, { button: 1 }]) {
      const click = new MouseEvent('click', { bubbles: true, cancelable: true, button: 0, ...init })
      links()[1]!.element.dispatchEvent(click)
      await flushPromises()
      expect(click.defaultPrevented).toBe(false)
      expect(router.currentRoute.value.name).toBe('search')
    }
    wrapper.unmount()
  })

  it("builds a service's address the router reads back as that service, whatever the id holds", async () => {
    const { router, wrapper } = await setUp()
    for (const id of ['3f9c2b9e-8f2d-4c51-9a57-1c1e2d3f4a5b', 'a/b?c#d e']) {
      const found = router.resolve(servicePath(id))
      expect([found.name, found.params.id]).toEqual(['service', id])
    }
    wrapper.unmount()
  })
})
