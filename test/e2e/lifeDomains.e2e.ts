/**
 * The life-domain picture on a 360 px phone (issue 14): the baseline given in step 2 is kept when
 * the scores change later, the picture shows baseline against now with a table beside it, the
 * scale says which end is good, the controls are big enough to tap, domain names never break
 * mid-word, and the save state is in view where the person is working.
 */
import type { Locator, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { seriousViolations } from './axe'
import { caseIdOf, storedAt, untilStored } from './caseStorage'
import { unlockVault } from './signIn'
import { useOrganisation, workerOnPhone } from './socialWorkerPhone'

const organisation = useOrganisation()

/** Gives a life domain a score, as a person taps it. */
async function score(page: Page, domain: string, value: number) {
  await page.getByRole('group', { name: domain, exact: true }).getByRole('radio', { name: String(value), exact: true }).check()
}
const step = (page: Page, n: number) => page.getByRole('link', { name: new RegExp(`^${n}\\. `) }).click()

/** Each word of the element's text sits on one line (no "dagbestedin/g"). */
const wordsBrokenMidWord = (el: Locator) =>
  el.evaluate((node) => {
    const text = node.firstChild!
    const broken: string[] = []
    for (const m of (text.textContent ?? '').matchAll(/\S+/g)) {
      const range = document.createRange()
      range.setStart(text, m.index)
      range.setEnd(text, m.index + m[0].length)
      if (new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1) broken.push(m[0])
    }
    return broken
  })

/** The element is on screen and nothing covers it (a sticky or fixed bar over it would). */
const inView = (el: Locator) =>
  el.evaluate((node) => {
    const r = node.getBoundingClientRect()
    if (r.height === 0 || r.top < 0 || r.bottom > window.innerHeight) return false
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)
    return !!hit && (hit === node || node.contains(hit))
  })

describe('the life-domain picture', () => {
  it('keeps the step-2 baseline through later scores, steps and a reload, and shows it against now', async () => {
    const page = (await workerOnPhone(organisation, 'domeinen@welzijn.example')).page
    await page.getByRole('button', { name: 'Nieuwe casus' }).click()
    await page.getByRole('heading', { name: 'Casus: Samenwerkwijze' }).waitFor()
    const caseId = caseIdOf(page)
    await page.getByLabel('Naam van de inwoner').fill('Jan de Vries')
    await step(page, 2)

    // The scale says which end is good; names do not break mid-word; targets are big enough.
    const section = page.getByRole('region', { name: 'Levensdomeinen' })
    await expect.poll(() => section.textContent()).toMatch(/1 = grote zorgen.*5 = gaat goed/)
    expect(await wordsBrokenMidWord(section.getByText('Werk en dagbesteding', { exact: true }))).toEqual([])
    const talk = page.getByRole('checkbox', { name: 'Hier wil ik over praten: Geldzaken' })
    const box = (await talk.boundingBox())!
    expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(24)
    const target = (await talk.locator('xpath=ancestor::label').boundingBox())!
    expect(Math.min(target.width, target.height)).toBeGreaterThanOrEqual(44)
    const one = (await page.getByRole('group', { name: 'Geldzaken', exact: true }).getByRole('radio', { name: '1', exact: true }).boundingBox())!
    expect(Math.min(one.width, one.height)).toBeGreaterThanOrEqual(44)

    // The first scoring (step 2) is the baseline.
    await score(page, 'Geldzaken', 2)
    await score(page, 'Wonen', 4)
    await talk.check()
    // Far down the page the save state is in view, in Dutch time ("Opgeslagen om 03:16").
    await score(page, 'Mantelzorg', 3)
    const saveState = page.getByTestId('save-state')
    await expect.poll(() => saveState.textContent()).toMatch(/^\s*Opgeslagen om \d{2}:\d{2}\s*$/)
    await page.getByRole('group', { name: 'Mantelzorg', exact: true }).scrollIntoViewIfNeeded()
    expect(await inView(saveState)).toBe(true)
    expect(await seriousViolations(page)).toEqual([])

    // Later, in step 4, money got better: "now" changes, the baseline does not.
    await step(page, 4)
    const before = await storedAt(page, caseId)
    await score(page, 'Geldzaken', 4)
    await untilStored(page, caseId, (c) => c.updatedAt !== before)
    await page.reload()
    await unlockVault(page)
    await page.getByRole('heading', { name: 'Casus: Samenwerkwijze' }).waitFor()
    // The address keeps the step viewed: unlocked again, the case is back at step 4.
    expect(await page.getByRole('link', { name: /^4\. / }).getAttribute('aria-current')).toBe('step')

    const table = page.getByRole('table', { name: /Levensdomeinen: begin en nu/ })
    await expect.poll(() => table.getByRole('row', { name: /Geldzaken/ }).textContent()).toMatch(/Geldzaken\s*2\s*4\s*\+2/)
    expect(await table.getByRole('row', { name: /Wonen/ }).textContent()).toMatch(/Wonen\s*4\s*4\s*0/)
    const chart = page.getByRole('img', { name: /Levensdomeinen/ })
    expect(await chart.getAttribute('aria-label')).toMatch(/Geldzaken: begin 2, nu 4/)
    // A radar: one axis per domain, rings 1–5 labelled, baseline dashed, now solid, a legend in words.
    expect(await chart.locator('[data-axis]').count()).toBe(13)
    expect(await chart.locator('[data-ring-label]').allTextContents()).toEqual(['1', '2', '3', '4', '5'])
    expect(await chart.locator('[data-shape="baseline"]').first().evaluate((n) => getComputedStyle(n).strokeDasharray)).not.toBe('none')
    expect(await chart.locator('[data-shape="now"]').first().evaluate((n) => getComputedStyle(n).strokeDasharray)).toBe('none')
    expect(await page.getByTestId('chart-legend').textContent()).toMatch(/Begin.*Nu/)
    // At 320 px no axis label is cut off.
    await page.setViewportSize({ width: 320, height: 640 })
    const clipped = await chart.evaluate((svg) => {
      const box = svg.getBoundingClientRect()
      return [...svg.querySelectorAll('text')].filter((t) => {
        const r = t.getBoundingClientRect()
        return r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5
      }).map((t) => t.textContent)
    })
    expect(clipped).toEqual([])
    expect(await seriousViolations(page)).toEqual([])

    // The resident's printed plan shows the same picture.
    await page.getByRole('link', { name: 'Plan voor de inwoner (afdrukken)' }).click()
    await page.getByRole('heading', { name: 'Mijn plan' }).waitFor()
    await page.emulateMedia({ media: 'print' })
    // The resident's words: "Mijn leven" (the plan is the resident's, docs/resident-plan.md).
    expect(await page.getByRole('img', { name: /Mijn leven/ }).isVisible()).toBe(true)
    expect(await page.getByRole('table', { name: /Mijn leven: begin en nu/ }).getByRole('row', { name: /Geldzaken/ }).textContent()).toMatch(/Geldzaken\s*2\s*4\s*\+2/)
    await page.emulateMedia({ media: 'screen' })
    expect(await seriousViolations(page)).toEqual([])
  })
})
