/**
 * Issue 15, the method as data: the programme office edits the method in the app with a preview
 * and publishes the next version (1); a method change reaches a phone that continues an open case
 * under the new version with every earlier answer intact, also one whose field moved (2).
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { methodDefinitionSchema, type MethodDefinition } from '../../src/shared/method/definition'
import { moveFieldToStep, replaceField, startDraft, stepAt } from '../../src/app/features/methodEditor/methodEdits'
import { ApiClient, bootstrapCode } from './apiClient'
import { approvePending } from './certify'
import { seriousViolations } from './axe'
import { caseIdOf, storedAt, untilStored } from './caseStorage'
import { startHarness, type Harness } from './harness'
import { firstSignIn, registerThisDevice, unlockVault } from './signIn'

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

    // Checked before sending, in Dutch near the button: the note on what changed is still empty.
    const publish = page.getByRole('button', { name: `Versie ${before.version + 1} publiceren` })
    await publish.click()
    const problems = page.getByTestId('method-problems')
    await expect.poll(async () => (await problems.getByRole('listitem').allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim())).toEqual([
      'Wat is er veranderd: De Nederlandse tekst is leeg.',
      'Wat is er veranderd: De Engelse tekst is leeg.',
    ])
    // The editor with its preview (in English) and the problems: one axe run for all of it.
    expect(await seriousViolations(page)).toEqual([])
    await textInput(page, 'Wat is er veranderd? (telefoons laten dit zien)', 'Nederlands').fill('Eerste contact: nieuwe openingsvraag.')
    await textInput(page, 'Wat is er veranderd? (telefoons laten dit zien)', 'Engels').fill('First contact: a new opening question.')
    await publish.click()
    await page.getByText(`Versie ${before.version + 1} is gepubliceerd; telefoons krijgen hem bij de volgende verbinding.`).waitFor()
    await expect.poll(() => page.getByTestId('method-editing').textContent()).toMatch(new RegExp(`^Je maakt versie ${before.version + 2}\\. Nu geldt versie ${before.version + 1}`))
    await expect.poll(() => page.getByTestId('method-history').getByRole('listitem').first().textContent()).toMatch(new RegExp(`^\\s*Versie ${before.version + 1}, .* · Pia Programma\\s*Eerste contact: nieuwe openingsvraag\\.\\s*$`))

    const after = await latest()
    expect(after.version).toBe(before.version + 1)
    expect(after.note).toEqual({ nl: 'Eerste contact: nieuwe openingsvraag.', en: 'First contact: a new opening question.' })
    const contact = after.pathways.wor.steps[1]!
    expect(contact.prompts[0]).toEqual({ nl: 'Ik bel je namens je huisarts. Is dit een goed moment?', en: 'I am calling on behalf of your GP. Is this a good moment?' })
    expect(contact.essentials[0]!.text.nl).toBe('Je schreef op wanneer je de inwoner voor het eerst sprak.')
    expect(contact.essentials[0]!.id).toBe(before.pathways.wor.steps[1]!.essentials[0]!.id)
    expect(after.migrations).toEqual([])
  }, 90_000)

  it('reaches a phone that continues an open case under the new version: the answer of a replaced and moved field is in its new place, the others intact', async () => {
    // A social worker's phone with an open Welzijn op Recept case under the current version.
    await admin.invite(organisationId, { email: 'sanne@sig.example', name: 'Sanne de Wit', role: 'sociaal-werker' }, PASSWORD)
    const context = await h.browser.newContext({ viewport: { width: 360, height: 740 } })
    const page = await context.newPage()
    await firstSignIn(page, h.baseUrl, 'sanne@sig.example', PASSWORD)
    await registerThisDevice(page)
    await approvePending(admin, organisationId)
    const current = await latest()
    await page.getByRole('link', { name: /casussen/i }).first().click()
    await page.getByLabel('Route').selectOption('wor')
    await page.getByRole('button', { name: 'Nieuwe casus' }).click()
    await page.getByRole('heading', { name: 'Casus: Welzijn op Recept' }).waitFor()
    const id = caseIdOf(page)
    await untilStored(page, id, (c) => c.methodVersion === current.version)
    const steps = page.getByRole('navigation', { name: 'Stappen' })
    const openStep = (n: number) => steps.getByRole('link', { name: new RegExp(`^${n}\\. `) }).click()
    await page.getByLabel('Gemeente').selectOption('Oss')
    await openStep(2)
    await page.getByLabel('Eerste contact', { exact: true }).fill('2026-11-05')
    await page.getByLabel('Hoe was het eerste contact?').selectOption('huisbezoek')
    await openStep(4)
    const saved = await storedAt(page, id)
    await page.getByLabel('Is eerst een andere route nodig?').selectOption('schulden')
    await untilStored(page, id, (c) => c.updatedAt !== saved)

    // The programme office replaces "how was the first contact" by a new field (its answers follow) and moves it to the intake.
    await admin.invite(organisationId, { email: 'office@sig.example', name: 'Olga Office', role: 'programma' }, PASSWORD)
    const office = new ApiClient(h.baseUrl)
    await office.signInFirstTime('office@sig.example', PASSWORD)
    const contact = { pathway: 'wor', step: 1 } as const
    let next = replaceField(startDraft(current), current, contact, 1)
    const replaced = stepAt(next, contact).blocks[1]!
    if (!('field' in replaced)) throw new Error('the replaced block is a field')
    replaced.field.label = { nl: 'Hoe kwam het eerste contact tot stand?', en: 'How did the first contact come about?' }
    next = moveFieldToStep(next, contact, 1, 2)
    next.note = { nl: 'Hoe het eerste contact ging, vraag je nu bij de intake.', en: 'How the first contact went is now asked at the intake.' }
    expect(next.migrations).toEqual([{ op: 'moveAnswer', from: 'wor-contact-way', to: replaced.field.id }])
    await office.call('POST', '/api/method', next)

    // The phone syncs when the app starts again; opening the case moves it to the new version. On a
    // slow line the sync may end after the case opened: then the phone offers to move it on.
    await page.goto(`${h.baseUrl}/werk/casus/${id}`)
    await unlockVault(page)
    const moved = page.getByText(`Deze casus volgt nu versie ${next.version} van de werkwijze: Hoe het eerste contact ging, vraag je nu bij de intake.`)
    const moveOn = page.getByRole('button', { name: `Casus bijwerken naar versie ${next.version}` })
    await moved.or(moveOn).waitFor()
    if (await moveOn.isVisible()) await moveOn.click()
    await moved.waitFor()
    await untilStored(page, id, (c) => c.methodVersion === next.version)
    await openStep(3)
    await expect.poll(() => page.getByLabel('Hoe kwam het eerste contact tot stand?').inputValue()).toBe('huisbezoek')
    await openStep(2)
    expect(await page.getByLabel('Eerste contact', { exact: true }).inputValue()).toBe('2026-11-05')
    expect(await page.getByLabel('Hoe was het eerste contact?').count()).toBe(0)
    await openStep(4)
    expect(await page.getByLabel('Is eerst een andere route nodig?').inputValue()).toBe('schulden')
    await openStep(1)
    expect(await page.getByLabel('Gemeente').inputValue()).toBe('Oss')
    await context.close()
  }, 90_000)
})
