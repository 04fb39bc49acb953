/**
 * Issue 14, "one record from referral to case", on a 360 px phone against the real server: the
 * inbox reads on a phone (labels that say what a value is, the phone number a tap-to-call link,
 * no value squeezed to a letter a line); accepting carries what the GP wrote into the case; a date
 * entered in the case moves the referral (the GP's side sees it), and a status pressed in the inbox
 * fills the case's date; one message box to the GP; every action shows its result; no page error.
 * The design: docs/referral-case.md.
 */
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from './apiClient'
import { approvePending } from './certify'
import { seriousViolations } from './axe'
import { startHarness, type Harness } from './harness'
import { firstSignIn, registerThisDevice, unlockVault } from './signIn'

const PASSWORD = 'Kraanvogel-Heide-31-Uden'
const PATIENT = { name: 'Wilhelmina Verbeek', phone: '06 27182818', year: '1951', note: 'Woont sinds kort alleen en slaapt slecht' }
const MESSAGE = 'Mevrouw doet mee met de kookclub op donderdag'

let h: Harness
let welzijn: ApiClient
let praktijk: ApiClient
let welzijnId: string
let praktijkId: string
const passwordOf = (out: string) => /Password \(shown once\): (\S+)/.exec(out)![1]!
const orgIdOf = (out: string) => /: ([0-9a-f-]{36})/.exec(out)![1]!

beforeAll(async () => {
  h = await startHarness({
    setup: [
      ['org:create', 'Welzijn Oss'],
      ['org:create', 'Huisartsenpraktijk De Linde'],
      ['user:create', 'beheer@welzijn.example', 'Beheer Welzijn', 'Welzijn Oss', 'beheerder'],
      ['user:create', 'beheer@linde.example', 'Beheer Linde', 'Huisartsenpraktijk De Linde', 'beheerder'],
      ['org:create', '--region', 'Programmabureau SiG'],
      ['user:create', 'beheer@sig.example', 'Beheer Regio', 'Programmabureau SiG', 'beheerder'],
    ],
  })
  welzijnId = orgIdOf(h.setupOutput[0]!)
  praktijkId = orgIdOf(h.setupOutput[1]!)
  welzijn = new ApiClient(h.baseUrl)
  await welzijn.signInFirstTime('beheer@welzijn.example', passwordOf(h.setupOutput[2]!))
  praktijk = new ApiClient(h.baseUrl)
  await praktijk.signInFirstTime('beheer@linde.example', passwordOf(h.setupOutput[3]!))
  const region = new ApiClient(h.baseUrl)
  await region.signInFirstTime('beheer@sig.example', passwordOf(h.setupOutput[5]!))
  await region.call('PUT', '/api/referrals/routes', { routes: [{ intervention: 'wor', municipality: 'Oss', organisationId: welzijnId }] })
})
afterAll(async () => {
  await h?.stop()
})

async function onPhone(admin: ApiClient, organisationId: string, email: string, name: string, role: string): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  await admin.invite(organisationId, { email, name, role }, PASSWORD)
  const context = await h.browser.newContext({ viewport: { width: 360, height: 780 } })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(`${e.name}: ${e.message}`))
  await firstSignIn(page, h.baseUrl, email, PASSWORD)
  await registerThisDevice(page)
  await approvePending(admin, organisationId)
  return { context, page, errors }
}

/** The referral's status as the GP's side lists it (the server's word). */
async function statusForGp(gp: Page): Promise<string> {
  const { referrals } = (await (await gp.request.get(`${h.baseUrl}/api/referrals/sent`)).json()) as { referrals: { status: string }[] }
  return referrals[0]?.status ?? 'none'
}

