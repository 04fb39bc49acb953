/**
 * The resident's plan page (/mijn-plan/:id#<key>; docs/resident-plan.md "On the resident's phone")
 * under attack and failure: the key leaves the address bar, the router and the history entry (also
 * when the link is opened again in the same tab); a server that fails without saying the link is
 * gone (busy, a Wi-Fi login page, a 404 that is not ours, an answer that does not open) shows the
 * plan kept on the phone and forgets nothing; a server that answers an older version of the plan
 * does not replace the newer one the phone holds; an expired plan of another link does not stay on
 * the phone. `fetch` is stood in for the server's answers only; the sealing is the real one.
 */
import { flushPromises, mount } from '@vue/test-utils'
import axe from 'axe-core'
import { defineComponent, h } from 'vue'
import { createI18n } from 'vue-i18n'
import { createRouter, createWebHistory, RouterView } from 'vue-router'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import ResidentPlanPage from '../../src/app/features/residentPlan/ResidentPlanPage.vue'
import { forgetExpiredResidentPlans, storedResidentPlan, storeResidentPlan } from '../../src/app/features/residentPlan/residentPlanStore'
import { LOCAL_KEYS } from '../../src/app/core/storageNames'
import { randomSecret, residentPlanOf, sealResidentPlan } from '../../src/shared/cases/residentPlan'
import { fullCase } from '../unit/recordDocFixtures'
import nl from '../../src/app/i18n/nl.json'
import en from '../../src/app/i18n/en.json'

const TODAY = '2026-03-06'
const i18n = () => createI18n({ legacy: false, locale: 'nl', messages: { nl, en } })

interface Link {
  id: string
  key: string
}
const newLink = (): Link => ({ id: crypto.randomUUID(), key: randomSecret() })
/** A plan sealed as the casusregisseur's phone seals it; `strengths` tells versions apart. */
async function sealed(link: Link, o: { sentAt?: string; expiresOn?: string; strengths?: string } = {}) {
  const plan = residentPlanOf(fullCase(), { linkId: link.id, organisation: 'Welzijn Oss', today: TODAY, expiresOn: o.expiresOn ?? '2026-06-04', sentAt: o.sentAt ?? '2026-03-06T09:00:00.000Z' })
  return sealResidentPlan(link.key, { ...plan, strengths: o.strengths ?? plan.strengths })
}

/** What the server (or whatever answers in its place) says to GET /api/resident-plans/:id. */
let answer: () => Response
const json = (status: number, value: unknown) => new Response(JSON.stringify(value), { status, headers: { 'Content-Type': 'application/json' } })
const plan = (body: string) => () => json(200, { body, updatedAt: '2026-03-06T09:00:00.000Z' })

