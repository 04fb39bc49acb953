/**
 * The quick room update (src/server/routes/mapRoom.ts; docs/hsds-extensions.md, "Room"): who may,
 * what it stores and publishes, and what it refuses. Each refusal reproduces the attack first: the
 * request is made as the attacker would, and the stored map is checked to be unchanged.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../src/server/db/database'
import { buildExampleMap } from '../../src/server/seed/exampleMap'
import { listServices, storeServices } from '../../src/server/socialMap/repository'
import type { Role } from '../../src/shared/accounts/roles'
import { serviceSchema, type Service } from '../../src/shared/socialMap/hsds'
import { Agent, Clock, signedIn } from './agent'
import { readMap } from './helpers'
import { setupServerTest, type TestApp } from './fixture'

let db: Database
let close: () => Promise<void>
let clock: Clock
let app: TestApp
const map = buildExampleMap({ referenceDate: '2026-11-01' })
const walk = map.find((s) => s.name === 'Wandelgroep Oss')!
const ROOT = new URL('../../', import.meta.url).pathname
const compiled = JSON.parse(readFileSync(join(ROOT, '../shared/hsds-3.0/schema/compiled/service.json'), 'utf8')) as object
const ajv = new Ajv({ strict: false, allErrors: true })
addFormats.default(ajv)
const validateHsds = ajv.compile(compiled)

beforeEach(async () => {
  ;({ db, close, clock, app } = await setupServerTest())
  await storeServices(db, map)
})
afterEach(async () => {
  await close()
})

const room = (agent: Agent, body: unknown, id = walk.id) => agent.call('PUT', `/api/map/services/${id}/room`, body)
const stored = async (id = walk.id): Promise<Service> => (await listServices(db)).find((s) => s.id === id)!
/** The owner's people: a worker, their team leader and a GP, all in one organisation that owns the walk. */
async function owningOrganisation() {
  const editor = await signedIn(app, db, clock, 'kaartbeheerder')
  const worker = await signedIn(app, db, clock, 'sociaal-werker')
  expect((await editor.agent.call('PUT', `/api/map/services/${walk.id}`, { service: walk, ownerOrganisationId: worker.organisationId })).status).toBe(200)
  const as = (role: Role) => signedIn(app, db, clock, role, { organisationId: worker.organisationId })
  return { editor, worker, organisationId: worker.organisationId, as }
}

