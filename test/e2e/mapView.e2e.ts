/**
 * The map view and near me in the browser (issue 19 points 1 and 2), on one server whose
 * MAP_TILE_URL points at a tile stub this test serves on another local port (no internet): markers
 * on local tiles, clustered, keyboard-usable; the plain background when tiles fail or the server
 * names none; near me from a fixed phone location (Playwright geolocation) and from a typed
 * postcode; axe at 320 px; and no request, of any page, carrying the location.
 */
import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { seriousViolations } from './axe'
import { startHarness, type Harness } from './harness'
import { freePort } from '../freePort'

// A 1×1 grey PNG: Leaflet stretches it over the tile.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGO4BwAA7gDtOUDW4QAAAABJRU5ErkJggg==', 'base64')
const HEESCH = { latitude: 51.7331, longitude: 5.5311 }

let h: Harness
let tileServer: Server
let tileOrigin: string
let tileRequests = 0
/** Every request any page or worker made: URL and body. */
const sent: string[] = []

beforeAll(async () => {
  const port = await freePort()
  tileOrigin = `http://127.0.0.1:${port}`
  tileServer = createServer((req, res) => {
    tileRequests++
    res.writeHead(/^\/tegels\/\d+\/\d+\/\d+\.png$/.test(req.url ?? '') ? 200 : 404, { 'Content-Type': 'image/png' }).end(PNG)
  })
  await new Promise<void>((resolve) => tileServer.listen(port, '127.0.0.1', resolve))
  h = await startHarness({ env: { MAP_TILE_URL: `${tileOrigin}/tegels/{z}/{x}/{y}.png`, MAP_TILE_ATTRIBUTION: 'Testtegels' } })
})
afterAll(async () => {
  await h?.stop()
  await new Promise((resolve) => tileServer?.close(resolve))
})

async function phone(options: { geolocation?: typeof HEESCH } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await h.browser.newContext({
    viewport: { width: 320, height: 640 },
    locale: 'nl-NL',
    ...(options.geolocation ? { geolocation: options.geolocation, permissions: ['geolocation'] } : {}),
  })
  context.on('request', (r) => sent.push(`${r.url()} ${r.postData() ?? ''}`))
  const page = await context.newPage()
  return { context, page }
}

const results = (page: Page) => page.locator('[data-service-id]')
/** The number of results the heading says ("12 resultaten"): the list renders in chunks, so counting items could be early. */
const headingCount = async (page: Page) => Number((await page.locator('#results-heading').textContent())?.match(/\d+/)?.[0])
const nearMe = (page: Page) => page.locator('details.near-me')

/** Every result on the map once: single markers plus what the clusters hold. */
async function markersShown(page: Page): Promise<number> {
  const single = await page.locator('.map-marker').count()
  const clustered = (await page.locator('.map-cluster span[aria-hidden]').allTextContents()).reduce((n, s) => n + Number(s), 0)
  return single + clustered
}

