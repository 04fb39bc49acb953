/**
 * Two server processes on one PostgreSQL, as a region that outgrew one machine runs them: the
 * per-account sign-in limit, the failure count, the one-time use of a TOTP code and of a device
 * challenge hold across both, because they live in the database (docs/operations.md,
 * docs/device-trust.md). Runs in the PostgreSQL pass only
 * (`npm run test:postgres`): two processes cannot share an embedded database.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { counterAt, totpAt } from '../../src/server/auth/totp'
import type { Database } from '../../src/server/db/database'
import { Agent, Clock, PASSWORD, signedIn } from '../server/agent'
import { challenge, proof, registerDevice } from '../server/devices'
import { TEST_DATABASE_URL, TEST_SERVER_KEY, testDatabase } from '../server/helpers'
import { startServer, type ServerProcess } from '../server/serverProcess'
import { testApp } from '../server/fixture'
import { methodEtag } from '../../src/shared/api/method'
import { BUNDLED_METHOD } from '../../src/shared/method/sigMethod'
import { caseSyncWorld, ownCase, type Phone } from '../server/caseSyncWorld'

/** A browser-like client (test/support/agent.ts) of one process, over HTTP. */
const clientOf = (base: string) => new Agent(base)

let db: Database
let close: () => Promise<void>
let env: Record<string, string>
const servers: ServerProcess[] = []
const bases: string[] = []
const dirs: string[] = []

async function startOne(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'swz-mp-'))
  dirs.push(dir)
  // Every request here comes from 127.0.0.1: a high per-address limit keeps the tests apart; the per-account limit is the default.
  const server = await startServer(['--import', 'tsx', 'src/server/main.ts'], dir, '/api/health/ready', {
    ...env,
    SERVER_KEY: TEST_SERVER_KEY.toString('base64'),
    SIGN_IN_LIMITS: '1000,10',
    DEVICE_OFFLINE_DAYS: '9',
    LOG_LEVEL: 'silent',
  })
  servers.push(server)
  return server.baseUrl
}

beforeAll(async () => {
  if (!TEST_DATABASE_URL) throw new Error('This suite needs PostgreSQL: run it through npm run test:postgres (TEST_DATABASE_URL).')
  ;({ db, close, env } = await testDatabase())
  bases.push(...(await Promise.all([startOne(), startOne()])))
}, 240_000)
afterAll(async () => {
  for (const s of servers) await s.stop()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
  await close?.()
})

/** A person with an authenticator, made in this process on the same database (the fixed clock lies in the past). */
async function person() {
  const app = testApp(db, new Clock())
  return { ...(await signedIn(app, db, new Clock(), 'huisarts')), app }
}