describe('the room update', () => {
  it('by the kaartbeheerder: stored with the server’s time, versioned, audited and published as a new map version', async () => {
    const editor = await signedIn(app, db, clock, 'kaartbeheerder')
    const before = await readMap(await app.request('/api/social-map'))
    const res = await room(editor.agent, { available: 3, maximum: 12 })
    expect(res.status).toBe(200)
    const answer = (await res.json()) as { mapVersion: number; capacity: { available: number; maximum: number; updated: string; unit: { name: string } } }
    expect(answer.capacity).toMatchObject({ available: 3, maximum: 12, updated: new Date(clock.now()).toISOString(), unit: { name: 'plek' } })
    expect(answer.mapVersion).toBe(before.version + 1)

    const published = (await readMap(await app.request('/api/social-map'))) as unknown as { version: number; services: Service[] }
    expect(published.version).toBe(answer.mapVersion)
    expect(published.services.find((s) => s.id === walk.id)!.capacities).toEqual([answer.capacity])
    const { versions } = (await (await editor.agent.call('GET', `/api/map/services/${walk.id}/versions`)).json()) as { versions: { change: string; changedBy: string }[] }
    expect(versions[0]).toMatchObject({ change: 'room', changedBy: 'Test kaartbeheerder' })
    const audited = await db.query<{ action: string; entity_id: string; actor_id: string }>(`SELECT action, entity_id, actor_id FROM audit_log WHERE action = 'room'`)
    expect(audited.rows).toEqual([{ action: 'room', entity_id: walk.id, actor_id: editor.userId }])
    // Our HSDS export (the stored record) still validates against the compiled HSDS 3.0 schema.
    expect(validateHsds(await stored()), ajv.errorsText(validateHsds.errors)).toBe(true)
  })

  it('keeps the maximum, unit and capacity id when only the free places are sent; null clears the maximum', async () => {
    const editor = await signedIn(app, db, clock, 'kaartbeheerder')
    await room(editor.agent, { available: 5, maximum: 8, unit: 'bed', description: 'Bedden in de nachtopvang' })
    const first = (await stored()).capacities![0]!
    clock.advance(3600)
    expect((await room(editor.agent, { available: 0 })).status).toBe(200)
    const second = (await stored()).capacities![0]!
    expect(second).toEqual({ ...first, available: 0, updated: new Date(clock.now()).toISOString() })
    // More free than the stored maximum, without a new maximum: refused, nothing changes.
    const over = await room(editor.agent, { available: 9 })
    expect(over.status).toBe(409)
    expect((await stored()).capacities![0]).toEqual(second)
    expect((await room(editor.agent, { available: 9, maximum: null, description: '' })).status).toBe(200)
    const third = (await stored()).capacities![0]!
    expect(third).not.toHaveProperty('maximum')
    expect(third).not.toHaveProperty('description')
    expect(third.id).toBe(first.id)
  })

  it('by the owning organisation’s social worker and beheerder, not by its GP', async () => {
    const { worker, as } = await owningOrganisation()
    expect((await room(worker.agent, { available: 2, maximum: 10 })).status).toBe(200)
    const leader = await as('beheerder')
    expect((await room(leader.agent, { available: 1, maximum: 10 })).status).toBe(200)
    // The GP of the same organisation tries: refused, the room stays at what the team leader set.
    const gp = await as('huisarts')
    const res = await room(gp.agent, { available: 9, maximum: 10 })
    expect(res.status).toBe(403)
    expect(((await res.json()) as { code: string }).code).toBe('forbidden')
    expect((await stored()).capacities![0]!.available).toBe(1)
  })
})

describe('refused room updates (the attack first, then the map unchanged)', () => {
  it('someone of another organisation, and the region’s programme role', async () => {
    const { worker } = await owningOrganisation()
    expect((await room(worker.agent, { available: 4, maximum: 10 })).status).toBe(200)
    // The other roles and the region's beheerder are rows of test/server/authorisationMatrix.test.ts.
    const strangers = [await signedIn(app, db, clock, 'sociaal-werker'), await signedIn(app, db, clock, 'beheerder'), await signedIn(app, db, clock, 'programma')]
    for (const s of strangers) expect((await room(s.agent, { available: 0, maximum: 10 })).status).toBe(403)
    expect((await stored()).capacities![0]!.available).toBe(4)
  })

  it('a resident without an account (someone half signed in: the matrix)', async () => {
    expect((await room(new Agent(app), { available: 0, maximum: 10 })).status).toBe(401)
    expect((await stored()).capacities).toBeUndefined()
  })

  it('a forged, negative, fractional, out-of-range or oversized body', async () => {
    const editor = await signedIn(app, db, clock, 'kaartbeheerder')
    const bodies: [unknown, RegExp][] = [
      [{ available: 3, maximum: 12, updated: '2030-01-01T00:00:00Z' }, /updated/], // its own date: the server sets it
      [{ available: 3, id: walk.id }, /id/],
      [{ available: -1 }, /available/],
      [{ available: 2.5 }, /available/],
      [{ available: 13, maximum: 12 }, /available/],
      [{ available: 3, maximum: 1_000_000 }, /maximum/],
      [{ available: '3' }, /available/],
      [{ maximum: 3 }, /available/],
      [{ available: 3, unit: '' }, /unit/],
      [{ available: 3, description: 'x'.repeat(301) }, /description/],
    ]
    for (const [body, field] of bodies) {
      const res = await room(editor.agent, body)
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400)
      expect(((await res.json()) as { error: string }).error).toMatch(field)
    }
    expect((await room(editor.agent, { available: 3, description: 'x'.repeat(70_000) })).status).toBe(413)
    expect((await room(editor.agent, 'not json')).status).toBe(400)
    expect((await stored()).capacities).toBeUndefined()
    expect((await db.query(`SELECT count(*)::int AS n FROM service_versions WHERE change = 'room'`)).rows[0]).toEqual({ n: 0 })
  })

  it('a retired listing, an unknown one and a malformed id', async () => {
    const { editor, worker } = await owningOrganisation()
    expect((await editor.agent.call('POST', `/api/map/services/${walk.id}/retire`)).status).toBe(200)
    for (const who of [editor, worker]) {
      const res = await room(who.agent, { available: 1, maximum: 10 })
      expect(res.status).toBe(409)
      expect(((await res.json()) as { code: string }).code).toBe('retired')
    }
    expect((await stored()).capacities).toBeUndefined()
    expect((await room(editor.agent, { available: 1 }, '0b5e1c1a-8f0e-4b7a-9c2d-3e4f5a6b7c8d')).status).toBe(404)
    expect((await room(editor.agent, { available: 1 }, 'not-a-uuid')).status).toBe(404)
  })
})

