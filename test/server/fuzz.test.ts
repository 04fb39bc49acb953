/**
 * Thousands of malformed, oversized and wrongly typed requests, from anonymous and signed-in
 * callers: the server never answers 5xx, keeps serving, and writes nothing.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createOrganisation } from '../../src/server/auth/accounts'
import type { Database } from '../../src/server/db/database'
import { buildExampleMap } from '../../src/server/seed/exampleMap'
import { storeServices } from '../../src/server/socialMap/repository'
import { Agent, Clock, signedIn } from './agent'
import { approvedBoundDevice } from './devices'
import { setupServerTest, type TestApp } from './fixture'

let db: Database
let close: () => Promise<void>
let app: TestApp
const clock = new Clock()
let agents: Agent[]
let orgId: string
const map = buildExampleMap({ referenceDate: '2026-11-01' })

const TABLES = ['services', 'service_versions', 'proposals', 'listing_reports', 'devices', 'device_challenges', 'sessions', 'referrals', 'referral_events', 'users', 'memberships', 'organisations', 'kpi_snapshots', 'kpi_counts']
async function snapshot() {
  const counts: Record<string, number> = {}
  for (const t of TABLES) counts[t] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`)).rows[0]!.n
  counts.mapVersion = (await db.query<{ version: number }>('SELECT version FROM map_version')).rows[0]!.version
  counts.organisationKeys = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM organisations WHERE organisation_key IS NOT NULL')).rows[0]!.n
  counts.certificates = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM devices WHERE certificate IS NOT NULL AND status = 'approved'`)).rows[0]!.n
  return counts
}

beforeAll(async () => {
  ;({ db, close, app } = await setupServerTest({ clock }))
  await storeServices(db, map)
  orgId = await createOrganisation(db, 'Fuzz Org', null)
  const editor = await signedIn(app, db, clock, 'kaartbeheerder')
  const admin = await signedIn(app, db, clock, 'beheerder', { organisationId: orgId })
  const worker = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: orgId })
  // The social worker acts on an approved device, so the fuzz gets past requireApprovedDevice.
  await approvedBoundDevice(worker.agent, admin.agent, orgId)
  agents = [new Agent(app), editor.agent, admin.agent, worker.agent]
}, 60_000)
afterAll(async () => {
  await close()
})

const ROUTES: [string, string][] = [
  ['POST', '/api/reports'],
  ['POST', '/api/auth/bootstrap'],
  ['POST', '/api/auth/sign-in'],
  ['POST', '/api/auth/totp'],
  ['POST', '/api/auth/totp/confirm'],
  ['POST', '/api/devices'],
  ['GET', '/api/devices/:id'],
  ['POST', '/api/devices/:id/challenge'],
  ['POST', '/api/devices/:id/status'],
  ['POST', '/api/devices/:id/bind'],
  ['POST', '/api/referrals'],
  ['POST', '/api/referrals/:id/events'],
  ['POST', '/api/orgs/:org/members'],
  ['POST', '/api/orgs/:org/members/:id/unlock'],
  ['POST', '/api/orgs/:org/devices/:id/approve'],
  ['PUT', '/api/orgs/:org/organisation-key'],
  ['GET', '/api/orgs/:org/chain'],
  ['GET', '/api/orgs/:org/audit'],
  ['POST', '/api/map/services'],
  ['PUT', '/api/map/services/:id'],
  ['POST', '/api/map/services/:id/verify'],
  ['POST', '/api/map/services/:id/retire'],
  ['GET', '/api/map/services/:id/versions'],
  ['POST', '/api/map/reports/:id/resolve'],
  ['POST', '/api/map/proposals'],
  ['POST', '/api/map/proposals/:id/accept'],
  ['POST', '/api/map/proposals/:id/reject'],
  ['GET', '/api/social-map'],
  ['POST', '/api/kpi/snapshots'],
  ['GET', '/api/kpi/totals'],
]

const pathParam = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.uuid(),
  fc.constantFrom('..%2F..%2Fetc%2Fpasswd', '%00', "1' OR '1'='1", 'a'.repeat(5_000), '%E0%A4%A', map[0]!.id.toUpperCase() + 'x'),
)
const service = map[0]!
const body = fc.oneof(
  fc.anything({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{', '[{"id":', '{"a":1,}', 'null', '"x"', '1e999999', '{"__proto__":{"admin":true}}'),
  // Right shape, wrong types and sizes.
  fc.record({
    service: fc.oneof(fc.constant({ ...service, name: 42 }), fc.constant({ ...service, schedules: 'daily' }), fc.constant({ ...service, description: 'x'.repeat(20_000) }), fc.anything({ maxDepth: 2 })),
    email: fc.oneof(fc.string(), fc.integer(), fc.constant(['a@b.nl'])),
    password: fc.oneof(fc.string({ maxLength: 300 }), fc.constant(null)),
    code: fc.oneof(fc.string({ maxLength: 10 }), fc.integer()),
    organisationId: fc.oneof(fc.uuid(), fc.string()),
    publicKey: fc.anything({ maxDepth: 2 }),
    authKey: fc.anything({ maxDepth: 2 }),
    signingKey: fc.anything({ maxDepth: 2 }),
    purpose: fc.oneof(fc.constantFrom('status', 'bind'), fc.anything({ maxDepth: 1 })),
    challenge: fc.oneof(fc.string({ maxLength: 50 }), fc.base64String({ minLength: 44, maxLength: 44 }), fc.integer()),
    signature: fc.oneof(fc.string({ maxLength: 100 }), fc.base64String({ minLength: 88, maxLength: 88 })),
    id: fc.oneof(fc.uuid(), fc.string({ maxLength: 40 })),
    kind: fc.oneof(fc.constantFrom('ontvangen', 'afgewezen', 'bericht'), fc.string({ maxLength: 12 })),
    at: fc.oneof(fc.constantFrom('2020-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z'), fc.string({ maxLength: 30 })),
    sentAt: fc.oneof(fc.constant('2020-01-01T00:00:00.000Z'), fc.string({ maxLength: 30 })),
    sealed: fc.anything({ maxDepth: 2 }),
    certificate: fc.anything({ maxDepth: 2 }),
    organisationKey: fc.anything({ maxDepth: 2 }),
    message: fc.oneof(fc.string({ maxLength: 3_000 }), fc.integer()),
    reason: fc.anything({ maxDepth: 1 }),
    snapshotVersion: fc.oneof(fc.integer(), fc.double(), fc.string()),
    period: fc.oneof(fc.constant('2026-H1'), fc.string({ maxLength: 12 })),
    rows: fc.array(fc.record({ intervention: fc.constantFrom('wor', 'x'), referred: fc.oneof(fc.integer(), fc.string()) }, { requiredKeys: [] }), { maxLength: 3 }),
  }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.constant('y'.repeat(80_000)),
)
const contentType = fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-8', 'multipart/form-data', '')

describe('bad input never breaks the server', () => {
  it('answers 2,000 malformed requests without a 5xx and writes nothing', async () => {
    const before = await snapshot()
    await fc.assert(
      fc.asyncProperty(fc.nat(ROUTES.length - 1), fc.nat(agents.length - 1), pathParam, pathParam, body, contentType, async (r, a, p1, p2, payload, type) => {
        const [method, template] = ROUTES[r]!
        const path = template.replace(':org', encodeURIComponent(p1)).replace(':id', encodeURIComponent(p2))
        const agent = agents[a]!
        const res = await app.request(path, {
          method,
          headers: { ...(agent.cookie ? { Cookie: agent.cookie, 'X-CSRF-Token': agent.csrf } : {}), ...(type ? { 'Content-Type': type } : {}) },
          ...(method === 'GET' ? {} : { body: payload }),
        })
        const text = await res.text()
        expect(res.status, `${method} ${path} → ${res.status} ${text.slice(0, 200)}`).toBeLessThan(500)
        expect(text).not.toMatch(/at .+\.(ts|js):\d+/)
      }),
      { numRuns: 2_000, seed: 20_261_122 },
    )
    expect(await snapshot()).toEqual(before)
    expect((await app.request('/api/health')).status).toBe(200)
  }, 240_000)
})
