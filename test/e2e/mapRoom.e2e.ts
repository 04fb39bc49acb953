/**
 * Room (issue 19 point 3, "a room update by an editor seen by a resident"): a kaartbeheerder on a
 * 320 px phone sets a listing's free places with the quick form, once; the resident's page of that
 * listing, refreshed, shows the new figure. axe at 320 px on both screens; the harness lays every
 * visited screen out at 320 and 640 px too (test/e2e/layout.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient, bootstrapCode } from './apiClient'
import { seriousViolations } from './axe'
import { startHarness, type Harness } from './harness'

const PASSWORD = 'Kievit-Weide-52-Nistelrode'
const PHONE = { width: 320, height: 640 }
let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.stop()
})

describe('room on the social map', () => {
  it('an editor sets room from a phone; the resident sees it after a refresh', async () => {
    // Seeding through the API (not the subject): the region's beheerder invites a kaartbeheerder.
    const admin = new ApiClient(h.baseUrl)
    const { organisationId } = await admin.call<{ organisationId: string }>('POST', '/api/auth/bootstrap', { code: bootstrapCode(h.dataDir), organisation: 'Programmabureau', name: 'Beheer', email: 'beheer@regio.example', password: PASSWORD })
    await admin.signInFirstTime('beheer@regio.example', PASSWORD)
    await admin.invite(organisationId, { email: 'kaart@regio.example', name: 'Karin Kaart', role: 'kaartbeheerder' }, PASSWORD)
    const map = (await (await fetch(`${h.baseUrl}/api/social-map`)).json()) as { services: { id: string; name: string }[] }
    const listing = map.services.find((s) => s.name === 'Samen eten Oss')!

    // The resident opens the listing: the example map's room is there already.
    const resident = await h.browser.newContext({ viewport: PHONE, locale: 'nl-NL' })
    const page = await resident.newPage()
    await page.goto(`${h.baseUrl}/aanbod/${listing.id}`)
    await page.getByRole('heading', { level: 1, name: 'Samen eten Oss' }).waitFor()
    await page.getByRole('heading', { name: 'Plek en wachttijd' }).waitFor()
    const before = await page.getByTestId('room').textContent()
    expect(before).toMatch(/^Plek: /)

    // The editor, on a 320 px phone: the quick form, one click on "Plek opslaan".
    // Signed in through the API (not the subject either); the phone's browser gets that session's cookie.
    const signedIn = new ApiClient(h.baseUrl)
    await signedIn.signInFirstTime('kaart@regio.example', PASSWORD)
    const editorContext = await h.browser.newContext({ viewport: PHONE, locale: 'nl-NL' })
    await editorContext.addCookies([...signedIn.agent.jar].map(([name, value]) => ({ name, value, url: h.baseUrl })))
    const editor = await editorContext.newPage()
    await editor.goto(`${h.baseUrl}/beheer/kaart/${listing.id}`)
    const form = editor.getByRole('region', { name: 'Plek' })
    const available = form.getByRole('textbox', { name: 'Vrije plekken' })
    await available.waitFor()
    await available.fill('3')
    await form.getByRole('textbox', { name: 'Plekken in totaal' }).fill('12')
    await form.getByRole('button', { name: 'Plek opslaan' }).click()
    await expect.poll(() => form.getByRole('status').textContent()).toMatch(/^Opgeslagen: 3 van 12 vrij\./)
    // The change is in the listing's history, and the form tells the figure now on the map.
    await expect.poll(() => editor.getByText(/plek bijgewerkt — Karin Kaart/).count()).toBe(1)
    expect(await editor.getByText('Nu op de kaart: 3 van 12 vrij, bijgewerkt vandaag.').count()).toBe(1)
    expect(await seriousViolations(editor)).toEqual([])

    // The resident refreshes: the new figure, as of today.
    await page.reload()
    await expect.poll(() => page.getByTestId('room').textContent(), { timeout: 10_000 }).toBe('Plek: 3 van 12 vrij · bijgewerkt vandaag')
    expect(await seriousViolations(page)).toEqual([])
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    expect(width).toBeLessThanOrEqual(PHONE.width)
    await resident.close()
    await editorContext.close()
  }, 60_000)
})
