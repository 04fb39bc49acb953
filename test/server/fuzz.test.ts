/**
 * Every route of the app (read from the app itself), called with a valid request by a caller who
 * may make it, then with one part of it corrupted at a time and with random bodies: the server
 * never answers 5xx or a stack trace, keeps serving, every route's handler is reached past
 * validation, and a refused request changes no table (a digest of every table before and after,
 * test/server/fuzz/digest.ts) except what a refusal is meant to record (catalogue refusalWrites; audit rows by action,
 * refusalAudit).
 */
import fc from 'fast-check'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/server/db/database'
import { Clock } from './agent'
import { setupServerTest, type TestApp } from './fixture'
import { CATALOGUE, type Valid } from './fuzz/catalogue'
import { auditActionsSince, changedTables, digester, type Digest } from './fuzz/digest'
import { apply, mutation, RAW_PATH_VALUES, reachedHandler, type Mutation } from './fuzz/mutate'
import { World } from './fuzz/world'

let db: Database
let close: () => Promise<void>
let app: TestApp
const clock = new Clock()
let world: World
let digest: () => Promise<Digest>

beforeAll(async () => {
  ;({ db, close, app } = await setupServerTest({ clock }))
  world = new World(app, db, clock)
  await world.setUp()
  ;({ digest } = await digester(db))
}, 60_000)
afterAll(async () => {
  await close()
})