let mounted: { unmount: () => void } | undefined
async function openPage(path: string) {
  mounted?.unmount()
  window.history.replaceState(null, '', path)
  const router = createRouter({
    history: createWebHistory(),
    routes: [
      { path: '/', component: { render: () => null } },
      { path: '/mijn-plan/:id', component: ResidentPlanPage, props: true },
    ],
  })
  const w = mount(defineComponent({ render: () => h(RouterView) }), { global: { plugins: [router, i18n()] }, attachTo: document.body })
  mounted = w
  await router.isReady()
  await settle()
  // Opening decrypts with WebCrypto: on a busy machine that outlasts settle()'s few rounds (seen in CI).
  await vi.waitFor(() => expect(w.text()).not.toContain('wordt geopend'), { timeout: 10_000, interval: 20 })
  return { w, router }
}
async function settle() {
  for (let i = 0; i < 5; i++) {
    await flushPromises()
    await new Promise((r) => setTimeout(r, 5))
  }
}
const problem = (w: { find: (s: string) => { exists: () => boolean; text: () => string } }) => (w.find('[data-testid="resident-plan-problem"]').exists() ? w.find('[data-testid="resident-plan-problem"]').text() : undefined)

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date(`${TODAY}T10:00:00Z`))
  localStorage.clear()
  vi.stubGlobal('fetch', async () => answer())
})
afterEach(() => {
  mounted?.unmount()
  mounted = undefined
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

describe('the key in the link', () => {
  it('leaves the address bar, the router’s current route and the history entry’s state, also for the next page', async () => {
    const link = newLink()
    answer = plan(await sealed(link))
    const { w, router } = await openPage(`/mijn-plan/${link.id}#${link.key}`)
    expect(w.text()).toContain('Doorzetter, houdt van zingen.')
    expect(window.location.href).not.toContain(link.key)
    expect(router.currentRoute.value.fullPath).not.toContain(link.key)
    expect(JSON.stringify(window.history.state)).not.toContain(link.key)
    // vue-router writes the page before into the next entry's state (`back`).
    await router.push('/')
    expect(JSON.stringify(window.history.state)).not.toContain(link.key)
  })

  it('leaves the address bar when the link is opened again in the same tab (only the fragment changes: no new page load)', async () => {
    const link = newLink()
    answer = plan(await sealed(link))
    const { router } = await openPage(`/mijn-plan/${link.id}#${link.key}`)
    expect(window.location.hash).toBe('')
    // What a browser does on a fragment navigation: a new entry and popstate, no reload.
    window.history.pushState(null, '', `/mijn-plan/${link.id}#${link.key}`)
    window.dispatchEvent(new PopStateEvent('popstate', { state: null }))
    await settle()
    expect(window.location.href).not.toContain(link.key)
    expect(router.currentRoute.value.fullPath).not.toContain(link.key)
    expect(JSON.stringify(window.history.state)).not.toContain(link.key)
  })

  it('shows the plan and passes axe', async () => {
    const link = newLink()
    answer = plan(await sealed(link))
    const { w } = await openPage(`/mijn-plan/${link.id}#${link.key}`)
    expect(w.find('h1').text()).toBe('Mijn plan')
    const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false }, region: { enabled: false } } })
    expect(result.violations.map((v) => v.id)).toEqual([])
  })
})

