/**
 * The languages of the region (issue 20 part 4) and the residents' explainer (part 3), on a 320 px
 * phone against the real server and build: the explainer in Dutch; Arabic chosen in the language
 * picker lays the resident screens out right to left (`<html dir="rtl">`) without sideways
 * scrolling; a listing with an English translation shows it in English, marked `lang="en"`, with its
 * languages named by Intl and its accessibility note translated. axe at 320 px on every screen.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Service } from '../../src/shared/socialMap/hsds'
import { seriousViolations } from './axe'
import { startHarness, type Harness } from './harness'

const PHONE = { width: 320, height: 640 }
let h: Harness
beforeAll(async () => {
  // No map background: the test never reaches the internet for tiles.
  h = await startHarness({ env: { MAP_TILE_URL: 'none' } })
})
afterAll(async () => {
  await h?.stop()
})

const htmlLangDir = (page: Page) => page.evaluate(() => `${document.documentElement.lang} ${document.documentElement.dir}`)
const scrollsSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth)

async function fitsAndPasses(page: Page) {
  expect(await scrollsSideways(page)).toBe(false)
  expect(await seriousViolations(page)).toEqual([])
}

describe('the resident interface in the languages of the region', () => {
  it('explains the way of working in Dutch, lays out right to left in Arabic, and shows a listing’s English translation', async () => {
    // A listing with an English translation, an accessibility note and a cost that is not free (the example map has many).
    const map = (await (await fetch(`${h.baseUrl}/api/social-map`)).json()) as { services: Service[] }
    const listing = map.services.find(
      (s) => s.status === 'active' && s.x_translations?.en?.name && s.service_at_locations?.some((l) => l.location?.accessibility?.length) && s.cost_options?.some((c) => (c.amount ?? 0) > 0),
    )!
    expect(listing).toBeDefined()
    expect(JSON.stringify(map.services)).not.toMatch(/invalidetoilet/i)

    const context = await h.browser.newContext({ viewport: PHONE, locale: 'nl-NL' })
    const page = await context.newPage()

    // The explainer, in Dutch: the three questions and the three interventions.
    await page.goto(`${h.baseUrl}/samenwerkwijze`)
    await page.getByRole('heading', { level: 1, name: 'Samen werken aan wat jij nodig hebt' }).waitFor()
    expect(await htmlLangDir(page)).toBe('nl ltr')
    expect(await page.locator('.way-of-working__questions dt').allTextContents()).toEqual(['Wat wil ik?', 'Wat kan ik?', 'Wat heb ik nodig?'])
    expect(await page.getByRole('heading', { level: 3 }).allTextContents()).toEqual(['Welzijn op Recept', 'Verkennend Gesprek', 'Sociaal Arrangeren'])
    expect(await page.getByTestId('intervention-wor').textContent()).toContain('De coach belt je binnen 14 dagen.')
    await fitsAndPasses(page)

    // Arabic, chosen by its own name in the picker: right to left, the explainer in Arabic.
    expect(await page.getByTestId('language').locator('option').allTextContents()).toEqual(['Nederlands', 'English', 'العربية', 'Polski', 'Türkçe'])
    await page.getByLabel('Taal').selectOption('ar')
    await expect.poll(() => htmlLangDir(page)).toBe('ar rtl')
    await page.getByRole('heading', { level: 1, name: 'نعمل معًا على ما تحتاجه' }).waitFor()
    await fitsAndPasses(page)
    // Polish and Turkish words are long: the explainer still fits (the harness's layout check reads these screens too).
    for (const [code, title] of [['pl', 'Razem pracujemy nad tym, czego potrzebujesz'], ['tr', 'İhtiyacın olan şey için birlikte çalışıyoruz']]) {
      await page.getByTestId('language').selectOption(code!)
      await page.getByRole('heading', { level: 1, name: title }).waitFor()
      expect(await htmlLangDir(page)).toBe(`${code} ltr`)
      expect(await scrollsSideways(page)).toBe(false)
    }
    await page.getByTestId('language').selectOption('ar')
    await expect.poll(() => htmlLangDir(page)).toBe('ar rtl')

    // The start page (the choice is remembered), its filters and the map view.
    await page.goto(`${h.baseUrl}/`)
    await page.getByRole('heading', { level: 1, name: 'ابحث عن مساعدة وأنشطة قريبة منك' }).waitFor()
    await page.locator('[data-service-id]').first().waitFor()
    expect(await htmlLangDir(page)).toBe('ar rtl')
    await fitsAndPasses(page)
    await page.getByTestId('filters').locator('summary').click()
    await fitsAndPasses(page)
    await page.getByRole('button', { name: 'خريطة', exact: true }).click()
    await page.getByTestId('map-canvas').waitFor()
    await fitsAndPasses(page)

    // A listing's page: no Arabic translation, so its texts are Dutch and marked so; the languages named in Arabic.
    await page.goto(`${h.baseUrl}/aanbod/${listing.id}`)
    const name = page.getByRole('heading', { level: 1 })
    await expect.poll(() => name.textContent()).toBe(listing.name)
    expect(await name.getAttribute('lang')).toBe('nl')
    expect(await page.getByTestId('languages').textContent()).toContain('الهولندية')
    await fitsAndPasses(page)

    // Saved to the favourites, which list it right to left too.
    await page.getByTestId('favourite').click()
    await page.getByRole('link', { name: /^قائمتي/ }).click()
    await page.getByRole('heading', { level: 1, name: 'قائمتي' }).waitFor()
    await expect.poll(() => page.locator('[data-service-id]').count()).toBe(1)
    await fitsAndPasses(page)
    await page.goBack()

    // English: the listing's translation, marked lang="en"; nothing Dutch left in the facts around it.
    await page.getByLabel('اللغة').selectOption('en')
    await expect.poll(() => name.textContent()).toBe(listing.x_translations!.en!.name)
    expect(await htmlLangDir(page)).toBe('en ltr')
    expect(await name.getAttribute('lang')).toBe('en')
    expect(await page.getByTestId('description').getAttribute('lang')).toBe('en')
    expect(await page.getByTestId('description').textContent()).toBe(listing.x_translations!.en!.description)
    expect((await page.getByTestId('languages').textContent())!.replace(/\s+/g, ' ').trim()).toMatch(/^Languages: Dutch(, English)?$/)
    expect(await page.getByTestId('accessibility').first().textContent()).toBe('Wheelchair accessible, accessible toilet available')
    expect(await page.getByRole('heading', { name: 'What does it cost?' }).locator('xpath=..').textContent()).toContain('Contribution')
    await fitsAndPasses(page)

    // The about page leads to the explainer.
    await page.goto(`${h.baseUrl}/over`)
    await page.getByRole('link', { name: 'Read how it works' }).click()
    await page.getByRole('heading', { level: 1, name: 'Working together on what you need' }).waitFor()
    await fitsAndPasses(page)
    await context.close()
  })
})
