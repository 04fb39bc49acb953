/**
 * Map updates by delta (docs/social-map-sync.md): every write path stamps the listings it changes
 * with the version it publishes, a phone holding version n gets only what changed since, and a
 * version the server cannot vouch for gets the full document.
 */
import { gunzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../src/server/db/database'
import { buildExampleMap } from '../../src/server/seed/exampleMap'
import { generateServices } from '../../src/server/seed/syntheticServices'
import { bumpMapVersion, mapVersion, storeServices } from '../../src/server/socialMap/repository'
import { socialMapDeltaSchema, type SocialMapDelta } from '../../src/shared/api/socialMap'
import type { Service } from '../../src/shared/socialMap/hsds'
import { Clock, signedIn } from './agent'
import { setupServerTest, type TestApp } from './fixture'

let db: Database
let close: () => Promise<void>
let clock: Clock
let app: TestApp
beforeEach(async () => {
  ;({ db, close, clock, app } = await setupServerTest())
})
afterEach(async () => {
  await close()
})

const get = (query = '', gzip = false) => app.request(`/api/social-map${query}`, { headers: gzip ? { 'Accept-Encoding': 'gzip' } : {} })
const bodyOf = async (res: Response) => {
  const buf = Buffer.from(await res.arrayBuffer())
  return res.headers.get('Content-Encoding') === 'gzip' ? gunzipSync(buf) : buf
}
const sinceQuery = (held: { version: number; publishedAt: string }) => `?since=${held.version}&at=${encodeURIComponent(held.publishedAt)}`
async function delta(held: { version: number; publishedAt: string }): Promise<SocialMapDelta> {
  const res = await get(sinceQuery(held))
  expect(res.status).toBe(200)
  expect(res.headers.get('X-Map-Answer')).toBe('delta')
  return socialMapDeltaSchema.parse(JSON.parse((await bodyOf(res)).toString('utf8')))
}

/** Many listings in one statement (storeServices writes them one by one), stamped like any write: version first. */
async function seedMany(services: Service[]): Promise<void> {
  await db.transaction(async (tx) => {
    const version = await bumpMapVersion(tx)
    await tx.query(`INSERT INTO services (id, doc, status, changed_version) SELECT (e->>'id')::uuid, e, e->>'status', $2 FROM jsonb_array_elements($1::jsonb) AS e`, [JSON.stringify(services), version])
  })
}

describe('a delta at 10,000 services', () => {
  it('carries one changed listing in under 5 % of the full document, gzip against gzip and JSON against JSON', async () => {
    const services = generateServices(10_000)
    await seedMany(services)
    const held = await mapVersion(db)
    const changed: Service = { ...services[4321]!, name: 'Taalcafé Heesch (nu ook op vrijdag)' }
    await storeServices(db, [changed])

    const fullGzip = (await (await get('', true)).arrayBuffer()).byteLength
    const fullJson = (await bodyOf(await get(''))).byteLength
    const deltaRes = await get(sinceQuery(held), true)
    expect(deltaRes.headers.get('Content-Encoding')).toBe('gzip')
    const deltaGzip = Buffer.from(await deltaRes.arrayBuffer())
    const deltaJson = gunzipSync(deltaGzip)
    const answer = socialMapDeltaSchema.parse(JSON.parse(deltaJson.toString('utf8')))
    expect(answer).toMatchObject({ since: held.version, version: held.version + 1, removed: [] })
    expect(answer.services).toEqual([changed])
    expect(deltaGzip.byteLength / fullGzip).toBeLessThan(0.05)
    expect(deltaJson.byteLength / fullJson).toBeLessThan(0.05)
    // 120 s: a limit for hangs (seeding 10,000 listings took over the 30 s default at a machine load of 14), not an assertion.
  }, 120_000)
})

describe('GET /api/social-map?since=', () => {
  const map = buildExampleMap({ referenceDate: '2026-11-01' })
  const walk = map.find((s) => s.name === 'Wandelgroep Oss')!
  const fresh: Service = { ...walk, id: '0b5e1c1a-8f0e-4b7a-9c2d-3e4f5a6b7c8d', name: 'Nieuwe wandelgroep Lith' }
  beforeEach(async () => {
    await storeServices(db, map)
  })

  it('tells what the editors changed since: an edit, a new listing, a retired one (a tombstone)', async () => {
    const held = await mapVersion(db)
    const editor = await signedIn(app, db, clock, 'kaartbeheerder')
    const edited: Service = { ...walk, name: 'Wandelgroep Oss (dinsdag en donderdag)' }
    expect((await editor.agent.call('PUT', `/api/map/services/${walk.id}`, { service: edited })).status).toBe(200)
    const afterEdit = await mapVersion(db)
    expect((await editor.agent.call('POST', '/api/map/services', { service: fresh })).status).toBe(201)
    const retired = map[3]!
    expect((await editor.agent.call('POST', `/api/map/services/${retired.id}/retire`)).status).toBe(200)

    const all = await delta(held)
    expect(all.version).toBe(held.version + 3)
    expect(all.services.map((s) => s.name).sort()).toEqual([edited.name, fresh.name].sort())
    expect(all.removed).toEqual([retired.id])
    // From the middle of that history: only what came after.
    const later = await delta(afterEdit)
    expect(later.services.map((s) => s.id)).toEqual([fresh.id])
    expect(later.removed).toEqual([retired.id])
  })

  it('answers an empty delta to a phone that holds the current version', async () => {
    const held = await mapVersion(db)
    expect(await delta(held)).toEqual({ since: held.version, version: held.version, publishedAt: held.publishedAt, services: [], removed: [] })
  })

  it('sends the full document, saying why, for a version that is garbled, ahead or unknown', async () => {
    const held = await mapVersion(db)
    const cases: [string, string][] = [
      ['?since=abc&at=2026-11-01T10:00:00.000Z', 'garbage'],
      ['?since=-1&at=2026-11-01T10:00:00.000Z', 'garbage'],
      [`?since=${held.version}`, 'garbage'],
      [`?since=${held.version}&at=gisteren`, 'garbage'],
      ['?since=99999999999999999999&at=2026-11-01T10:00:00.000Z', 'garbage'],
      [sinceQuery({ ...held, version: held.version + 1 }), 'ahead'],
      // The right number from another history (a restored backup, another server): not this map's version.
      [sinceQuery({ ...held, publishedAt: '2020-01-01T00:00:00.000Z' }), 'unknown'],
    ]
    for (const [query, reason] of cases) {
      const res = await get(query)
      expect(res.status, query).toBe(200)
      expect(res.headers.get('X-Map-Answer'), query).toBe(`full; reason=${reason}`)
      const doc = JSON.parse((await bodyOf(res)).toString('utf8')) as { version: number; services: unknown[] }
      expect(doc.version).toBe(held.version)
      expect(doc.services).toHaveLength(map.length)
    }
  })

  it('sends the cached full document, not a delta built for each request, to a phone behind on most of the map (a replayed old version costs the server nothing)', async () => {
    const held = await mapVersion(db)
    // An import that touches every listing: every phone that held the map before is now behind on all of it.
    await storeServices(db, map.map((s) => ({ ...s, description: `${s.description ?? ''} (bijgewerkt)` })))
    for (let i = 0; i < 3; i++) {
      const res = await get(sinceQuery(held), true)
      expect(res.status).toBe(200)
      expect(res.headers.get('X-Map-Answer')).toBe('full; reason=behind')
      expect(res.headers.get('ETag')).toBeTruthy()
      const doc = JSON.parse((await bodyOf(res)).toString('utf8')) as { version: number; services: unknown[] }
      expect(doc.version).toBe(held.version + 1)
      expect(doc.services).toHaveLength(map.length)
    }
    // A phone behind on a few listings still gets a delta.
    const recent = await mapVersion(db)
    await storeServices(db, [{ ...walk, name: 'Wandelgroep Oss (nieuw)' }])
    expect((await delta(recent)).services.map((s) => s.name)).toEqual(['Wandelgroep Oss (nieuw)'])
  })

  it('still answers 304 to a matching ETag when it falls back to the full document', async () => {
    const etag = (await get()).headers.get('ETag')!
    const res = await app.request('/api/social-map?since=abc', { headers: { 'If-None-Match': etag } })
    expect(res.status).toBe(304)
  })

  it('stamps a write that leaves the stamp out (a path that forgot it) with the version its transaction took', async () => {
    const held = await mapVersion(db)
    await db.transaction(async (tx) => {
      await bumpMapVersion(tx)
      await tx.query('INSERT INTO services (id, doc, status) VALUES ($1, $2::jsonb, $3)', [fresh.id, JSON.stringify(fresh), fresh.status])
      await tx.query(`UPDATE services SET doc = jsonb_set(doc, '{name}', '"Wandelgroep Oss (anders)"') WHERE id = $1`, [walk.id])
    })
    const answer = await delta(held)
    expect(answer.services.map((s) => s.name).sort()).toEqual(['Nieuwe wandelgroep Lith', 'Wandelgroep Oss (anders)'])
  })

  it('stamps each listing with the version its own writer took, also when writers run at once', async () => {
    const held = await mapVersion(db)
    const a: Service = { ...walk, name: 'Wandelgroep A' }
    const b: Service = { ...map[1]!, name: 'Listing B' }
    const [va, vb] = await Promise.all([storeServices(db, [a]), storeServices(db, [b])])
    expect(new Set([va, vb])).toEqual(new Set([held.version + 1, held.version + 2]))
    const { rows } = await db.query<{ id: string; changed_version: number }>('SELECT id, changed_version FROM services WHERE id = ANY($1::uuid[])', [[a.id, b.id]])
    expect(Object.fromEntries(rows.map((r) => [r.id, r.changed_version]))).toEqual({ [a.id]: va, [b.id]: vb })
    // A phone that took the first of them gets only the second.
    const first = va < vb ? a : b
    const { rows: log } = await db.query<{ published_at: Date }>('SELECT published_at FROM map_versions WHERE version = $1', [Math.min(va, vb)])
    const mid = await delta({ version: Math.min(va, vb), publishedAt: new Date(log[0]!.published_at).toISOString() })
    expect(mid.services.map((s) => s.id)).toEqual([(first === a ? b : a).id])
  })
})
