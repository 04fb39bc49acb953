import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildExampleMap } from '../../src/server/seed/exampleMap'
import { seedExampleMapIfEmpty } from '../../src/server/seed/seedIfEmpty'
import { storeServices } from '../../src/server/socialMap/repository'
import { setupServerTest, type ServerTest } from './fixture'
import { readMap, TEST_DATABASE_URL } from './helpers'

let server: ServerTest
beforeEach(async () => {
  server = await setupServerTest()
})
afterEach(async () => {
  await server.close()
})

const get = (path: string, headers: Record<string, string> = {}) => server.app.request(path, { headers })
const post = (path: string, body: string, type = 'application/json') =>
  server.app.request(path, { method: 'POST', body, headers: { 'Content-Type': type } })

describe('the server', () => {
  it('answers the health check with the database kind', async () => {
    const res = await get('/api/health')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok', db: TEST_DATABASE_URL ? 'postgres' : 'pglite' })
  })

  it('sends security headers: a CSP without inline scripts, nosniff, no framing', async () => {
    const res = await get('/api/health')
    const csp = res.headers.get('Content-Security-Policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).toContain("frame-ancestors 'none'")
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff')
  })

  it('loads the example map once when the social map is empty', async () => {
    expect(await seedExampleMapIfEmpty(server.db)).toBeGreaterThanOrEqual(150)
    expect(await seedExampleMapIfEmpty(server.db)).toBe(0)
  })
})

describe('GET /api/social-map', () => {
  beforeEach(async () => {
    await storeServices(server.db, buildExampleMap({ referenceDate: '2026-11-01' }))
  })

  it('sends the whole published map, gzip-compressed, with a version and an ETag', async () => {
    const res = await get('/api/social-map', { 'Accept-Encoding': 'gzip' })
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Encoding')).toBe('gzip')
    expect(res.headers.get('ETag')).toMatch(/^"m1-/)
    const doc = await readMap(res)
    expect(doc.version).toBe(1)
    expect(doc.services.length).toBeGreaterThanOrEqual(150)
  })

  it('answers 304 without a body when the phone already has this version', async () => {
    const etag = (await get('/api/social-map')).headers.get('ETag')!
    const again = await get('/api/social-map', { 'If-None-Match': etag })
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')
  })

  it('sends the new map after a change, under a new ETag', async () => {
    const etag = (await get('/api/social-map')).headers.get('ETag')!
    const [first] = buildExampleMap({ referenceDate: '2026-11-01' })
    await storeServices(server.db, [{ ...first!, name: 'Wandelgroep Oss (nieuw)' }])
    const res = await get('/api/social-map', { 'If-None-Match': etag })
    expect(res.status).toBe(200)
    expect(res.headers.get('ETag')).not.toBe(etag)
    expect((await readMap(res)).services.some((s) => s.name === 'Wandelgroep Oss (nieuw)')).toBe(true)
  })
})

describe('POST /api/reports ("Klopt er iets niet?")', () => {
  const serviceId = buildExampleMap({ referenceDate: '2026-11-01' })[0]!.id
  const report = { id: '6a1b7f3c-2d4e-4f50-8a6b-7c8d9e0f1a2b', serviceId, message: 'De tijden kloppen niet meer.' }
  beforeEach(async () => {
    await storeServices(server.db, buildExampleMap({ referenceDate: '2026-11-01' }))
  })

  it('stores a report once, even when the phone sends it twice', async () => {
    expect((await post('/api/reports', JSON.stringify(report))).status).toBe(201)
    const again = await post('/api/reports', JSON.stringify(report))
    expect(again.status).toBe(200)
    expect(await again.json()).toMatchObject({ status: 'already-received' })
    const { rows } = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM listing_reports')
    expect(rows[0]!.n).toBe(1)
  })

  it('answers 400 with a readable reason, never a stack trace, for bad input', async () => {
    for (const body of ['{not json', JSON.stringify({ ...report, message: '' }), JSON.stringify({ ...report, extra: 1 }), JSON.stringify([1, 2])]) {
      const res = await post('/api/reports', body)
      expect(res.status).toBe(400)
      const json = (await res.json()) as { error: string }
      expect(json.error).toMatch(/^(The body is not valid JSON|Invalid report)/)
      expect(json.error).not.toMatch(/at .+\.ts:\d+/)
    }
    const { rows } = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM listing_reports')
    expect(rows[0]!.n).toBe(0)
  })

  it('refuses a NUL character in any string of a body with 400, not a 500 from the database (found by the fuzz test)', async () => {
    for (const body of [JSON.stringify({ ...report, message: 'Klopt niet\u0000' }), JSON.stringify({ ...report, ['\u0000']: 1 }), JSON.stringify({ ...report, extra: [[['\u0000']]] })]) {
      const res = await post('/api/reports', body)
      expect(res.status).toBe(400)
      expect(((await res.json()) as { error: string }).error).toMatch(/NUL character/)
    }
  })

  it('refuses a body that is not JSON and one over the size limit', async () => {
    expect((await post('/api/reports', 'x', 'text/plain')).status).toBe(400)
    expect((await post('/api/reports', JSON.stringify({ ...report, message: 'x'.repeat(100_000) }))).status).toBe(413)
  })

  it('answers 404 for a report on a listing that does not exist', async () => {
    const res = await post('/api/reports', JSON.stringify({ ...report, serviceId: '00000000-0000-4000-8000-000000000000' }))
    expect(res.status).toBe(404)
  })
})
