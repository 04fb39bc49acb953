/**
 * Residents' own initiatives (issue 20, "a resident proposal appears after moderation"): a resident
 * on a 320 px phone signs up an activity while offline; it is sent once the phone is online; a
 * kaartbeheerder puts it on the map; the resident then finds it, labelled Burgerinitiatief. axe on
 * the form, its confirmation, the editors' page and the listing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient, bootstrapCode } from './apiClient'
import { seriousViolations } from './axe'
import { goOffline, goOnline } from './offline'
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

interface Row {
  id: string
  name: string
  proposal: { when: string; contactName: string } | null
}

describe('a resident’s own initiative', () => {
  it('is signed up offline, sent once online, put on the map by an editor and found by residents', async () => {
    // Seeding through the API (not the subject): the region's beheerder invites a kaartbeheerder.
    const admin = new ApiClient(h.baseUrl)
    const { organisationId } = await admin.call<{ organisationId: string }>('POST', '/api/auth/bootstrap', { code: bootstrapCode(h.dataDir), organisation: 'Programmabureau', name: 'Beheer', email: 'beheer@regio.example', password: PASSWORD })
    await admin.signInFirstTime('beheer@regio.example', PASSWORD)
    await admin.invite(organisationId, { email: 'kaart@regio.example', name: 'Karin Kaart', role: 'kaartbeheerder' }, PASSWORD)
    const editorApi = new ApiClient(h.baseUrl)
    await editorApi.signInFirstTime('kaart@regio.example', PASSWORD)

    const resident = await h.browser.newContext({ viewport: PHONE, locale: 'nl-NL' })
    const page = await resident.newPage()
    await page.goto(h.baseUrl + '/')
    await page.locator('[data-service-id]').first().waitFor()
    await page.getByRole('link', { name: /Organiseer je zelf iets in de buurt/ }).click()
    await page.getByRole('heading', { level: 1, name: 'Zelf iets organiseren' }).waitFor()
    await goOffline(resident)

    // An empty form: each field says what it needs, and the first one gets the focus.
    await page.getByRole('button', { name: 'Aanmelden' }).click()
    await expect.poll(() => page.getByText('Vul de naam van de activiteit in (minstens 3 tekens).').isVisible()).toBe(true)
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('initiative-name')
    expect(await page.getByText('Kies 1, 2 of 3 onderwerpen.', { exact: true }).count()).toBeGreaterThan(0)
    expect(await seriousViolations(page)).toEqual([])

    await page.getByLabel('Naam van de activiteit').fill('Breiclub De Steek')
    await page.getByLabel('Wat gaan jullie doen?').fill('Samen breien en koffie drinken. Iedereen is welkom, ook beginners.')
    await page.getByLabel('Wanneer?').fill('Elke woensdag van 14.00 tot 16.00 uur')
    await page.getByLabel('Gemeente').selectOption('Bernheze')
    await page.getByLabel('Plaats', { exact: true }).selectOption('Heesch')
    await page.getByLabel('Waar precies? (mag je leeg laten)').fill('Buurthuis De Pit, Kerkstraat 1')
    await page.getByLabel('Sociaal netwerk').check()
    await page.getByLabel('Meedoen').check()
    await page.getByLabel('Nee, het is gratis').check()
    await page.getByLabel('Naam', { exact: true }).fill('Els van Dijk')
    await page.getByLabel('Telefoonnummer').fill('06 12345678')
    await page.getByLabel(/Ik vind het goed dat deze gegevens/).check()
    await page.getByRole('button', { name: 'Aanmelden' }).click()
    await expect.poll(() => page.getByTestId('initiative-outcome').textContent()).toMatch(/bewaard op je telefoon/)
    expect(await seriousViolations(page)).toEqual([])
    const held = await editorApi.call<{ total: number }>('GET', '/api/map/initiatives')
    expect(held.total, 'nothing reached the server while offline').toBe(0)

    await goOnline(resident)
    await expect.poll(async () => (await editorApi.call<{ total: number }>('GET', '/api/map/initiatives')).total, { timeout: 15_000 }).toBe(1)
    await expect.poll(() => page.getByText('1 bericht wacht op internet').count(), { timeout: 15_000 }).toBe(0)

    // The editor, on a phone: reads the sign-up and puts it on the map.
    const editorContext = await h.browser.newContext({ viewport: PHONE, locale: 'nl-NL' })
    await editorContext.addCookies([...editorApi.agent.jar].map(([name, value]) => ({ name, value, url: h.baseUrl })))
    const editor = await editorContext.newPage()
    await editor.goto(`${h.baseUrl}/beheer/initiatieven`)
    const card = editor.getByTestId('initiatives').getByRole('listitem').filter({ hasText: 'Breiclub De Steek' })
    await card.waitFor()
    expect(await card.textContent()).toContain('Elke woensdag van 14.00 tot 16.00 uur')
    expect(await seriousViolations(editor)).toEqual([])
    await card.getByRole('button', { name: 'Op de kaart zetten' }).click()
    await editor.getByText('Er wachten geen aanmeldingen van inwoners.').waitFor()
    const { initiatives } = await editorApi.call<{ initiatives: Row[] }>('GET', '/api/map/initiatives?status=decided')
    expect(initiatives.map((r) => r.name), 'sent once, accepted once').toEqual(['Breiclub De Steek'])

    // The resident (and every phone) gets it with the next map update, labelled.
    await page.goto(`${h.baseUrl}/?q=breiclub`)
    const result = page.locator('[data-service-id]').filter({ hasText: 'Breiclub De Steek' })
    await expect.poll(() => result.count(), { timeout: 15_000 }).toBe(1)
    expect(await result.textContent()).toContain('Burgerinitiatief')
    await result.getByRole('link').click()
    await page.getByTestId('initiative').waitFor()
    expect(await page.getByText('Elke woensdag van 14.00 tot 16.00 uur', { exact: false }).count()).toBe(1)
    expect(await seriousViolations(page)).toEqual([])
    await resident.close()
    await editorContext.close()
  }, 90_000)
})
