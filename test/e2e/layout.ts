/**
 * The automated layout check of issue 14, run on every screen any browser test visits.
 *
 * Design (so it never disturbs a running test and never resizes its page):
 * - `LayoutCheck.watch(browser)` hooks every context the harness's browser makes (as
 *   test/e2e/logWatch.ts does): an init script (test/e2e/layoutRules.ts `installWatcher`) in each
 *   page notices when a screen settles — DOM quiet for QUIET_MS after a load, mutation or SPA route
 *   change, and just before the app leaves a screen (history.pushState) or the page hides — and
 *   sends a script-free copy of the document (stylesheets and form state kept) through a binding.
 * - A screen is identified by a cheap signature of its DOM (the set of tag+class combinations), so a
 *   screen is checked once per test file however often it is visited (the same loading state or
 *   sign-in form on another route too), but a new state of it (an alert, an open form, a filled
 *   list) is checked too. Findings name the route (ids and tokens replaced by ":id"). Across the
 *   files of one run (`sharedSeen`, a folder the e2e project's global set-up makes): a screen
 *   another file checked already is not checked again (the sign-in screens, the case list…; about a
 *   third of all checks, which share the two cores with the tests). Not with SCREENSHOTS=1.
 * - The copies are checked one by one in the checker's OWN browser context (not the test's: its
 *   routes, offline mode, clock and frames stay untouched), in a page at the app's origin (an
 *   address served by page.route, never by the server) so stylesheets and fonts load as in the app
 *   (setContent keeps that address), laid out at 320×640 and at
 *   640×400 CSS px (200 % zoom of 1280), and measured by `measureLayout` (the three rules).
 * - Findings are collected per test file and reported when the harness stops, always printed and
 *   written to test-results/layout/<test file>.md (or LAYOUT_REPORT_DIR). LAYOUT_CHECK=fail (the
 *   default): the test file fails with one line per finding (screen, viewport, rule, element, size);
 *   LAYOUT_CHECK=report: the findings are only reported, the test passes (while fixing a screen);
 *   LAYOUT_CHECK=off: nothing runs.
 * - A page of the app at "localhost" instead of 127.0.0.1 (same port: test/e2e/vault.e2e.ts needs
 *   it for WebAuthn) is the same server, and is checked too.
 * - SCREENSHOTS=1: each checked screen's copy is also photographed full-page at 360 and 1280 px wide
 *   into screenshots/<test file>/<nn>-<route>-<width>.png (git-ignored; the folder of a test file is
 *   emptied when it starts). A copy has no canvas drawings and no running scripts, so the pictures
 *   show the screen as the test left it, without animations.
 * The rules are proven on fixtures by test/e2e/layout.e2e.ts (test/fixtures/layout/*.html).
 */
import { createHash } from 'node:crypto'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { installWatcher, measureLayout, type LayoutFinding, type LayoutSnapshot } from './layoutRules'

const ROOT = new URL('../../', import.meta.url).pathname
/** How long the DOM must stay quiet before a screen counts as settled. */
const QUIET_MS = 250
const BINDING = '__layoutSnapshot'
/** Where the checker serves a copy (intercepted: the server never sees it). */
const COPY_PATH = '/__layout-check__'
export const LAYOUT_VIEWPORTS = [
  { width: 320, height: 640 },
  { width: 640, height: 400 },
] as const
const SCREENSHOT_WIDTHS = [360, 1280] as const
/** The rules, once the copy's fonts are in (one round trip). */
const MEASURE = `document.fonts.ready.then(() => (${measureLayout.toString()})())`

export type LayoutMode = 'report' | 'fail' | 'off'
export const layoutMode = (): LayoutMode => {
  const mode = process.env.LAYOUT_CHECK ?? 'fail'
  if (mode !== 'report' && mode !== 'fail' && mode !== 'off') throw new Error(`LAYOUT_CHECK must be report, fail or off, not "${mode}"`)
  return mode
}

/** A route with its ids and tokens replaced, e.g. /casussen/:id/plan. */
export function routeOf(url: string): string {
  const path = new URL(url).pathname
    .split('/')
    .map((s) => (/^[0-9a-f-]{8,}$/i.test(s) || /\d{3,}/.test(s) || s.length >= 20 ? ':id' : s))
    .join('/')
  return path || '/'
}

/** Whether a page's address is the test's server: the same port at 127.0.0.1 or localhost. */
export function sameServer(url: string, baseUrl: string): boolean {
  const page = new URL(url)
  const base = new URL(baseUrl)
  const local = (host: string) => host === 'localhost' || host === '127.0.0.1'
  return page.port === base.port && page.protocol === base.protocol && (page.hostname === base.hostname || (local(page.hostname) && local(base.hostname)))
}

