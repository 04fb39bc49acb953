/**
 * Kitchen-table mode (issue 15): at a step of a case the worker turns the phone to the resident,
 * who answers a question in their own words and adds a small step in large type, on a screen that
 * shows nothing professional-only; back on the worker's screen the case is at the same step, and
 * the answer and the step are in the case after a reload. axe and the layout check at 360 and 1280.
 */
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { seriousViolations } from './axe'
import { caseIdOf } from './caseStorage'
import { unlockVault } from './signIn'
import { useOrganisation, workerOnPhone } from './socialWorkerPhone'

const organisation = useOrganisation()

const TO_TABLE = 'Aan tafel met de inwoner'
const BACK = 'Terug naar mijn scherm'
const currentStep = (page: Page) => page.getByRole('navigation', { name: 'Stappen' }).locator('[aria-current="step"]').textContent()

describe('the kitchen-table mode', () => {
  it('lets the resident answer and add a small step in large type, and returns the worker to the same step', async () => {
    const page = (await workerOnPhone(organisation, 'tafel@welzijn.example')).page
    await page.getByRole('button', { name: 'Nieuwe casus' }).click()
    await page.getByRole('heading', { name: 'Casus: Samenwerkwijze' }).waitFor()
    const caseId = caseIdOf(page)
    await page.getByRole('link', { name: /^2\. / }).click()
    await page.waitForURL(/stap=sww-voorbereiden/)
    const stepBefore = await currentStep(page)
    expect(stepBefore).toMatch(/^2\. /)

    // Turned to the resident: a screen of its own, its heading in focus, addressed to "je", in large type.
    await page.getByRole('button', { name: TO_TABLE }).click()
    const table = page.getByRole('dialog', { name: 'Samen aan tafel' })
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Samen aan tafel')
    expect(await table.textContent()).toMatch(/Dit scherm is voor jou/)
    const wil = table.getByRole('textbox', { name: 'Wat wil ik?' })
    const bodySize = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize))
    expect(await wil.evaluate((n) => parseFloat(getComputedStyle(n).fontSize))).toBeGreaterThanOrEqual(1.5 * bodySize)
    // Nothing professional-only: no step guide, no essentials, no GP message, no menu in reach.
    for (const hidden of [/Niet overslaan/, /huisarts/i, /Samenwerkoverleg beleggen/]) expect(await table.textContent()).not.toMatch(hidden)
    const covered = () => page.evaluate(() => [[5, 5], [innerWidth / 2, innerHeight - 5], [innerWidth - 5, innerHeight / 2]].every(([x, y]) => !!document.querySelector('dialog')?.contains(document.elementFromPoint(x!, y!))))
    expect(await covered(), 'the whole screen is the mode: the menu bars are out of reach').toBe(true)

    await wil.fill('Weer fietsen met mijn kleinzoon')
    await table.getByRole('group', { name: 'Geldzaken', exact: true }).getByRole('radio', { name: '3', exact: true }).check()
    await table.getByRole('textbox', { name: 'Wat is een kleine stap?' }).fill('Fiets laten maken')
    await table.getByRole('button', { name: 'Stap toevoegen' }).click()
    const done = table.getByRole('checkbox', { name: /Fiets laten maken/ })
    await done.check()
    const box = (await done.boundingBox())!
    expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(32)
    expect(await table.getByRole('img', { name: /Geldzaken: begin 3, nu 3/ }).count()).toBe(1)
    await expect.poll(() => table.getByTestId('save-state').textContent()).toMatch(/Opgeslagen om/)
    expect(await seriousViolations(page)).toEqual([])
    // At 1280 px the text keeps a short line (≤ 40ch of the large type).
    await page.setViewportSize({ width: 1280, height: 800 })
    expect((await wil.boundingBox())!.width).toBeLessThan(40 * 0.7 * 1.5 * bodySize)
    await page.setViewportSize({ width: 360, height: 740 })

    // Back: the worker's screen at the same step, focus on the button that opened the mode. Escape leaves the mode too.
    await table.getByRole('button', { name: BACK }).click()
    await table.waitFor({ state: 'detached' })
    expect(await currentStep(page)).toBe(stepBefore)
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe(TO_TABLE)
    await page.getByRole('button', { name: TO_TABLE }).click()
    await table.waitFor()
    await page.keyboard.press('Escape')
    await table.waitFor({ state: 'detached' })
    expect(await currentStep(page)).toBe(stepBefore)

    // After a reload the answer and the small step are in the case.
    await page.reload()
    await unlockVault(page)
    await page.getByRole('heading', { name: 'Casus: Samenwerkwijze' }).waitFor()
    expect(caseIdOf(page)).toBe(caseId)
    expect(await currentStep(page)).toBe(stepBefore)
    await expect.poll(() => page.getByRole('textbox', { name: /Wat wil ik/ }).inputValue()).toBe('Weer fietsen met mijn kleinzoon')
    await page.getByRole('button', { name: TO_TABLE }).click()
    expect(await table.getByRole('checkbox', { name: /Fiets laten maken/ }).isChecked()).toBe(true)
  })
})
