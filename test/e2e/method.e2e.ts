/**
 * Issue 15, the method as data: the programme office edits the method in the app with a preview
 * and publishes the next version (1); a method change reaches a phone that continues an open case
 * under the new version with every earlier answer intact, also one whose field moved (2).
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { methodDefinitionSchema, type MethodDefinition } from '../../src/shared/method/definition'
import { ApiClient, bootstrapCode } from './apiClient'
import { seriousViolations } from './axe'
import { startHarness, type Harness } from './harness'
import { firstSignIn } from './signIn'

let h: Harness
let admin: ApiClient
let organisationId: string
const PASSWORD = 'Kraanvogel-Heide-31-Uden'

beforeAll(async () => {
  h = await startHarness()
  admin = new ApiClient(h.baseUrl)
  // The first organisation is the region's programme office.
  ;({ organisationId } = await admin.call<{ organisationId: string }>('POST', '/api/auth/bootstrap', { code: bootstrapCode(h.dataDir), organisation: 'Programmabureau SiG', name: 'Beheer', email: 'beheer@sig.example', password: 'Reiger-Plas-40-Volkel' }))
  await admin.signInFirstTime('beheer@sig.example', 'Reiger-Plas-40-Volkel')
})
afterAll(async () => {
  await h?.stop()
})

const latest = async (): Promise<MethodDefinition> => methodDefinitionSchema.parse(await (await fetch(`${h.baseUrl}/api/method`)).json())
/** One text of the method: its fieldset (legend) and the language's input. */
const textInput = (page: Page, legend: string, lang: 'Nederlands' | 'Engels') => page.getByRole('group', { name: legend, exact: true }).getByRole('textbox', { name: lang, exact: true })

describe('the programme office changes the method', () => {
  it('edits a prompt and an essential, sees them in the preview in Dutch and English, and publishes the next version', async () => {
    const before = await latest()
    await admin.invite(organisationId, { email: 'pia@sig.example', name: 'Pia Programma', role: 'programma' }, PASSWORD)
    const page = await (await h.browser.newContext({ viewport: { width: 1024, height: 900 } })).newPage()
    await firstSignIn(page, h.baseUrl, 'pia@sig.example', PASSWORD)
    await page.getByRole('heading', { level: 1, name: 'Vandaag' }).waitFor()
    await page.getByTestId('nav-more').click()
    await page.getByRole('link', { name: 'Werkwijze bewerken' }).click()
    await page.getByRole('heading', { level: 1, name: 'Werkwijze bewerken' }).waitFor()
    await expect.poll(() => page.getByTestId('method-editing').textContent()).toMatch(new RegExp(`^Je maakt versie ${before.version + 1}\\. Nu geldt versie ${before.version}, gepubliceerd op`))

    // Welzijn op Recept, step 2: a prompt (both languages) and an essential's Dutch text.
    await page.getByLabel('Route', { exact: true }).selectOption({ label: 'Welzijn op Recept' })
    await page.getByLabel('Stap', { exact: true }).selectOption({ label: '2. Contact binnen twee weken' })
    await page.getByRole('heading', { name: 'Stap bewerken: Contact binnen twee weken' }).waitFor()
    await textInput(page, 'Vraag 1', 'Nederlands').fill('Ik bel je namens je huisarts. Is dit een goed moment?')
    await textInput(page, 'Vraag 1', 'Engels').fill('I am calling on behalf of your GP. Is this a good moment?')
    await textInput(page, 'Punt 1', 'Nederlands').fill('Je schreef op wanneer je de inwoner voor het eerst sprak.')

    const preview = page.getByTestId('method-preview')
    await expect.poll(() => preview.textContent()).toContain('Ik bel je namens je huisarts. Is dit een goed moment?')
    expect(await preview.textContent()).toContain('Je schreef op wanneer je de inwoner voor het eerst sprak.')
    expect(await preview.getAttribute('lang')).toBe('nl')
    await page.getByRole('button', { name: 'English', exact: true }).click()
    await expect.poll(() => preview.getAttribute('lang')).toBe('en')
    expect(await preview.textContent()).toContain('I am calling on behalf of your GP. Is this a good moment?')
    expect(await preview.textContent()).toContain('What you can ask')
    expect(await seriousViolations(page)).toEqual([])

    // Checked before sending, in Dutch near the button: the note on what changed is still empty.
    const publish = page.getByRole('button', { name: `Versie ${before.version + 1} publiceren` })
    await publish.click()
    const problems = page.getByTestId('method-problems')
    await expect.poll(async () => (await problems.getByRole('listitem').allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim())).toEqual([
      'Wat is er veranderd: De Nederlandse tekst is leeg.',
      'Wat is er veranderd: De Engelse tekst is leeg.',
    ])
    expect(await seriousViolations(page)).toEqual([])
    await textInput(page, 'Wat is er veranderd? (telefoons laten dit zien)', 'Nederlands').fill('Eerste contact: nieuwe openingsvraag.')
    await textInput(page, 'Wat is er veranderd? (telefoons laten dit zien)', 'Engels').fill('First contact: a new opening question.')
    await publish.click()
    await page.getByText(`Versie ${before.version + 1} is gepubliceerd; telefoons krijgen hem bij de volgende verbinding.`).waitFor()
    await expect.poll(() => page.getByTestId('method-editing').textContent()).toMatch(new RegExp(`^Je maakt versie ${before.version + 2}\\. Nu geldt versie ${before.version + 1}`))

    const after = await latest()
    expect(after.version).toBe(before.version + 1)
    expect(after.note).toEqual({ nl: 'Eerste contact: nieuwe openingsvraag.', en: 'First contact: a new opening question.' })
    const contact = after.pathways.wor.steps[1]!
    expect(contact.prompts[0]).toEqual({ nl: 'Ik bel je namens je huisarts. Is dit een goed moment?', en: 'I am calling on behalf of your GP. Is this a good moment?' })
    expect(contact.essentials[0]!.text.nl).toBe('Je schreef op wanneer je de inwoner voor het eerst sprak.')
    expect(contact.essentials[0]!.id).toBe(before.pathways.wor.steps[1]!.essentials[0]!.id)
    expect(after.migrations).toEqual([])
  }, 60_000)
})
