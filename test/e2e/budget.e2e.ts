/**
 * The start page's size budget (issue 14), checked on the build the browser tests use
 * (`npm run test:e2e` builds it first; E2E_DIST names another folder): what index.html loads
 * before the page can draw, JavaScript ≤ 100 KB gzip and CSS ≤ 15 KB gzip. `npm run bench`
 * prints the same figures beside the full NL Design System library's CSS (docs/theme.md).
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'

const DIST = join(new URL('../../', import.meta.url).pathname, process.env.E2E_DIST ?? 'dist')
const html = readFileSync(join(DIST, 'index.html'), 'utf8')
const gzipKb = (files: string[]) => files.reduce((sum, file) => sum + gzipSync(readFileSync(join(DIST, file))).length, 0) / 1024

describe('the start page', () => {
  it('loads at most 100 KB gzip of JavaScript on the main thread', () => {
    const linked = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!)
    // The update prompt imports workbox-window at start (as bench/run.ts counts it).
    const workbox = readdirSync(join(DIST, 'assets')).filter((f) => f.startsWith('workbox-window')).map((f) => `/assets/${f}`)
    expect(linked.length).toBeGreaterThan(0)
    expect(gzipKb([...new Set([...linked, ...workbox])])).toBeLessThanOrEqual(100)
  })

  it('loads at most 15 KB gzip of CSS', () => {
    const linked = [...html.matchAll(/href="(\/assets\/[^"]+\.css)"/g)].map((m) => m[1]!)
    expect(linked.length).toBeGreaterThan(0)
    expect(gzipKb(linked)).toBeLessThanOrEqual(15)
  })
})
