/**
 * Proves the layout check (test/e2e/layout.ts, test/e2e/layoutRules.ts) can fail: each rule on a
 * fixture page (test/fixtures/layout/*.html) that breaks it — today's inbox facts grid, a page that
 * scrolls sideways, a 19-px-high header link — and the exceptions that must pass: a link inside a
 * sentence, a 13 px checkbox inside a big label, elements that are not visible. Then the whole
 * path a browser test takes: a page settles, the app changes route with history.pushState, and the
 * check reports the screen it left. One browser, no server (pages are served through page.route).
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROMIUM } from './harness'
import { LAYOUT_VIEWPORTS, LayoutCheck, routeOf } from './layout'
import { measureLayout } from './layoutRules'

const FIXTURES = new URL('../fixtures/layout/', import.meta.url).pathname
const ORIGIN = 'http://layout.test'
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8')

let browser: Browser
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] })
})
afterAll(async () => {
  await browser?.close()
})

describe('the layout rules on fixtures', () => {
  it('fail exactly the fixtures that break a rule, at 320×640 and 640×400', async () => {
    const page = await browser.newPage()
    const found: Record<string, string[]> = {}
    for (const name of readdirSync(FIXTURES).filter((f) => f.endsWith('.html')).sort()) {
      await page.goto(`file://${join(FIXTURES, name)}`)
      const rules = new Set<string>()
      for (const viewport of LAYOUT_VIEWPORTS) {
        await page.setViewportSize(viewport)
        for (const f of await page.evaluate(measureLayout)) rules.add(`${viewport.width}:${f.rule}`)
      }
      found[name] = [...rules].sort()
    }
    expect(found).toEqual({
      'checkbox-in-label.html': [],
      'header-link.html': ['320:small-target', '640:small-target'],
      'inbox-facts.html': ['320:narrow-text'],
      'link-in-sentence.html': [],
      'sideways.html': ['320:sideways-scroll', '640:sideways-scroll'],
      'visually-hidden.html': [],
    })
    await page.close()
  })

  it('name the element and its size', async () => {
    const page = await browser.newPage({ viewport: LAYOUT_VIEWPORTS[0] })
    await page.goto(`file://${join(FIXTURES, 'inbox-facts.html')}`)
    const findings = await page.evaluate(measureLayout)
    expect(findings.map((f) => `${f.selector} ${f.element}`)).toContain('dl.facts > dd "06 31415926"')
    expect(findings[0]!.detail).toMatch(/^text box [\d.]+ px < 4ch [\d.]+ px, \d+ lines$/)
    await page.goto(`file://${join(FIXTURES, 'header-link.html')}`)
    expect(await page.evaluate(measureLayout)).toEqual([{ rule: 'small-target', selector: 'li > a', element: '"Zoeken"', detail: expect.stringMatching(/^[\d.]+×19 px$/) }])
    await page.close()
  })
})

describe('the check on a running app', () => {
  it('checks a screen when it settles, and the screen it leaves on an SPA route change even if it never settled', async () => {
    const check = new LayoutCheck(ORIGIN, 'layout-selftest', 'fail')
    check.watch(browser)
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    await context.route(`${ORIGIN}/**`, (r) => r.fulfill({ contentType: 'text/html', body: fixture(new URL(r.request().url()).pathname.includes('header') ? 'header-link.html' : 'link-in-sentence.html') }))
    const page = await context.newPage()
    await page.goto(`${ORIGIN}/start`)
    // The app swaps in the inbox and changes route at once: the DOM is never quiet on /inbox/… first.
    await page.evaluate((html) => {
      history.pushState({}, '', '/inbox/1f0e4b2c-9d1a-4e55-8a0b-3c2d1e0f9a8b')
      document.body.innerHTML = new DOMParser().parseFromString(html, 'text/html').body.innerHTML
      document.head.insertAdjacentHTML('beforeend', new DOMParser().parseFromString(html, 'text/html').head.innerHTML)
      history.pushState({}, '', '/header')
      document.body.innerHTML = '<header><ul class="app-nav"><li><a href="/zoeken">Zoeken</a></li></ul></header>'
    }, fixture('inbox-facts.html'))
    await page.goto(`${ORIGIN}/header`)
    await context.close()
    const problems = await check.finish(browser)
    expect(routeOf(`${ORIGIN}/inbox/1f0e4b2c-9d1a-4e55-8a0b-3c2d1e0f9a8b`)).toBe('/inbox/:id')
    expect(problems.filter((l) => l.startsWith('/inbox/:id @ 320×640: narrow-text: dl.facts > dd ')).length).toBeGreaterThan(0)
    expect(problems.filter((l) => l.startsWith('/header @ 320×640, 640×400: small-target: li > a "Zoeken"')).length).toBeGreaterThan(0)
    expect(problems.filter((l) => l.startsWith('/start'))).toEqual([])
  })
})