const appRoutes = () => [...new Set(app.routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/')).map((r) => `${r.method} ${r.path}`))].sort()

/** Per route: the requests that reached the handler's own logic. */
const reached = new Map<string, number>()
/** The valid request per route, kept while refusals leave what it names as it was. */
const bases = new Map<string, Valid>()
let last: Digest | undefined
/** Per route: the audit rows its refusals wrote (each checked against the catalogue's refusalAudit). */
const audited = new Map<string, number>()

async function send(key: string, m: Mutation) {
  const entry = CATALOGUE[key]!
  const [method, template] = key.split(' ') as [string, string]
  if (entry.advance) clock.advance(entry.advance)
  const remade = world.remade
  const caller = await world.caller(entry.who)
  let base = entry.fresh ? undefined : bases.get(key)
  if (!base) {
    base = entry.build ? await entry.build(world, caller) : {}
    bases.set(key, base)
    last = undefined
  }
  if (world.remade !== remade) last = undefined
  const before = last ?? (await digest())
  const req = apply(method, template, base, m)
  const headers = { ...req.init.headers, ...(caller.agent.cookie ? { Cookie: caller.agent.cookie } : {}), ...(caller.agent.csrf && method !== 'GET' ? { 'X-CSRF-Token': caller.agent.csrf } : {}) }
  const res = await app.request(req.path, { ...req.init, headers })
  const text = await res.text()
  const where = `${key} as ${entry.who}, ${req.what} → ${res.status} ${text.slice(0, 300)}`
  expect(res.status, where).toBeLessThan(500)
  expect(text, where).not.toMatch(/at .+\.(ts|js):\d+|node_modules/)
  let answer: { code?: unknown; error?: unknown } | null = null
  try {
    answer = JSON.parse(text) as typeof answer
  } catch {
    // Not JSON (a 2xx of another type): no problem code.
  }
  if (reachedHandler(res.status, answer, req.params)) reached.set(key, (reached.get(key) ?? 0) + 1)
  if (res.status >= 400) {
    last = await digest()
    const changed = changedTables(before, last)
    expect(changed.filter((t) => !entry.refusalWrites?.includes(t)), `a refused request wrote: ${where}`).toEqual([])
    if (changed.includes('audit_log')) {
      const actions = await auditActionsSince(db, before)
      expect(actions.filter((a) => !entry.refusalAudit?.includes(a)), `a refused request audited: ${where}`).toEqual([])
      audited.set(key, (audited.get(key) ?? 0) + actions.length)
    }
  } else {
    // A valid request may write, and may use up what its base names.
    last = undefined
    bases.delete(key)
    if (entry.endsSession) world.sessionChanged(entry.who)
  }
  if (res.headers.getSetCookie().length && entry.who !== 'anonymous') world.sessionChanged(entry.who)
}

describe('bad input never breaks the server', () => {
  it('has a valid request for every route the app has', () => {
    expect(appRoutes()).toEqual(Object.keys(CATALOGUE).sort())
  })

  it('hands path values to the handlers as they were typed', async () => {
    // The fuzz builds its URLs by hand; this is what a handler then reads from c.req.param().
    const echo = new Hono().get('/x/:id', (c) => c.text(c.req.param('id')))
    const seen = await Promise.all(RAW_PATH_VALUES.slice(0, 4).map(async (v) => (await echo.request(`/x/${v}`)).text()))
    expect(seen).toEqual(['\u0000', '../../etc/passwd', '%', '%E0%A4%A'])
  })

  it('digests every table and sees every kind of write, also one that writes the same values back', async () => {
    const { tables } = await digester(db)
    expect(tables).toEqual(expect.arrayContaining(['audit_log', 'sessions', 'referrals', 'referral_events', 'kpi_targets', 'rate_limits', 'services', 'users']))
    const writes: [string, string][] = [
      ['UPDATE organisations SET name = name WHERE id = $1', 'organisations'],
      ["INSERT INTO audit_log (actor_id, organisation_id, action, entity) VALUES (NULL, $1, 'plant', 'fuzz')", 'audit_log'],
      ["INSERT INTO rate_limits (bucket, window_start, hits) VALUES ('plant:' || $1, now(), 1)", 'rate_limits'],
      ["DELETE FROM rate_limits WHERE bucket = 'plant:' || $1", 'rate_limits'],
      // Sessions are digested by content without last_seen_at (digest.ts): a change shows, a touch does not.
      ["UPDATE sessions SET expires_at = expires_at + interval '1 second' WHERE user_id IN (SELECT user_id FROM memberships WHERE organisation_id = $1)", 'sessions'],
      ["UPDATE sessions SET expires_at = expires_at - interval '1 second' WHERE user_id IN (SELECT user_id FROM memberships WHERE organisation_id = $1)", 'sessions'],
      ["UPDATE sessions SET last_seen_at = now() WHERE user_id IN (SELECT user_id FROM memberships WHERE organisation_id = $1)", ''],
    ]
    for (const [sql, table] of writes) {
      const before = await digest()
      await db.query(sql, [world.orgA])
      expect(changedTables(before, await digest()), sql).toEqual(table ? [table] : [])
    }
  })

  it('answers valid and corrupted requests to every route without a 5xx, reaches every handler, and refusals write nothing', async () => {
    const keys = Object.keys(CATALOGUE).sort()
    for (const key of keys) await send(key, { kind: 'valid' })
    // One wrong password for certain (the random mix need not draw one): its audit row is checked like every refusal's.
    await send('POST /api/auth/sign-in', { kind: 'field', pick: 1, value: 'Fout-Wachtwoord-99', keepType: true })
    // A GET without path values or query has nothing to corrupt: its valid request above is all.
    const fuzzed = keys.filter((k) => !k.startsWith('GET ') || k.includes(':') || CATALOGUE[k]!.build)
    await fc.assert(
      fc.asyncProperty(fc.nat(fuzzed.length - 1), mutation, async (r, m) => send(fuzzed[r]!, m)),
      { numRuns: 400, seed: 20_261_130 },
    )
    // Every handler was reached past validation (not only its gates and schema).
    expect(keys.filter((k) => !reached.get(k)), 'routes whose handler no request reached past validation').toEqual([])
    // The audit check above ran: a wrong password was refused and audited as one.
    expect(audited.get('POST /api/auth/sign-in'), 'refused sign-ins that wrote an audit row').toBeGreaterThan(0)
    expect((await app.request('/api/health')).status).toBe(200)
  }, 240_000)
})
