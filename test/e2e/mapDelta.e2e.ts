/**
 * A full-to-delta update in the browser (docs/social-map-sync.md): a phone that holds the map,
 * an editor changes one listing through the API, the phone refreshes and shows the change, and
 * the request it made was a delta, a small fraction of the full document's bytes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Response } from 'playwright-core'
import { ApiClient, bootstrapCode } from './apiClient'
import { startHarness, type Harness } from './harness'
import type { Service } from '../../src/shared/socialMap/hsds'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.stop()
})

/** A kaartbeheerder through the API: the region's first beheerder invites them (seeding, not the subject). */
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

interface MapAnswer {
  url: string
  answer: string | undefined
  /** Bytes on the wire (gzip). */
  bytes: number
}

describe('map updates by delta in the browser', () => {
  it('a phone holding the map downloads only the changed listing and shows it', async () => {
    const context = await h.browser.newContext({ viewport: { width: 390, height: 800 }, locale: 'nl-NL' })
    const page = await context.newPage()
    const answers: Promise<MapAnswer>[] = []
    // The data worker's requests reach the page's network events in Chromium.
    const record = async (res: Response): Promise<MapAnswer> => ({ url: res.url(), answer: res.headers()['x-map-answer'], bytes: (await res.request().sizes()).responseBodySize })
    page.on('response', (res) => {
      if (new URL(res.url()).pathname === '/api/social-map') answers.push(record(res))
    })

    await page.goto(h.baseUrl + '/')
    const first = page.locator('[data-service-id]').first()
    await first.waitFor()
    await expect.poll(() => page.getByTestId('updated-at').textContent()).toMatch(/Bijgewerkt op/)
    const id = (await first.getAttribute('data-service-id'))!
    expect(answers).toHaveLength(1)
    const full = await answers[0]!
    expect(full.answer).toBe('full')

    const editor = await mapEditor()
    const { service } = await editor.call<{ service: Service }>('GET', `/api/map/services/${id}`)
    const name = `${service.name} (nu ook op zaterdag)`
    await editor.call('PUT', `/api/map/services/${id}`, { service: { ...service, name } })

    await page.reload()
    await page.getByRole('searchbox', { name: /Zoek/ }).fill('zaterdag')
    await expect.poll(() => page.locator(`[data-service-id="${id}"]`).textContent(), { timeout: 10_000 }).toContain(name)
    // Every map request after the first visit was a delta; the first of them carried the change.
    const later = await Promise.all(answers.slice(1))
    expect(later.length).toBeGreaterThan(0)
    expect(later.map((a) => a.answer)).toEqual(later.map(() => 'delta'))
    expect(new URL(later[0]!.url).searchParams.get('since')).toMatch(/^\d+$/)
    expect(later[0]!.bytes).toBeGreaterThan(0)
    // One listing of the example map's 150-odd: a few percent of the full document at most.
    expect(later[0]!.bytes / full.bytes).toBeLessThan(0.05)
    await context.close()
  })
})