/** One finding on one screen, as a line of the report. */
export const findingLine = (route: string, viewports: string, f: LayoutFinding, more = 0) =>
  `${route} @ ${viewports}: ${f.rule}: ${f.selector} ${f.element} (${f.detail})${more ? ` and ${more} more like it` : ''}`

export class LayoutCheck {
  private readonly mode: LayoutMode
  private readonly screenshots = process.env.SCREENSHOTS === '1'
  private readonly seen = new Set<string>()
  /** Findings grouped by screen, rule and place: route|rule|selector → viewports and examples. */
  private readonly groups = new Map<string, { route: string; finding: LayoutFinding; viewports: Set<string>; elements: Set<string> }>()
  private readonly routes = new Set<string>()
  private queue: Promise<void> = Promise.resolve()
  private checker: Promise<Page> | undefined
  private newContext: Browser['newContext'] | undefined
  private checked = 0
  private failedChecks = 0
  private busyMs = 0
  private loadMs = 0

  /**
   * `testFile`: the test file's name, for the report and the screenshot folder. `sharedSeen`: the
   * run's folder of screens checked by any file (none: this file's own only, as the self-test wants).
   */
  constructor(private readonly baseUrl: string, private readonly testFile: string, mode = layoutMode(), private readonly sharedSeen?: string) {
    this.mode = mode
    if (this.screenshots) rmSync(this.screenshotDir, { recursive: true, force: true })
  }

  private get screenshotDir(): string {
    return join(ROOT, 'screenshots', this.testFile)
  }

  /** Hooks every context the browser makes from now on. Call before other wrappers (it keeps the original newContext for itself). */
  watch(browser: Browser): void {
    if (this.mode === 'off' && !this.screenshots) return
    const newContext = browser.newContext.bind(browser)
    this.newContext = newContext
    browser.newContext = async (...args) => this.context(await newContext(...args))
    browser.newPage = async (...args) => {
      const context = await browser.newContext(...args)
      const page = await context.newPage()
      // browser.newPage's context closes with its page.
      page.once('close', () => void context.close().catch(() => {}))
      return page
    }
  }

  private async context(context: BrowserContext): Promise<BrowserContext> {
    await context.exposeBinding(BINDING, (_source, snapshot: LayoutSnapshot) => this.enqueue(snapshot))
    await context.addInitScript(installWatcher, { bindingName: BINDING, quietMs: QUIET_MS })
    // A page closing (by the test or with its context) sends its last screen first.
    context.on('page', (page) => {
      const closePage = page.close.bind(page)
      page.close = async (...args) => {
        await this.flush(page)
        return closePage(...args)
      }
    })
    const close = context.close.bind(context)
    context.close = async (...args) => {
      await this.flush(context)
      return close(...args)
    }
    return context
  }

  /** Sends each open page's current screen (it may not have been quiet long enough yet). */
  private async flush(of: BrowserContext | Page): Promise<void> {
    const pages = 'pages' in of ? of.pages() : [of]
    await Promise.all(pages.map((p) => p.evaluate('window.__layoutFlush && window.__layoutFlush()').catch(() => {})))
  }

  private enqueue(snapshot: LayoutSnapshot): void {
    if (!sameServer(snapshot.url, this.baseUrl)) return
    // The copy is laid out at the checker's origin: the app's own addresses in it (its base, the
    // lazily added stylesheets, which Vite links absolutely and crossorigin) are moved there, or a
    // stylesheet from "localhost" would be refused as cross-origin. Same length: nothing reflows.
    const origin = new URL(snapshot.url).origin
    if (origin !== this.baseUrl) snapshot = { ...snapshot, html: snapshot.html.split(origin).join(this.baseUrl) }
    const route = routeOf(snapshot.url)
    this.routes.add(route)
    // A screen is its DOM's signature: the same structure on another route (a loading state, a
    // sign-in form) is checked once.
    if (this.seen.has(snapshot.signature)) return
    this.seen.add(snapshot.signature)
    if (this.checkedElsewhere(snapshot.signature)) return
    this.queue = this.queue.then(() => this.check(route, snapshot)).catch(() => void this.failedChecks++)
  }

  /** Claims the screen for this file in the run's shared folder; true when another file had it (the file exists). */
  private checkedElsewhere(signature: string): boolean {
    if (!this.sharedSeen || this.screenshots) return false
    try {
      writeFileSync(join(this.sharedSeen, createHash('sha256').update(signature).digest('hex')), this.testFile, { flag: 'wx' })
      return false
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EEXIST'
    }
  }