describe('a room update is not lost to an older copy of the listing (the race first, then the stored room)', () => {
  it('an editor saving the form loaded before, and a proposal made before, both accepted after the team set the room', async () => {
    const { editor, worker, as } = await owningOrganisation()
    // The editor opens the listing, and the team leader writes a proposal: both copies have no room yet.
    const loaded = ((await (await editor.agent.call('GET', `/api/map/services/${walk.id}`)).json()) as { service: Service }).service
    const leader = await as('beheerder')
    const proposal = await leader.agent.call('POST', '/api/map/proposals', { service: { ...loaded, description: 'Nieuwe tekst' } })
    expect(proposal.status).toBe(201)
    const proposalId = ((await proposal.json()) as { id: string }).id
    clock.advance(600)
    expect((await room(worker.agent, { available: 0, maximum: 10 })).status).toBe(200)
    const fresh = (await stored()).capacities![0]!

    clock.advance(600)
    expect((await editor.agent.call('PUT', `/api/map/services/${walk.id}`, { service: { ...loaded, name: 'Wandelgroep Oss (ook zaterdag)' } })).status).toBe(200)
    expect((await stored()).name).toBe('Wandelgroep Oss (ook zaterdag)')
    expect((await stored()).capacities).toEqual([fresh])

    // Another room update, then the old proposal (which carries the first stored room) is accepted.
    const current = await stored()
    clock.advance(600)
    expect((await room(worker.agent, { available: 2 })).status).toBe(200)
    const later = (await stored()).capacities![0]!
    const old = await leader.agent.call('POST', '/api/map/proposals', { service: { ...current, description: 'Oudere tekst' } })
    expect((await editor.agent.call('POST', `/api/map/proposals/${proposalId}/accept`)).status).toBe(200)
    expect((await stored()).description).toBe('Nieuwe tekst')
    expect((await stored()).capacities).toEqual([later])
    expect((await editor.agent.call('POST', `/api/map/proposals/${((await old.json()) as { id: string }).id}/accept`)).status).toBe(200)
    expect((await stored()).capacities).toEqual([later])
  })
})

describe('the example map', () => {
  it('has room and waiting times on a few listings, valid under our schema and the compiled HSDS 3.0 schema', () => {
    const withRoom = map.filter((s) => s.capacities?.length)
    expect(withRoom.length).toBeGreaterThan(10)
    expect(map.filter((s) => s.wait_time).length).toBeGreaterThan(10)
    for (const s of withRoom) {
      expect(serviceSchema.safeParse(s).success).toBe(true)
      expect(validateHsds(s), ajv.errorsText(validateHsds.errors)).toBe(true)
    }
  })
})
