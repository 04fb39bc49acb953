/**
 * The start page's size budget (issue 14), checked on the build the browser tests use
 * (`npm run test:e2e` builds it first; E2E_DIST names another folder): what the start page loads
 * before a resident can use it (build/startPageAssets.ts), JavaScript ≤ 100 KB gzip and CSS ≤ 15 KB gzip. `npm run bench`
 * prints the same figures beside the full NL Design System library's CSS (docs/theme.md).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { COMPILE_HINT } from '../../build/compileHints'
import { startPageAssets } from '../../build/startPageAssets'

const DIST = join(new URL('../../', import.meta.url).pathname, process.env.E2E_DIST ?? 'dist')
const assets = startPageAssets(DIST)
const gzipKb = (files: string[]) => files.reduce((sum, file) => sum + gzipSync(readFileSync(join(DIST, file))).length, 0) / 1024

describe('the start page', () => {
  it('loads at most 100 KB gzip of JavaScript on the main thread', () => {
    // The entry, the app it loads at once (boot.ts) with what that imports, the head script, workbox-window.
    expect(assets.js.some((f) => f.includes('/boot-'))).toBe(true)
    expect(assets.js.some((f) => f.includes('/start-page-'))).toBe(true)
    expect(gzipKb(assets.js)).toBeLessThanOrEqual(100)
  })

  it('marks what it runs at once for compiling while it downloads', () => {
    // build/compileHints.ts: V8 compiles a marked file on a background thread as it streams in, not
    // function by function on the main thread during the mount. The head script and workbox-window are not in the graph.
    const graph = assets.js.filter((f) => !f.includes('/start-page-') && !f.includes('/workbox-window'))
    expect(graph.length).toBeGreaterThan(2)
    expect(graph.filter((f) => !readFileSync(join(DIST, f), 'utf8').startsWith(COMPILE_HINT))).toEqual([])
  })

  it('starts the app from a handful of script files, not a dozen', () => {
    // build/startChunk.ts: each file is a request the main thread starts right after the first paint, and a slow
    // line a connection; the automatic split made fifteen of them. The entry, boot.ts, Vue's, the app's start-up and
    // the bundler's runtime.
    const graph = assets.js.filter((f) => !f.includes('/start-page-') && !f.includes('/workbox-window'))
    expect(graph.length).toBeLessThanOrEqual(5)
  })

  it('loads at most 15 KB gzip of CSS', () => {
    expect(assets.css.length).toBeGreaterThan(0)
    expect(gzipKb(assets.css)).toBeLessThanOrEqual(15)
  })
})