  private checkerPage(): Promise<Page> {
    this.checker ??= (async () => {
      const context = await this.newContext!({ viewport: LAYOUT_VIEWPORTS[0], serviceWorkers: 'block', deviceScaleFactor: 1 })
      const page = await context.newPage()
      await page.route(`${this.baseUrl}${COPY_PATH}`, (r) => r.fulfill({ contentType: 'text/html; charset=utf-8', body: '<!DOCTYPE html><title>layout check</title>' }))
      await page.goto(`${this.baseUrl}${COPY_PATH}`)
      return page
    })()
    return this.checker
  }

  private async check(route: string, snapshot: LayoutSnapshot): Promise<void> {
    const started = Date.now()
    const page = await this.checkerPage()
    await page.setViewportSize(LAYOUT_VIEWPORTS[0])
    // setContent keeps the page's address (the app's origin, so stylesheets and fonts load as in the app).
    await page.setContent(snapshot.html, { waitUntil: 'load' })
    this.loadMs += Date.now() - started
    const phases = [Date.now() - started]
    if (this.mode !== 'off') {
      for (const viewport of LAYOUT_VIEWPORTS) {
        if (viewport !== LAYOUT_VIEWPORTS[0]) await page.setViewportSize(viewport)
        for (const f of (await page.evaluate(MEASURE)) as LayoutFinding[]) this.add(route, `${viewport.width}×${viewport.height}`, f)
        phases.push(Date.now() - started)
      }
    }
    this.checked++
    if (this.screenshots) {
      mkdirSync(this.screenshotDir, { recursive: true })
      const name = `${String(this.checked).padStart(2, '0')}-${route.replace(/^\//, '').replace(/[^\w:-]+/g, '_').replace(/:/g, '') || 'start'}`
      for (const width of SCREENSHOT_WIDTHS) {
        await page.setViewportSize({ width, height: 800 })
        await page.screenshot({ path: join(this.screenshotDir, `${name}-${width}.png`), fullPage: true })
      }
    }
    this.busyMs += Date.now() - started
    if (process.env.LAYOUT_DEBUG) console.log(`layout: ${route} ${snapshot.signature} ${Date.now() - started} ms (loaded ${phases.join(', measured ')}; ${snapshot.html.length} chars)`)
  }

  private add(route: string, viewport: string, finding: LayoutFinding): void {
    const key = `${route}|${finding.rule}|${finding.selector}`
    const group = this.groups.get(key) ?? { route, finding, viewports: new Set(), elements: new Set() }
    group.viewports.add(viewport)
    group.elements.add(finding.element)
    this.groups.set(key, group)
  }

  /** One line per screen, rule and place (the first example's text and size, and how many more). */
  lines(): string[] {
    return [...this.groups.values()].map((g) => findingLine(g.route, [...g.viewports].join(', '), g.finding, g.elements.size - 1)).sort()
  }

  /**
   * Checks what is still waiting (each open page's current screen too) and returns the problems
   * to fail the test file with (none in report mode: those go to stdout and test-results/layout/).
   */
  async finish(browser: Browser): Promise<string[]> {
    if (!this.newContext) return []
    for (const context of browser.contexts()) await this.flush(context)
    // The last binding calls are delivered before the evaluations above answered; their checks are queued.
    await this.queue
    const lines = this.lines()
    const summary = `Layout check (${this.testFile}): ${this.checked} screens checked at ${LAYOUT_VIEWPORTS.map((v) => `${v.width}×${v.height}`).join(' and ')} in ${(this.busyMs / 1000).toFixed(1)} s (loading the copies ${(this.loadMs / 1000).toFixed(1)} s)${this.failedChecks ? `, ${this.failedChecks} could not be checked` : ''}; ${lines.length} findings. Routes: ${[...this.routes].sort().join(', ')}`
    if (this.mode === 'off') return []
    const report = [`## ${this.testFile}`, '', summary, '', ...lines.map((l) => `- ${l}`), ''].join('\n')
    const dir = process.env.LAYOUT_REPORT_DIR ?? join(ROOT, 'test-results', 'layout')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, `${this.testFile}.md`), report)
    console.log(report)
    return this.mode === 'fail' ? lines : []
  }
}

/** The running test file's name without extension (for the report and the screenshot folder). */
export const testFileName = (path: string | undefined): string => (path ? basename(path).replace(/\.e2e\.ts$|\.ts$/, '') : 'unknown')
