import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../src/server/db/database'
import { buildExampleMap } from '../../src/server/seed/exampleMap'
import { storeServices } from '../../src/server/socialMap/repository'
import type { Service } from '../../src/shared/socialMap/hsds'
import { Agent, Clock, signedIn } from './agent'
import { readMap } from './helpers'
import { setupServerTest, type TestApp } from './fixture'

let db: Database
let close: () => Promise<void>
let clock: Clock
let app: TestApp
const map = buildExampleMap({ referenceDate: '2026-11-01' })
const walk = map.find((s) => s.name === 'Wandelgroep Oss')!

beforeEach(async () => {
  ;({ db, close, clock, app } = await setupServerTest())
  await storeServices(db, map)
})
afterEach(async () => {
  await close()
})

const publicMap = async (etag?: string) => app.request('/api/social-map', { headers: etag ? { 'If-None-Match': etag } : {} })

describe('the kaartbeheerder', () => {
  it('edits a listing: the change is versioned and phones get it through a new ETag', async () => {
    const editor = await signedIn(app, db, clock, 'kaartbeheerder')
    const etag = (await publicMap()).headers.get('ETag')!
    const edited: Service = { ...walk, name: 'Wandelgroep Oss (dinsdag en donderdag)' }
    expect((await editor.agent.call('PUT', `/api/map/services/${walk.id}`, { service: edited })).status).toBe(200)
    const res = await publicMap(etag)
    expect(res.status).toBe(200)
    expect((await readMap(res)).services.find((s) => s.id === walk.id)?.name).toBe('Wandelgroep Oss (dinsdag en donderdag)')
    const { versions } = (await (await editor.agent.call('GET', `/api/map/services/${walk.id}/versions`)).json()) as { versions: { change: string; changedBy: string; service: Service }[] }
    expect(versions[0]).toMatchObject({ change: 'edit', changedBy: 'Test kaartbeheerder' })
    expect(versions[0]!.service.name).toBe('Wandelgroep Oss (dinsdag en donderdag)')
  })

  it('refuses an invalid listing with the reason, and stores nothing', async () => {
    const editor = await signedIn(app, db, clock, 'kaartbeheerder')
    const res = await editor.agent.call('PUT', `/api/map/services/${walk.id}`, { service: { ...walk, schedules: [{ id: walk.id, opens_at: '25:00' }] } })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: string }).error).toMatch(/service\.schedules\.0\.opens_at/)
    expect((await db.query('SELECT count(*)::int AS n FROM service_versions')).rows[0]).toEqual({ n: 0 })
  })

  it('creates, verifies and retires a listing; a retired listing leaves the public map', async () => {
    const editor = await signedIn(app, db, clock, 'kaartbeheerder')
    const fresh: Service = { ...walk, id: '0b5e1c1a-8f0e-4b7a-9c2d-3e4f5a6b7c8d', name: 'Nieuwe wandelgroep Lith' }
    expect((await editor.agent.call('POST', '/api/map/services', { service: fresh })).status).toBe(201)
    expect((await editor.agent.call('POST', '/api/map/services', { service: fresh })).status).toBe(409)
    const verified = (await (await editor.agent.call('POST', `/api/map/services/${fresh.id}/verify`)).json()) as { assuredDate: string }
    expect(verified.assuredDate).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect((await editor.agent.call('POST', `/api/map/services/${fresh.id}/retire`)).status).toBe(200)
    expect((await readMap(await publicMap())).services.some((s) => s.id === fresh.id)).toBe(false)
  })

  it('sees residents’ reports and resolves them', async () => {
    const editor = await signedIn(app, db, clock, 'kaartbeheerder')
    const reportId = '7c1e2d3f-4a5b-4c6d-8e7f-8091a2b3c4d5'
    await new Agent(app).call('POST', '/api/reports', { id: reportId, serviceId: walk.id, message: 'Start nu om 10:30', contact: '06 00000000' })
    const { reports } = (await (await editor.agent.call('GET', '/api/map/reports')).json()) as { reports: { id: string; serviceName: string }[] }
    expect(reports).toEqual([expect.objectContaining({ id: reportId, serviceName: 'Wandelgroep Oss' })])
    expect((await editor.agent.call('POST', `/api/map/reports/${reportId}/resolve`, { resolution: 'Tijd aangepast' })).status).toBe(200)
    expect(((await (await editor.agent.call('GET', '/api/map/reports')).json()) as { reports: unknown[] }).reports).toEqual([])
    expect((await editor.agent.call('POST', `/api/map/reports/${reportId}/resolve`, { resolution: 'Nog eens' })).status).toBe(404)
  })
})

describe('proposals from the organisation that owns a listing', () => {
  it('a member proposes, the kaartbeheerder accepts: the map changes', async () => {
    const editor = await signedIn(app, db, clock, 'kaartbeheerder')
    const owner = await signedIn(app, db, clock, 'sociaal-werker')
    await editor.agent.call('PUT', `/api/map/services/${walk.id}`, { service: walk, ownerOrganisationId: owner.organisationId })
    const proposal = await owner.agent.call('POST', '/api/map/proposals', { service: { ...walk, description: 'Nu ook op donderdag.' } })
    expect(proposal.status).toBe(201)
    const { id } = (await proposal.json()) as { id: string }
    expect((await owner.agent.call('POST', `/api/map/proposals/${id}/accept`)).status).toBe(403)
    expect((await editor.agent.call('POST', `/api/map/proposals/${id}/accept`)).status).toBe(200)
    expect((await readMap(await publicMap())).services.find((s) => s.id === walk.id)).toMatchObject({ description: 'Nu ook op donderdag.' })
  })

  it('the kaartbeheerder rejects with a reason the member can read', async () => {
    const editor = await signedIn(app, db, clock, 'kaartbeheerder')
    const owner = await signedIn(app, db, clock, 'sociaal-werker')
    await editor.agent.call('PUT', `/api/map/services/${walk.id}`, { service: walk, ownerOrganisationId: owner.organisationId })
    const { id } = (await (await owner.agent.call('POST', '/api/map/proposals', { service: { ...walk, name: 'Beste wandelgroep!!!' } })).json()) as { id: string }
    expect((await editor.agent.call('POST', `/api/map/proposals/${id}/reject`, { reason: 'Geen reclame in de naam' })).status).toBe(200)
    const { proposals } = (await (await owner.agent.call('GET', '/api/map/proposals')).json()) as { proposals: { status: string; reason: string }[] }
    expect(proposals[0]).toMatchObject({ status: 'rejected', reason: 'Geen reclame in de naam' })
  })

  it('members see their organisation’s listings, and only those', async () => {
    const editor = await signedIn(app, db, clock, 'kaartbeheerder')
    const owner = await signedIn(app, db, clock, 'sociaal-werker')
    const stranger = await signedIn(app, db, clock, 'sociaal-werker')
    await editor.agent.call('PUT', `/api/map/services/${walk.id}`, { service: walk, ownerOrganisationId: owner.organisationId })
    const own = (await (await owner.agent.call('GET', '/api/map/own-services')).json()) as { services: Service[] }
    expect(own.services.map((s) => s.id)).toEqual([walk.id])
    expect(((await (await stranger.agent.call('GET', '/api/map/own-services')).json()) as { services: Service[] }).services).toEqual([])
  })

  it('someone from another organisation cannot propose', async () => {
    const stranger = await signedIn(app, db, clock, 'sociaal-werker')
    expect((await stranger.agent.call('POST', '/api/map/proposals', { service: walk })).status).toBe(403)
  })
})