describe('one record from referral to case, on a phone', () => {
  it('carries what the GP wrote into the case, moves the referral from the case and the case from the inbox, with one message box', async () => {
    const worker = await onPhone(welzijn, welzijnId, 'sanne@welzijn.example', 'Sanne de Wit', 'sociaal-werker')
    await worker.page.goto(`${h.baseUrl}/werk`)
    await unlockVault(worker.page)
    await worker.page.getByRole('button', { name: 'Nieuwe casus' }).waitFor()

    const gp = await onPhone(praktijk, praktijkId, 'dokter@linde.example', 'Dokter Jansen', 'huisarts')
    await gp.page.goto(`${h.baseUrl}/verwijzen`)
    await unlockVault(gp.page)
    await gp.page.getByLabel('Welzijn op Recept').check()
    await gp.page.getByLabel('Naam', { exact: true }).fill(PATIENT.name)
    await gp.page.getByLabel('Telefoon').fill(PATIENT.phone)
    await gp.page.getByLabel('Geboortejaar').fill(PATIENT.year)
    await gp.page.getByLabel('Woonplaats (gemeente)').selectOption('Oss')
    await gp.page.getByLabel('Eenzaamheid').check()
    await gp.page.getByLabel('Somberheid').check()
    await gp.page.getByLabel('Korte toelichting (niet verplicht)').fill(PATIENT.note)
    await gp.page.getByLabel('Sociaal', { exact: true }).check()
    await gp.page.getByLabel('De patiënt geeft toestemming voor deze verwijzing').check()
    await expect.poll(() => gp.page.getByLabel('Ontvangende organisatie').inputValue()).toBe(welzijnId)
    await gp.page.getByRole('button', { name: 'Verwijzing versturen' }).click()
    await gp.page.getByText('De verwijzing is verstuurd.').waitFor()

    // The inbox on a 360 px phone.
    await worker.page.getByRole('link', { name: 'Verwijzingen', exact: true }).first().click()
    const item = worker.page.locator('article.referral').first()
    const unknown = item.getByTestId('unknown-organisation')
    await unknown.getByLabel('Ik heb het nummer vergeleken met Huisartsenpraktijk De Linde. Het is gelijk.').check()
    await unknown.getByRole('button', { name: 'Nummer accepteren en openen' }).click()
    await item.getByRole('heading', { name: `${PATIENT.name} — Welzijn op Recept` }).waitFor()
    await expect.poll(() => item.getByTestId('referral-status').textContent()).toBe('Ontvangen')

    // Labels say what a value is; the phone number is a link to call, big enough to tap.
    const facts = item.getByTestId('referral-facts')
    for (const label of ['Redenen', 'Levensgebieden (4D)', 'Urgentie', 'Telefoon', 'Toelichting van de huisarts']) await facts.getByText(label, { exact: true }).waitFor()
    expect(await facts.textContent()).not.toContain('kies wat past')
    const call = facts.getByRole('link', { name: PATIENT.phone })
    expect(await call.getAttribute('href')).toBe('tel:0627182818')
    const box = (await call.boundingBox())!
    expect(box.height).toBeGreaterThanOrEqual(44)
    expect(box.width).toBeGreaterThanOrEqual(44)
    // No value squeezed into a narrow column: each is at least half the card wide, the birth year on one line.
    const card = (await item.boundingBox())!
    for (const value of await facts.locator('dd').all()) expect((await value.boundingBox())!.width).toBeGreaterThan(card.width / 2)
    const year = (await facts.locator('dd', { hasText: PATIENT.year }).boundingBox())!
    expect(year.height).toBeLessThan(44)
    expect(await worker.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
    expect(await seriousViolations(worker.page)).toEqual([])

    // Accepting: its result next to it, as a status.
    await item.getByRole('button', { name: 'Accepteren en casus maken' }).click()
    await item.getByRole('status').filter({ hasText: 'Geaccepteerd. De casus staat klaar.' }).waitFor()

    // "Contact gehad" in the inbox: no page error, and the case's first-contact date is filled.
    await item.getByRole('button', { name: 'Contact gehad' }).click()
    await item.getByRole('status').filter({ hasText: 'Contact gehad' }).waitFor()
    await expect.poll(() => item.getByTestId('referral-status').textContent()).toBe('Contact gehad')
    expect(worker.errors).toEqual([])
    // One box for the GP, one send button.
    await item.getByLabel('Bericht aan de huisarts').waitFor()
    expect(await item.locator('textarea').count()).toBe(1)
    expect(await item.getByRole('button', { name: /Versturen|Afronden/ }).count()).toBe(1)

    await item.getByRole('link', { name: 'Naar de casus' }).click()
    const today = await worker.page.evaluate(() => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(new Date()))
    // Step 1: what the GP wrote is there, read-only, nothing retyped.
    const step = (n: number) => worker.page.getByRole('navigation', { name: 'Stappen' }).getByRole('link', { name: new RegExp(`^${n}\\. `) }).click()
    await step(1)
    const gpWrote = worker.page.getByRole('region', { name: 'Wat de huisarts schreef' })
    for (const text of ['Eenzaamheid, Somberheid', PATIENT.note, 'Sociaal', 'Gewoon']) await gpWrote.getByText(text).first().waitFor()
    expect(await gpWrote.locator('input, textarea, select').count()).toBe(0)
    await step(2)
    await expect.poll(() => worker.page.getByLabel('Eerste contact', { exact: true }).inputValue()).toBe(today)
    await step(3)

    // The intake date typed in the case moves the referral: the GP's side sees "gesprek".
    await worker.page.getByLabel('Intake gehouden op').fill(today)
    // Its result next to the field (not only in the page's live region).
    await expect.poll(() => worker.page.getByTestId('step-result-gesprek').textContent(), { timeout: 15_000 }).toBe('Doorgegeven aan de huisarts: Intake of gesprek gehouden.')
    await expect.poll(() => statusForGp(gp.page), { timeout: 15_000 }).toBe('gesprek')
    expect(await seriousViolations(worker.page)).toEqual([])

    // The message written in the case is the one message: sent from the case, shown as sent, not offered again in the inbox.
    await step(6)
    await worker.page.getByLabel('Bericht aan de huisarts').fill(MESSAGE)
    await worker.page.getByRole('button', { name: 'Versturen naar de huisarts' }).click()
    await expect.poll(() => worker.page.getByTestId('step-result-bericht').textContent(), { timeout: 15_000 }).toBe('Doorgegeven aan de huisarts: Bericht.')
    await worker.page.getByTestId('gp-message-sent').waitFor()
    // The inbox again, after a page load (the list comes back with the referral past "Contact gehad").
    await worker.page.goto(`${h.baseUrl}/werk/verwijzingen`)
    await unlockVault(worker.page)
    await expect.poll(() => item.getByTestId('referral-status').textContent()).toBe('Intake of gesprek gehouden')
    await expect.poll(() => item.textContent()).toContain(MESSAGE)
    expect(await item.getByLabel('Bericht aan de huisarts').inputValue()).toBe('')
    expect(worker.errors).toEqual([])
  }, 240_000)
})
