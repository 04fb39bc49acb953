/**
 * The phone's side of map deltas (docs/social-map-sync.md), against the real server and database:
 * the phone's own store (Dexie on fake-indexeddb in Node) takes deltas from the API and ends
 * deep-equal to the server's full map, however many versions it was behind.
 */
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LocalSocialMap } from '../../src/app/features/socialMap/data/localSocialMap'
import { readStoredMap, SocialMapDb } from '../../src/app/features/socialMap/data/repository'
import type { Database } from '../../src/server/db/database'
import { buildExampleMap } from '../../src/server/seed/exampleMap'
import { storeServices } from '../../src/server/socialMap/repository'
import { socialMapDocumentSchema } from '../../src/shared/api/socialMap'
import type { Service } from '../../src/shared/socialMap/hsds'
import { Clock, signedIn } from './agent'
import { setupServerTest, type TestApp } from './fixture'

let db: Database
let close: () => Promise<void>
let clock: Clock
let app: TestApp
const phoneDbs: SocialMapDb[] = []
beforeEach(async () => {
  ;({ db, close, clock, app } = await setupServerTest())
  await storeServices(db, map)
})
afterEach(async () => {
  for (const phoneDb of phoneDbs.splice(0)) await phoneDb.delete()
  await close()
})

const map = buildExampleMap({ referenceDate: '2026-11-01' })
const walk = map.find((s) => s.name === 'Wandelgroep Oss')!
const fresh: Service = { ...walk, id: '0b5e1c1a-8f0e-4b7a-9c2d-3e4f5a6b7c8d', name: 'Nieuwe wandelgroep Lith' }

/** A phone whose requests go to the test server; `answers` records how each map request was answered. */
function phone() {
  const answers: string[] = []
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const res = await app.request(String(input), init)
    answers.push(res.status === 304 ? '304' : (res.headers.get('X-Map-Answer') ?? '?'))
    return res
  }) as typeof fetch
  const store = new SocialMapDb(`phone-${phoneDbs.length}-${Math.random().toString(36).slice(2)}`)
  phoneDbs.push(store)
  return { store, answers, local: new LocalSocialMap(store, fetchFn), fetchFn }
}

async function serverMap() {
  return socialMapDocumentSchema.parse(await (await app.request('/api/social-map')).json())
}

async function storedMap(store: SocialMapDb) {
  const { services, unreadable, meta } = await readStoredMap(store)
  expect(unreadable).toBe(0)
  return { version: meta?.version, publishedAt: meta?.publishedAt, services }
}

describe('a phone taking deltas', () => {
  it('ends identical to the server’s map after many versions: edits, an import, a retire and a new listing', async () => {
    const p = phone()
    await p.local.init()
    expect((await p.local.refresh()).status).toBe('updated')
    expect(p.answers).toEqual(['full'])

    const editor = await signedIn(app, db, clock, 'kaartbeheerder')
    const call = async (method: string, path: string, body?: unknown) => expect((await editor.agent.call(method, path, body)).status).toBeLessThan(300)
    await call('PUT', `/api/map/services/${walk.id}`, { service: { ...walk, name: 'Wandelgroep Oss (dinsdag)' } })
    await call('PUT', `/api/map/services/${walk.id}`, { service: { ...walk, name: 'Wandelgroep Oss (dinsdag en donderdag)' } })
    await call('POST', `/api/map/services/${map[5]!.id}/verify`)
    await call('POST', '/api/map/services', { service: fresh })
    await call('POST', `/api/map/services/${map[3]!.id}/retire`)
    await storeServices(db, [{ ...map[7]!, description: 'Nu ook op zaterdag.' }, { ...map[8]!, name: 'Repair Café Heesch (nieuwe plek)' }])
    // Created and retired while the phone was away: it never held it, and must not get it.
    await call('POST', '/api/map/services', { service: { ...fresh, id: '1c6f2d2b-9a1f-4c8b-8d3e-4f5a6b7c8d9e', name: 'Kort bestaan' } })
    await call('POST', '/api/map/services/1c6f2d2b-9a1f-4c8b-8d3e-4f5a6b7c8d9e/retire')

    expect((await p.local.refresh()).status).toBe('updated')
    expect(p.answers).toEqual(['full', 'delta'])
    expect(await storedMap(p.store)).toEqual(await serverMap())
    // The search index follows: the new listing is found, the retired one is gone.
    expect(p.local.search('nieuwe wandelgroep lith', {}, 5, 'nl', new Date()).items[0]?.id).toBe(fresh.id)
    expect(p.local.get(map[3]!.id)).toBeNull()
    expect(p.local.get(walk.id)?.name).toBe('Wandelgroep Oss (dinsdag en donderdag)')
    // Nothing new: an empty delta, and the map stays as it is.
    expect((await p.local.refresh()).status).toBe('unchanged')
    expect(p.answers.at(-1)).toBe('delta')
    // A restart reads the same map back.
    const again = new LocalSocialMap(p.store, p.fetchFn)
    expect((await again.init()).meta?.count).toBe(map.length)
  })

  it('refuses a delta with one invalid listing whole and keeps its map', async () => {
    const p = phone()
    await p.local.refresh()
    const before = await storedMap(p.store)
    await storeServices(db, [{ ...map[1]!, name: 'Goed veranderd' }])
    // A listing the schema refuses, written past the API (an old import, a stricter schema since).
    await db.transaction(async (tx) => {
      await tx.query('UPDATE map_version SET version = version + 1, published_at = now()')
      await tx.query(`INSERT INTO map_versions SELECT version, published_at FROM map_version`)
      await tx.query(`UPDATE services SET doc = jsonb_set(doc, '{name}', '""') WHERE id = $1`, [map[2]!.id])
    })
    expect((await p.local.refresh()).status).toBe('invalid')
    expect(p.answers.at(-1)).toBe('delta')
    expect(await storedMap(p.store)).toEqual(before)
    expect(p.local.get(map[1]!.id)?.name).toBe(map[1]!.name)
  })

  it('falls back to the whole map when the delta does not fit what it stores (another tab moved on)', async () => {
    const tabA = phone()
    await tabA.local.refresh()
    const tabB = new LocalSocialMap(tabA.store, tabA.fetchFn)
    await tabB.init()
    await storeServices(db, [{ ...walk, name: 'Eerste wijziging' }])
    expect((await tabB.refresh()).status).toBe('updated')
    await storeServices(db, [{ ...walk, name: 'Tweede wijziging' }])
    // Tab A still holds the first version in memory; its store holds the second.
    tabA.answers.length = 0
    expect((await tabA.local.refresh()).status).toBe('updated')
    expect(tabA.answers).toEqual(['delta', 'full'])
    expect(await storedMap(tabA.store)).toEqual(await serverMap())
    expect(tabA.local.get(walk.id)?.name).toBe('Tweede wijziging')
  })

  it('gets the whole map when the server does not know the version it holds (a restored backup)', async () => {
    const p = phone()
    await p.local.refresh()
    await db.query('UPDATE map_versions SET published_at = published_at - interval \'1 day\'')
    await storeServices(db, [{ ...walk, name: 'Na het terugzetten' }])
    p.answers.length = 0
    expect((await p.local.refresh()).status).toBe('updated')
    expect(p.answers).toEqual(['full; reason=unknown'])
    expect(await storedMap(p.store)).toEqual(await serverMap())
  })
})
