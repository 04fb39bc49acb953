import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SocialMapDb } from '../../src/app/features/socialMap/data/repository'
import { LocalSocialMap } from '../../src/app/features/socialMap/data/localSocialMap'
import { buildExampleMap } from '../../src/server/seed/exampleMap'
import type { Service } from '../../src/shared/socialMap/hsds'
import { initiativeProposal } from '../support/initiativeProposal'

const services = buildExampleMap({ referenceDate: '2026-11-01' })
const doc = (version: number, list: unknown[] = services) => ({ version, publishedAt: '2026-11-01T10:00:00.000Z', services: list })

/** A fake server: answers the map with an ETag and records every request. */
function fakeServer() {
  const state = { body: doc(1) as unknown, etag: '"m1"', online: true, requests: [] as { url: string; init?: RequestInit }[], reportStatus: 201, initiativeStatus: 201 }
  const fetchFn = (async (url: string | URL | Request, init?: RequestInit) => {
    state.requests.push({ url: String(url), ...(init ? { init } : {}) })
    if (!state.online) throw new TypeError('Failed to fetch')
    if (String(url).endsWith('/api/reports')) return new Response('{}', { status: state.reportStatus })
    if (String(url).endsWith('/api/initiatives')) return new Response('{}', { status: state.initiativeStatus })
    const inm = new Headers(init?.headers).get('If-None-Match')
    if (inm === state.etag) return new Response(null, { status: 304 })
    return new Response(JSON.stringify(state.body), { status: 200, headers: { ETag: state.etag } })
  }) as typeof fetch
  return { state, fetchFn }
}

let db: SocialMapDb
let n = 0
beforeEach(() => {
  db = new SocialMapDb(`test-${n++}`)
})
afterEach(async () => {
  db.close()
})

