import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient, bootstrapCode } from './apiClient'
import { seriousViolations } from './axe'
import { goOffline, goOnline } from './offline'
import { startHarness, type Harness } from './harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.stop()
})

async function freshPage(width = 390): Promise<{ context: BrowserContext; page: Page }> {
  const context = await h.browser.newContext({ viewport: { width, height: 800 }, locale: 'nl-NL' })
  const page = await context.newPage()
  return { context, page }
}

/** First visit: the map is downloaded and the service worker controls the page. */
async function firstVisit(page: Page) {
  await page.goto(h.baseUrl + '/')
  await page.locator('[data-service-id]').first().waitFor()
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }))
    }
  })
}

const search = (page: Page) => page.getByRole('searchbox', { name: /Zoek/ })

interface ServerReport { id: string; serviceId: string; message: string }

/**
 * A kaartbeheerder signed in through the API, to read back what the server holds: the region's
 * first beheerder from the one-time code, who invites them (seeding, not the point here).
 */
async function mapEditor(): Promise<ApiClient> {
  const admin = new ApiClient(h.baseUrl)
  const password = 'Kievit-Weide-52-Nistelrode'
  const { organisationId } = await admin.call<{ organisationId: string }>('POST', '/api/auth/bootstrap', { code: bootstrapCode(h.dataDir), organisation: 'Programmabureau', name: 'Beheer', email: 'beheer@regio.example', password })
  await admin.signInFirstTime('beheer@regio.example', password)
  await admin.invite(organisationId, { email: 'kaart@regio.example', name: 'Karin Kaart', role: 'kaartbeheerder' }, password)
  const editor = new ApiClient(h.baseUrl)
  await editor.signInFirstTime('kaart@regio.example', password)
  return editor
}