describe('the plan kept on the phone', () => {
  it('is shown, and nothing forgotten, when the server fails without saying the link is gone', async () => {
    const link = newLink()
    answer = plan(await sealed(link))
    await openPage(`/mijn-plan/${link.id}#${link.key}`)
    const kept = storedResidentPlan(link.id)
    expect(kept?.key).toBe(link.key)
    const failures: [string, () => Response][] = [
      ['busy', () => json(503, { error: 'busy', code: 'busy' })],
      ['a server error', () => json(500, { error: 'x', code: 'server-error' })],
      ['too many requests', () => json(429, { error: 'x', code: 'rate-limited' })],
      ['a Wi-Fi login page', () => new Response('<html><body>Log in op het gastnetwerk</body></html>', { status: 200, headers: { 'Content-Type': 'text/html' } })],
      ['a 404 page that is not the server’s', () => new Response('<html>Not Found</html>', { status: 404, headers: { 'Content-Type': 'text/html' } })],
      ['a body that does not open', plan(await sealed(newLink()))],
    ]
    for (const [name, failure] of failures) {
      answer = failure
      const { w } = await openPage(`/mijn-plan/${link.id}`)
      expect({ name, shows: w.text().includes('Doorzetter, houdt van zingen.'), problem: problem(w) }).toEqual({ name, shows: true, problem: undefined })
      expect(w.text()).toContain('We kunnen je plan nu niet ophalen. Je ziet je plan zoals het was op 6 maart 2026.')
      expect({ name, kept: storedResidentPlan(link.id) }).toEqual({ name, kept })
    }
  })

  it('with nothing kept, a failing server says to try again later (not that the link is broken)', async () => {
    const link = newLink()
    answer = () => json(503, { error: 'busy', code: 'busy' })
    const { w } = await openPage(`/mijn-plan/${link.id}#${link.key}`)
    expect(problem(w)).toBe('We kunnen je plan nu niet ophalen. Probeer het later nog een keer.')
  })

  it('is forgotten when the server says the link was withdrawn, is unknown or has expired', async () => {
    for (const [status, code, text] of [
      [410, 'link-withdrawn', 'Deze link werkt niet meer. Vraag je hulpverlener om een nieuwe link.'],
      [404, 'not-found', 'Deze link werkt niet meer. Vraag je hulpverlener om een nieuwe link.'],
      [410, 'link-expired', 'Deze link is verlopen. Vraag je hulpverlener om een nieuwe link.'],
    ] as const) {
      const link = newLink()
      answer = plan(await sealed(link))
      await openPage(`/mijn-plan/${link.id}#${link.key}`)
      expect(storedResidentPlan(link.id)).toBeDefined()
      answer = () => json(status, { error: 'x', code })
      const { w } = await openPage(`/mijn-plan/${link.id}`)
      expect(problem(w)).toBe(text)
      expect(storedResidentPlan(link.id)).toBeUndefined()
    }
  })

  it('is not replaced by an older version of the plan the server answers (a rollback)', async () => {
    const link = newLink()
    const older = await sealed(link, { sentAt: '2026-03-06T09:00:00.000Z', strengths: 'Versie een.' })
    const newer = await sealed(link, { sentAt: '2026-03-06T09:30:00.000Z', strengths: 'Versie twee.' })
    answer = plan(newer)
    const first = await openPage(`/mijn-plan/${link.id}#${link.key}`)
    expect(first.w.text()).toContain('Versie twee.')
    answer = plan(older)
    const again = await openPage(`/mijn-plan/${link.id}`)
    expect(again.w.text()).toContain('Versie twee.')
    expect(again.w.text()).not.toContain('Versie een.')
    expect(storedResidentPlan(link.id)?.body).toBe(newer)
    // A newer version from the server still replaces it.
    const newest = await sealed(link, { sentAt: '2026-03-06T10:00:00.000Z', strengths: 'Versie drie.' })
    answer = plan(newest)
    expect((await openPage(`/mijn-plan/${link.id}`)).w.text()).toContain('Versie drie.')
    expect(storedResidentPlan(link.id)?.body).toBe(newest)
  })

  it('of another link is forgotten once past its last day, when any plan page opens', async () => {
    const old = newLink()
    storeResidentPlan(old.id, { key: old.key, body: await sealed(old, { expiresOn: '2026-03-05' }), savedAt: '2026-02-01T10:00:00.000Z' })
    const live = newLink()
    storeResidentPlan(live.id, { key: live.key, body: await sealed(live, { expiresOn: TODAY }), savedAt: '2026-02-01T10:00:00.000Z' })
    const link = newLink()
    answer = plan(await sealed(link))
    await openPage(`/mijn-plan/${link.id}#${link.key}`)
    expect(storedResidentPlan(old.id)).toBeUndefined()
    expect(storedResidentPlan(live.id)?.key).toBe(live.key)
    expect(storedResidentPlan(link.id)?.key).toBe(link.key)
  })
})

describe('residentPlanStore', () => {
  it('drops a damaged entry (a bad id or shape) and keeps the others', async () => {
    const link = newLink()
    const entry = { key: link.key, body: await sealed(link), savedAt: '2026-03-06T10:00:00.000Z' }
    localStorage.setItem(LOCAL_KEYS.residentPlans, JSON.stringify({ [link.id]: entry, 'niet-een-id': entry, [crypto.randomUUID()]: { key: 'kort' } }))
    expect(storedResidentPlan(link.id)).toEqual(entry)
    await forgetExpiredResidentPlans(TODAY)
    expect(storedResidentPlan(link.id)).toEqual(entry)
  })
})
