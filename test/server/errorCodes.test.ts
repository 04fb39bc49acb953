/**
 * Every error the server answers carries a machine `code` (issue 12), so the app can say it in
 * Dutch instead of "unknown": the replies that had none, the catch-all 404, the error handler,
 * and the static files. And no route writes an error reply by hand (src/server/http/problem.ts).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HTTPException } from 'hono/http-exception'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MAX_BODY_BYTES } from '../../src/server/app'
import { setupServerTest, type ServerTest } from './fixture'

let t: ServerTest
beforeEach(async () => {
  t = await setupServerTest()
})
afterEach(async () => {
  await t.close()
})

/** Status and code of an answer, and whether it has words for a person too. */
async function problemOf(res: Response) {
  const body = (await res.json()) as { code?: unknown; error?: unknown }
  return { status: res.status, code: body.code, hasText: typeof body.error === 'string' && body.error.length > 0 }
}

const NO_SUCH = '00000000-0000-4000-8000-000000000000'

describe('error replies', () => {
  it('name a code for an unknown API path, a body too large, a thrown HTTP error and a crash', async () => {
    // Routes added behind the app's own (before its first request), so its error handler answers for them.
    const app = t.appWith({})
    app.get('/test/http-exception', () => {
      throw new HTTPException(418, { message: 'Teapot' })
    })
    app.get('/test/crash', () => {
      throw new Error('boom')
    })
    expect(await problemOf(await app.request('/api/no-such-thing'))).toEqual({ status: 404, code: 'not-found', hasText: true })
    const big = await app.request('/api/reports', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ message: 'x'.repeat(MAX_BODY_BYTES) }) })
    expect(await problemOf(big)).toEqual({ status: 413, code: 'too-large', hasText: true })
    expect(await problemOf(await app.request('/test/http-exception'))).toEqual({ status: 418, code: 'bad-request', hasText: true })
    expect(await problemOf(await app.request('/test/crash'))).toEqual({ status: 500, code: 'server-error', hasText: true })
  })

  it("name a code for the map editor's and the device list's unknown ids", async () => {
    const editor = await t.signedIn('kaartbeheerder')
    for (const [method, path, body] of [
      ['GET', `/api/map/services/${NO_SUCH}`],
      ['POST', `/api/map/services/${NO_SUCH}/retire`],
      ['GET', '/api/map/services/not-a-uuid/versions'],
      ['POST', `/api/map/reports/${NO_SUCH}/resolve`, { resolution: 'Aangepast' }],
      ['POST', `/api/map/proposals/${NO_SUCH}/accept`],
      ['POST', `/api/map/proposals/${NO_SUCH}/reject`, { reason: 'Klopt niet' }],
      ['GET', `/api/devices/${NO_SUCH}`],
    ] as const) {
      const res = await editor.agent.call(method, path, body)
      expect({ path, ...(await problemOf(res)) }).toEqual({ path, status: 404, code: 'not-found', hasText: true })
    }
  })

  it('name a code from the static files: a bad path, a missing file, an app not built', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swz-static-'))
    try {
      const app = t.appWith({ staticDir: dir })
      expect(await problemOf(await app.request('/%E0%A4%A'))).toEqual({ status: 400, code: 'bad-path', hasText: true })
      expect(await problemOf(await app.request('/assets/missing.js'))).toEqual({ status: 404, code: 'not-found', hasText: true })
      expect(await problemOf(await app.request('/kaart'))).toEqual({ status: 503, code: 'not-built', hasText: true })
      // The build's own files in dot-folders (.vite/manifest.json: every source path and chunk, the professionals'
      // pages too) are not the app's: not served, also not by another spelling of the path.
      mkdirSync(join(dir, '.vite'))
      writeFileSync(join(dir, '.vite', 'manifest.json'), '{"src/app/boot.ts":{}}')
      writeFileSync(join(dir, 'index.html'), '<!doctype html>')
      for (const path of ['/.vite/manifest.json', '/assets/../.vite/manifest.json', '/%2Evite/manifest.json', '/.vite/'])
        expect({ path, ...(await problemOf(await app.request(path))) }).toEqual({ path, status: 404, code: 'not-found', hasText: true })
      expect((await app.request('/kaart')).status).toBe(200)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('are written through problem() only: no route answers an error by hand', () => {
    const root = new URL('../../src/server/', import.meta.url).pathname
    const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : f.endsWith('.ts') ? [join(dir, f)] : []))
    const byHand = files(root).filter((f) => /c\.json\(\s*\{\s*error\b|c\.text\(/.test(readFileSync(f, 'utf8')))
    expect(byHand).toEqual([])
  })
})