describe('the resident social map in the browser', () => {
  it('works offline after one visit: reload, search, detail, favourite', async () => {
    const { context, page } = await freshPage()
    await firstVisit(page)
    await expect.poll(() => page.getByTestId('updated-at').textContent()).toMatch(/Bijgewerkt op/)

    await goOffline(context)
    await page.reload()
    // Under load the reload from the service worker's cache can take more than the default second.
    await expect.poll(() => page.getByTestId('offline').isVisible(), { timeout: 10_000 }).toBe(true)

    await search(page).fill('wandelgroep')
    const first = page.locator('[data-service-id]').first()
    await expect.poll(() => first.textContent()).toMatch(/Wandelgroep/)
    const id = await first.getAttribute('data-service-id')
    await first.getByRole('link').click()
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(/^Wandelgroep/)
    expect(page.url()).toContain(`/aanbod/${id}`)
    await expect.poll(() => page.getByText('elke dinsdag 10:00–11:30').count()).toBeGreaterThan(0)

    const favourite = page.getByTestId('favourite')
    await favourite.click()
    await expect.poll(() => favourite.getAttribute('aria-pressed')).toBe('true')
    await page.getByRole('link', { name: /Mijn lijstje/ }).click()
    await expect.poll(() => page.locator(`[data-service-id="${id}"]`).count()).toBe(1)

    // Favourites survive a reload, still offline.
    await page.reload()
    await expect.poll(() => page.locator(`[data-service-id="${id}"]`).count()).toBe(1)
    await context.close()
  })

  it('queues a "Klopt er iets niet?" report offline and sends it once online', async () => {
    const { context, page } = await freshPage()
    await firstVisit(page)
    const editor = await mapEditor()
    const serviceId = await page.locator('[data-service-id]').first().getAttribute('data-service-id')
    await page.locator('[data-service-id] a').first().click()
    await page.getByRole('heading', { name: 'Klopt er iets niet?' }).waitFor()
    await goOffline(context)
    const message = 'Het telefoonnummer werkt niet meer.'
    await page.getByLabel('Wat klopt er niet?').fill(message)
    await page.getByRole('button', { name: 'Melding versturen' }).click()
    await expect.poll(() => page.getByText('We versturen je melding zodra je weer online bent').isVisible()).toBe(true)
    await expect.poll(() => page.getByText('1 bericht wacht op internet').isVisible()).toBe(true)
    const held = await editor.call<{ reports: ServerReport[] }>('GET', '/api/map/reports')
    expect(held.reports.filter((r) => r.message === message), 'nothing reached the server while offline').toEqual([])
    await goOnline(context)
    await expect.poll(() => page.getByText('1 bericht wacht op internet').count(), { timeout: 15_000 }).toBe(0)
    // Gone from the phone's queue is not enough (a report dropped unsent leaves it too): the server holds it, once, as typed.
    const { reports } = await editor.call<{ reports: ServerReport[] }>('GET', '/api/map/reports')
    expect(reports.filter((r) => r.message === message).map((r) => r.serviceId), 'the server holds the report exactly once').toEqual([serviceId])
    await context.close()
  })

  it('shows a clear message for an empty report, next to the field', async () => {
    const { context, page } = await freshPage()
    await firstVisit(page)
    await page.locator('[data-service-id] a').first().click()
    await page.getByRole('button', { name: 'Melding versturen' }).click()
    await expect.poll(() => page.getByText('Schrijf in een paar woorden wat er niet klopt.').isVisible()).toBe(true)
    expect(await page.getByLabel('Wat klopt er niet?').getAttribute('aria-invalid')).toBe('true')
    await context.close()
  })

  it('keeps query and filters in the URL, and the back button undoes a filter', async () => {
    const { context, page } = await freshPage()
    await firstVisit(page)
    await page.goto(`${h.baseUrl}/?domein=mantelzorg&gemeente=Boekel`)
    await page.locator('[data-service-id]').first().waitFor()
    const places = await page.locator('[data-service-id] .result__meta').allTextContents()
    expect(places.length).toBeGreaterThan(0)
    expect(places.every((p) => /Boekel|Venhorst|Huize Padua/.test(p))).toBe(true)
    // On a phone the filters sit behind their disclosure, its summary counting the two in force.
    const summary = page.getByTestId('filters').locator('summary')
    expect(await summary.textContent()).toBe('Filters (2 actief)')
    await summary.click()
    await page.getByLabel('Gemeente').selectOption('Oss')
    await expect.poll(() => page.url()).toContain('gemeente=Oss')
    await page.goBack()
    await expect.poll(() => page.url()).toContain('gemeente=Boekel')
    await context.close()
  })

  it('drops a bad filter from a link and says so', async () => {
    const { context, page } = await freshPage()
    await firstVisit(page)
    await page.goto(`${h.baseUrl}/?gemeente=Atlantis&q=koor`)
    await expect.poll(() => page.getByText('Een filter in de link klopt niet').isVisible()).toBe(true)
    await expect.poll(() => page.locator('[data-service-id]').count()).toBeGreaterThan(0)
    await context.close()
  })

  it('switches to English and sets the page language', async () => {
    const { context, page } = await freshPage()
    await firstVisit(page)
    await page.getByLabel('Taal').selectOption('en')
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en')
    await expect.poll(() => page.getByRole('searchbox', { name: 'Search the social map' }).count()).toBe(1)
    await context.close()
  })

  it('fits 320 px without sideways scrolling and has no serious axe violations on home, results, detail and favourites', async () => {
    const { context, page } = await freshPage(320)
    await firstVisit(page)
    expect(await seriousViolations(page)).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320)

    await search(page).fill('geheugenkoor')
    await expect.poll(() => page.locator('[data-service-id]').first().textContent()).toMatch(/Geheugenkoor/)
    await page.getByRole('button', { name: 'Filters' }).or(page.locator('summary')).first().click()
    expect(await seriousViolations(page)).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320)

    await page.locator('[data-service-id] a').first().click()
    await page.getByRole('heading', { name: 'Wat is het?' }).waitFor()
    expect(await seriousViolations(page)).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320)

    await page.getByTestId('favourite').click()
    await page.getByRole('link', { name: /Mijn lijstje/ }).click()
    await page.locator('[data-service-id]').first().waitFor()
    expect(await seriousViolations(page)).toEqual([])
    await context.close()
  })

  it('can be used with the keyboard alone: skip link, search, open a result', async () => {
    const { context, page } = await freshPage()
    await firstVisit(page)
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Naar de inhoud')
    await search(page).focus()
    await page.keyboard.type('taalcafe')
    await expect.poll(() => page.locator('[data-service-id]').first().textContent()).toMatch(/Taalcafé/)
    await page.locator('[data-service-id] a').first().focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(/^Taalcafé/)
    await context.close()
  })

  it('installs the app for offline use only once the map is in, so the two downloads do not share a slow line', async () => {
    const { context, page } = await freshPage()
    // The map's download held back: the page is up, hydrated and waiting for it.
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let mapAsked = false
    await context.route('**/api/social-map**', async (route) => {
      mapAsked = true
      await held
      await route.continue()
    })
    const fromServiceWorker: string[] = []
    context.on('request', (r) => void (r.serviceWorker() && fromServiceWorker.push(r.url())))
    await page.goto(h.baseUrl + '/')
    await expect.poll(() => mapAsked).toBe(true)
    // The app has hydrated the painted page (the search box is painted before it does).
    await page.locator('#app:not([data-prerendered])').waitFor({ state: 'attached' })
    // Idle time enough for a registration at start to have happened (at start it came within the mount).
    await page.evaluate(() => new Promise((resolve) => setTimeout(() => requestIdleCallback(resolve), 1000)))
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()) === undefined)).toBe(true)
    expect(fromServiceWorker).toEqual([])
    release()
    await page.locator('[data-service-id]').first().waitFor()
    // Registered because the map is in: well before the 15 s at which it would be registered anyway.
    await expect.poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistration()) !== undefined), { timeout: 5_000 }).toBe(true)
    await expect.poll(() => fromServiceWorker.length, { timeout: 5_000 }).toBeGreaterThan(0)
    await context.close()
  })

  it('offers "Nieuwe versie — vernieuwen" when a new version is published, and reloads into it', async () => {
    const { context, page } = await freshPage()
    await firstVisit(page)
    appendFileSync(join(h.staticDir, 'sw.js'), `\n// new version ${Date.now()}\n`)
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration()
      await registration?.update()
    })
    const button = page.getByRole('button', { name: 'Nieuwe versie — vernieuwen' })
    await button.waitFor({ timeout: 30_000 })
    await Promise.all([page.waitForEvent('load'), button.click()])
    await page.locator('[data-service-id]').first().waitFor()
    expect(await page.getByRole('button', { name: 'Nieuwe versie — vernieuwen' }).count()).toBe(0)
    await context.close()
  })
})