describe('two server processes on one PostgreSQL', () => {
  it('share the per-account limit: ten sign-ins a minute in all, not ten each', async () => {
    const { email } = await person()
    const statuses: number[] = []
    for (let i = 0; i < 12; i++) statuses.push((await clientOf(bases[i % 2]!).call('POST', '/api/auth/sign-in', { email, password: PASSWORD })).status)
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200))
    expect(statuses.slice(10)).toEqual([429, 429])
  })

  it('share the failure count: wrong codes sent to both at once are counted together', async () => {
    const { email, secret } = await person()
    const clients = [clientOf(bases[0]!), clientOf(bases[1]!)]
    for (const c of clients) expect((await c.call('POST', '/api/auth/sign-in', { email, password: PASSWORD })).status).toBe(200)
    const right = totpAt(secret, counterAt(Date.now()))
    const wrong = right === '000000' ? '000001' : '000000'
    const statuses = await Promise.all(Array.from({ length: 60 }, (_, i) => clients[i % 2]!.call('POST', '/api/auth/totp', { code: wrong }).then((r) => r.status)))
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10)
    expect((await clients[0]!.call('POST', '/api/auth/totp', { code: totpAt(secret, counterAt(Date.now())) })).status).toBe(429)
  })

  it('accept one code once: the same right code sent to both processes opens one session', async () => {
    const { email, secret } = await person()
    const clients = [clientOf(bases[0]!), clientOf(bases[1]!)]
    for (const c of clients) expect((await c.call('POST', '/api/auth/sign-in', { email, password: PASSWORD })).status).toBe(200)
    const code = totpAt(secret, counterAt(Date.now()))
    const statuses = await Promise.all(clients.map((c) => c.call('POST', '/api/auth/totp', { code }).then((r) => r.status)))
    // The other is refused: the code was used (401), or the account must wait a moment (429).
    expect(statuses.filter((s) => s === 200)).toEqual([200])
  })

  it('accept a device challenge answer once: sent to both processes at once, one status answer; DEVICE_OFFLINE_DAYS reaches it', async () => {
    const { agent, organisationId } = await person()
    const phone = await registerDevice(agent, organisationId)
    await db.query("UPDATE devices SET status = 'approved' WHERE id = $1", [phone.id])
    const clients = [clientOf(bases[0]!), clientOf(bases[1]!)]
    const answer = await proof(phone, 'status', await challenge(clients[0]!, phone.id, 'status'))
    const results = await Promise.all(clients.map((c) => c.call('POST', `/api/devices/${phone.id}/status`, answer)))
    expect(results.map((r) => r.status).sort()).toEqual([200, 401])
    expect(await results.find((r) => r.status === 200)!.json()).toMatchObject({ id: phone.id, status: 'approved', wipe: false, offlineDays: 9 })
  })

  it('store the bundled method once when both start at once, and let one of two publishes of one version in (docs/method.md)', async () => {
    expect((await db.query('SELECT version FROM method_versions')).rows).toEqual([{ version: 1 }])
    // One programme officer's session, used on both processes (sessions live in the database).
    const { email, secret } = await signedIn(testApp(db, new Clock()), db, new Clock(), 'programma')
    const [first, second] = [clientOf(bases[0]!), clientOf(bases[1]!)]
    expect((await first.call('POST', '/api/auth/sign-in', { email, password: PASSWORD })).status).toBe(200)
    expect((await first.call('POST', '/api/auth/totp', { code: totpAt(secret, counterAt(Date.now())) })).status).toBe(200)
    second.cookie = first.cookie
    second.csrf = first.csrf
    const next = { ...BUNDLED_METHOD, version: 2, note: { nl: 'Versie 2.', en: 'Version 2.' } }
    const statuses = await Promise.all([first, second].map((c) => c.call('POST', '/api/method', next).then((r) => r.status)))
    expect(statuses.sort()).toEqual([201, 409])
    // Both processes hand out version 2 (the ETag is weak when the answer went gzip: docs/method.md).
    for (const base of bases) expect((await clientOf(base).call('GET', '/api/method')).headers.get('ETag')?.replace(/^W\//, '')).toBe(methodEtag(2))
  })

  it('keep one case’s clocks contiguous: one device’s clock sent to both at once is taken once, two devices on two processes lose nothing, one of two snapshots wins (docs/case-sync.md)', async () => {
    // The people and devices made in this process (sessions live in the database), used over HTTP.
    const clock = new Clock()
    clock.t = Date.now()
    const w = await caseSyncWorld({ app: testApp(db, clock), db, clock })
    const on = (p: Phone, base: string): Phone => {
      const agent = clientOf(base)
      agent.cookie = p.agent.cookie
      agent.csrf = p.agent.csrf
      return { ...p, agent }
    }
    const [phoneA, phoneB, laptopB] = [on(w.phone, bases[0]!), on(w.phone, bases[1]!), on(w.laptop, bases[1]!)]
    const c = await ownCase(phoneA)
    const send = (p: Phone, body: unknown, kind = 'updates') => p.agent.call('POST', `/api/case-sync/docs/${c.docId}/${kind}`, body)
    const post = async (p: Phone, body: unknown, kind = 'updates') => (await send(p, body, kind)).status
    /** Statuses and refusal codes of requests sent at once, sorted. */
    const raced = async (requests: Promise<Response>[]) =>
      (await Promise.all(requests.map(async (r) => { const res = await r; return `${res.status}${res.ok ? '' : ` ${((await res.json()) as { code: string }).code}`}` }))).sort()
    // The document row's lock decides (the refusal names the clock), not only the unique key behind it.
    for (let round = 1; round <= 5; round++) {
      const [a, b] = [await c.update(w.phone, `a${round}`, { clock: round }), await c.update(w.phone, `b${round}`, { clock: round })]
      expect(await raced([send(phoneA, a), send(phoneB, b)])).toEqual(['201', '409 clock-mismatch'])
    }
    c.clocks[w.phone.device.id] = 5
    const burst = async (p: Phone, via: Phone) => {
      const statuses: number[] = []
      for (let i = 0; i < 10; i++) statuses.push(await post(via, await c.update(p)))
      return statuses
    }
    const [phoneStatuses, laptopStatuses] = await Promise.all([burst(w.phone, phoneA), burst(w.laptop, laptopB)])
    expect([...phoneStatuses, ...laptopStatuses]).toEqual(Array(20).fill(201))
    const { rows } = await db.query<{ device_id: string; clocks: number[] }>('SELECT device_id, array_agg(clock ORDER BY seq) AS clocks FROM sync_updates WHERE document_id = $1 GROUP BY device_id', [c.docId])
    expect(Object.fromEntries(rows.map((r) => [r.device_id, r.clocks]))).toEqual({
      [w.phone.device.id]: Array.from({ length: 15 }, (_, i) => i + 1),
      [w.laptop.device.id]: Array.from({ length: 10 }, (_, i) => i + 1),
    })
    const snapshots = [await c.snapshot(w.phone), await c.snapshot(w.laptop)]
    expect(await raced([send(phoneA, snapshots[0], 'snapshots'), send(laptopB, snapshots[1], 'snapshots')])).toEqual(['201', '409 snapshot-outdated'])
  })
})