describe('near me and the map view', () => {
  it('sorts by distance from the phone’s location, and shows the results as markers on local tiles', async () => {
    const { context, page } = await phone({ geolocation: HEESCH })
    await page.goto(`${h.baseUrl}/?q=alzheimer`)
    await expect.poll(() => results(page).count()).toBeGreaterThan(3)
    const total = await headingCount(page)
    await expect.poll(() => results(page).count()).toBe(total)
    // Which services "alzheimer" finds follows the search (synonyms bring dementia services too); the markers are those.
    const listed = (await results(page).locator('h3').allTextContents()).map((t) => t.trim())
    await nearMe(page).locator('summary').click()
    await page.getByRole('button', { name: 'Gebruik mijn locatie' }).click()
    await expect.poll(() => results(page).first().textContent()).toMatch(/^Alzheimer Café Heesch\s*\d,\d km/)
    await expect.poll(() => nearMe(page).textContent()).toContain('De resultaten staan op afstand van je locatie, dichtbij eerst.')

    await page.getByRole('button', { name: 'Kaart', exact: true }).click()
    await page.getByTestId('map-canvas').locator('.leaflet-marker-icon').first().waitFor()
    await expect.poll(() => markersShown(page)).toBe(total)
    await expect.poll(() => page.locator('img.leaflet-tile-loaded').count()).toBeGreaterThan(0)
    expect(tileRequests).toBeGreaterThan(0)
    expect(await page.getByTestId('map-plain').count()).toBe(0)
    await expect.poll(() => page.getByTestId('map-canvas').textContent()).toContain('Testtegels')
    expect(await page.getByTestId('map-hint').textContent()).toContain('De lijst toont hetzelfde')

    // Keyboard: zoom in until a single marker shows, focus it by its service name, Enter opens its link.
    const clusters = () => page.locator('.map-cluster').allTextContents().then((t) => t.join('|'))
    for (let i = 0; i < 6 && (await page.locator('.map-marker').count()) === 0; i++) {
      const before = await clusters()
      await page.locator('.map-cluster').first().focus()
      await page.keyboard.press('Enter')
      await expect.poll(async () => (await page.locator('.map-marker').count()) > 0 || (await clusters()) !== before).toBe(true)
    }
    const marker = page.locator('.map-marker').first()
    const name = (await marker.getAttribute('title'))!
    expect(listed).toContain(name)
    await page.getByRole('button', { name }).focus()
    await page.keyboard.press('Enter')
    const link = page.locator('.leaflet-popup a.map-popup__link')
    await expect.poll(() => link.evaluate((a) => a === document.activeElement)).toBe(true)
    expect(await link.textContent()).toBe(name)
    // axe once here: the near-me panel, the map, its markers and the open popup together.
    expect(await seriousViolations(page)).toEqual([])
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/aanbod\//)
    expect(await page.locator('h1').textContent()).toBe(name)
    await context.close()
  })

  it('sorts by distance from a typed postcode, and says which place it does not know', async () => {
    const { context, page } = await phone()
    await page.goto(`${h.baseUrl}/?q=alzheimer`)
    await expect.poll(() => results(page).count()).toBeGreaterThan(3)
    await nearMe(page).locator('summary').click()
    const field = page.getByLabel('Of typ je postcode of plaats')
    await field.fill('Amsterdam')
    await page.getByRole('button', { name: 'Sorteer op afstand' }).click()
    await expect.poll(() => nearMe(page).getByRole('alert').textContent()).toContain('“Amsterdam” kennen we niet.')
    await field.fill('5401 AB')
    await page.getByRole('button', { name: 'Sorteer op afstand' }).click()
    await expect.poll(() => results(page).first().textContent()).toMatch(/^Alzheimer Café Uden\s*\d,\d km/)
    expect(await seriousViolations(page)).toEqual([])
    await context.close()
  })

  it('shows the markers on a plain background, with a note, when tiles fail or the server names none', async () => {
    const { context, page } = await phone()
    // Tiles that cannot load (as offline): every request to the tile server fails.
    await context.route(`${tileOrigin}/**`, (route) => route.abort('internetdisconnected'))
    await page.goto(`${h.baseUrl}/?q=alzheimer`)
    await expect.poll(() => results(page).count()).toBeGreaterThan(3)
    const total = await headingCount(page)
    await page.getByRole('button', { name: 'Kaart', exact: true }).click()
    await expect.poll(() => page.getByTestId('map-plain').textContent()).toContain('De achtergrond van de kaart kan nu niet laden')
    await expect.poll(() => markersShown(page)).toBe(total)

    // MAP_TILE_URL=none reaches the app as { mapTiles: null } (test/server/appConfig.test.ts): no tile is asked for.
    await page.close()
    await context.route(`${h.baseUrl}/api/config`, (route) => route.fulfill({ json: { mapTiles: null } }))
    const plain = await context.newPage()
    const tilesAsked: string[] = []
    plain.on('request', (r) => {
      if (r.url().startsWith(tileOrigin)) tilesAsked.push(r.url())
    })
    await plain.goto(`${h.baseUrl}/?q=alzheimer`)
    await plain.getByRole('button', { name: 'Kaart', exact: true }).click()
    await expect.poll(() => plain.getByTestId('map-plain').textContent()).toContain('Deze kaart heeft geen achtergrond.')
    await expect.poll(() => markersShown(plain)).toBe(total)
    expect(await plain.locator('img.leaflet-tile').count()).toBe(0)
    expect(tilesAsked).toEqual([])
    expect(await seriousViolations(plain)).toEqual([])
    await context.close()
  })

  it('sent the location in no request: not the phone’s coordinates, not the typed postcode', () => {
    expect(sent.length).toBeGreaterThan(10)
    // Tile addresses are z/x/y of the area shown (the results' extent), never the position: only decimals could be one.
    const carried = sent.filter((line) => ['51.733', '5.531', '51,733', '5,531', ...(line.startsWith(tileOrigin) ? [] : ['5401'])].some((v) => line.includes(v)))
    expect(carried).toEqual([])
  })
})