describe('the social map on the phone', () => {
  it('downloads the map once, then asks with If-None-Match and keeps it on 304', async () => {
    const server = fakeServer()
    const map = new LocalSocialMap(db, server.fetchFn)
    await map.init()
    expect((await map.refresh()).status).toBe('updated')
    expect((await map.refresh()).status).toBe('unchanged')
    expect(new Headers(server.state.requests[1]!.init?.headers).get('If-None-Match')).toBe('"m1"')
    expect(map.search('wandelgroep', {}, 5, 'nl', new Date()).total).toBeGreaterThan(0)
  })

  it('works from the stored copy after a restart without network', async () => {
    const server = fakeServer()
    await new LocalSocialMap(db, server.fetchFn).refresh()
    server.state.online = false
    const again = new LocalSocialMap(db, server.fetchFn)
    const init = await again.init()
    expect(init.meta?.count).toBe(services.length)
    expect((await again.refresh()).status).toBe('offline')
    expect(again.search('repair cafe heesch', {}, 5, 'nl', new Date()).items[0]?.name).toBe('Repair Café Heesch')
  })

  it('keeps the old map whole when a new map has one bad listing', async () => {
    const server = fakeServer()
    const map = new LocalSocialMap(db, server.fetchFn)
    await map.refresh()
    server.state.etag = '"m2"'
    server.state.body = doc(2, [...services.slice(1), { ...services[0], schedules: [{ id: services[0]!.id, opens_at: '25:00' }] }])
    expect((await map.refresh()).status).toBe('invalid')
    expect(await db.services.count()).toBe(services.length)
    expect((await db.meta.get('map'))?.version).toBe(1)
  })

  it('skips a stored record that no longer passes validation, and says how many', async () => {
    const server = fakeServer()
    await new LocalSocialMap(db, server.fetchFn).refresh()
    await db.services.update(services[0]!.id, { doc: { id: services[0]!.id, name: '' } })
    const init = await new LocalSocialMap(db, server.fetchFn).init()
    expect(init.unreadable).toBe(1)
    expect(init.meta?.count).toBe(services.length - 1)
  })

  it('lists everything alphabetically when there is no query', async () => {
    const map = new LocalSocialMap(db, fakeServer().fetchFn)
    await map.refresh()
    const all = map.search('', {}, 500, 'nl', new Date())
    expect(all.total).toBe(services.length)
    const names = all.items.map((i) => i.name)
    expect(names).toEqual([...names].sort(new Intl.Collator('nl').compare))
  })

  it('filters on municipality, life domain, free and open now', async () => {
    const map = new LocalSocialMap(db, fakeServer().fetchFn)
    await map.refresh()
    const boekel = map.search('', { gemeente: 'Boekel', domein: 'mantelzorg' }, 100, 'nl', new Date())
    expect(boekel.total).toBeGreaterThan(0)
    expect(boekel.items.every((i) => i.villages.some((v) => ['Boekel', 'Venhorst', 'Huize Padua'].includes(v)))).toBe(true)
    expect(map.search('', { gratis: true }, 500, 'nl', new Date()).items.every((i) => i.isFree)).toBe(true)
    // Tuesday 24 November 2026, 10:30 in the Netherlands: the walking groups are out.
    const openNow = map.search('wandelgroep', { open: 'nu' }, 50, 'nl', new Date('2026-11-24T09:30:00Z'))
    expect(openNow.total).toBeGreaterThan(0)
    expect(openNow.items.every((i) => i.isOpenNow)).toBe(true)
    expect(map.search('wandelgroep', { open: 'nu' }, 50, 'nl', new Date('2026-11-24T20:00:00Z')).total).toBe(0)
  })

  it('marks a temporarily closed listing and never calls it open', async () => {
    const server = fakeServer()
    const walk = services.find((s) => s.name === 'Wandelgroep Oss')!
    server.state.body = doc(1, services.map((s) => (s.id === walk.id ? { ...s, status: 'temporarily closed' } : s)))
    const map = new LocalSocialMap(db, server.fetchFn)
    await map.refresh()
    const tuesdayMorning = new Date('2026-11-24T09:30:00Z')
    const hit = map.search('wandelgroep oss', {}, 5, 'nl', tuesdayMorning).items.find((i) => i.id === walk.id)
    expect(hit).toMatchObject({ status: 'temporarily closed', isOpenNow: false })
    expect(map.search('wandelgroep', { open: 'nu' }, 50, 'nl', tuesdayMorning).items.some((i) => i.id === walk.id)).toBe(false)
  })

  it('shows names in English when a translation exists', async () => {
    const map = new LocalSocialMap(db, fakeServer().fetchFn)
    await map.refresh()
    expect(map.search('geheugenkoor', {}, 1, 'en', new Date()).items[0]?.name).toMatch(/^Memory choir/)
  })

  it('keeps favourites across restarts and toggles them off again', async () => {
    const map = new LocalSocialMap(db, fakeServer().fetchFn)
    await map.refresh()
    const id = services[3]!.id
    expect(await map.toggleFavourite(id)).toBe(true)
    const again = new LocalSocialMap(db, fakeServer().fetchFn)
    await again.init()
    expect((await again.favourites('nl', new Date())).items.map((i) => i.id)).toEqual([id])
    expect(await again.toggleFavourite(id)).toBe(false)
    expect(await again.favouriteIds()).toEqual([])
  })

  it('queues a report offline, sends it later exactly once, with its own id as idempotency key', async () => {
    const server = fakeServer()
    const map = new LocalSocialMap(db, server.fetchFn)
    await map.refresh()
    server.state.online = false
    expect(await map.report((services[0] as Service).id, 'Adres klopt niet', undefined)).toBe('queued')
    expect(await map.pending()).toBe(1)
    server.state.online = true
    expect(await map.flush()).toEqual({ sent: 1, pending: 0 })
    expect(await map.flush()).toEqual({ sent: 0, pending: 0 })
    const posts = server.state.requests.filter((r) => r.url.endsWith('/api/reports') && r.init?.method === 'POST')
    const body = JSON.parse(String(posts.at(-1)!.init!.body)) as { id: string; message: string }
    expect(body.message).toBe('Adres klopt niet')
    expect(new Headers(posts.at(-1)!.init!.headers).get('Idempotency-Key')).toBe(body.id)
  })

  it('keeps a report queued while the server fails, and does not drop it', async () => {
    const server = fakeServer()
    const map = new LocalSocialMap(db, server.fetchFn)
    await map.refresh()
    server.state.reportStatus = 503
    expect(await map.report(services[0]!.id, 'Telefoon werkt niet', undefined)).toBe('queued')
    expect((await db.outbox.toArray())[0]?.attempts).toBe(1)
  })

  it('keeps a report the server refuses, with the reason, until the resident sends it again or throws it away', async () => {
    const server = fakeServer()
    const map = new LocalSocialMap(db, server.fetchFn)
    await map.refresh()
    const posts = () => server.state.requests.filter((r) => r.url.endsWith('/api/reports')).length
    server.state.reportStatus = 404
    expect(await map.report(services[0]!.id, 'Bestaat niet meer', undefined)).toBe('refused')
    expect(await map.reports.problems()).toEqual([expect.objectContaining({ kind: 'report', problem: { status: 404, code: '404' }, held: true })])
    // Not dropped, and not sent again by itself.
    expect(await map.flush()).toEqual({ sent: 0, pending: 1 })
    expect(posts()).toBe(1)
    server.state.reportStatus = 201
    const [refused] = await map.reports.problems()
    expect(await map.reports.retry(refused!.id)).toEqual({ sent: 1, pending: 0 })
    server.state.reportStatus = 400
    await map.report(services[0]!.id, 'Nog een', undefined)
    const [again] = await map.reports.problems()
    expect(await map.reports.discard(again!.id)).toBe(0)
    expect(await map.reports.problems()).toEqual([])
  })

  it('queues a proposed initiative beside reports in one outbox table: each goes to its own address, once, and a refusal is shown as that kind', async () => {
    const server = fakeServer()
    const map = new LocalSocialMap(db, server.fetchFn)
    await map.init()
    server.state.online = false
    const proposal = initiativeProposal(crypto.randomUUID())
    expect(await map.propose({ proposal })).toBe('queued')
    // A second tap on the same form (same id) queues nothing new.
    expect(await map.propose({ proposal })).toBe('queued')
    expect(await map.report(services[0]!.id, 'Adres klopt niet', undefined)).toBe('queued')
    expect(await map.pending()).toBe(2)
    server.state.requests.length = 0 // the attempts that found no network
    server.state.online = true
    expect(await map.flush()).toEqual({ sent: 2, pending: 0 })
    const posts = (end: string) => server.state.requests.filter((r) => r.url.endsWith(end) && r.init?.method === 'POST')
    expect(posts('/api/initiatives').map((r) => JSON.parse(String(r.init!.body)))).toEqual([{ proposal }])
    expect(new Headers(posts('/api/initiatives')[0]!.init!.headers).get('Idempotency-Key')).toBe(proposal.id)
    expect(posts('/api/reports')).toHaveLength(1)

    server.state.initiativeStatus = 400
    const refused = initiativeProposal(crypto.randomUUID())
    expect(await map.propose({ proposal: refused })).toBe('refused')
    expect(await map.problems()).toEqual([expect.objectContaining({ id: refused.id, kind: 'initiative', held: true })])
    expect(await map.reports.problems()).toEqual([])
    server.state.initiativeStatus = 201
    expect(await map.retry(refused.id)).toEqual({ sent: 1, pending: 0 })
    expect(posts('/api/initiatives')).toHaveLength(3) // the first, the refused one, and that one again
  })
})
