/**
 * Two server processes on one PostgreSQL, as a region that outgrew one machine runs them: the
 * per-account sign-in limit, the failure count and the one-time use of a TOTP code hold across
 * both, because they live in the database (docs/operations.md). Runs in the PostgreSQL pass only
 * (`npm run test:postgres`): two processes cannot share an embedded database.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/server/app'
import { SignInGuard } from '../../src/server/auth/signIn'
import { counterAt, totpAt } from '../../src/server/auth/totp'
import type { Database } from '../../src/server/db/database'
import { silentLogger } from '../../src/server/log'
import { Clock, PASSWORD, signedIn } from '../server/agent'
import { TEST_DATABASE_URL, TEST_SERVER_KEY, testDatabase } from '../server/helpers'

const ROOT = new URL('../../', import.meta.url).pathname

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })
}

/** A tiny cookie-keeping client of one process. */
class Client {
  cookie = ''
  csrf = ''
  constructor(readonly base: string) {}
  async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(this.base + path, {
      method,
      headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...(this.cookie ? { Cookie: this.cookie } : {}), ...(this.csrf ? { 'X-CSRF-Token': this.csrf } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })
    const set = res.headers.get('set-cookie')
    if (set) this.cookie = set.split(';')[0]!
    const json = (await res.json()) as Record<string, unknown>
    if (typeof json.csrfToken === 'string') this.csrf = json.csrfToken
    return { status: res.status, json }
  }
}

let db: Database
let close: () => Promise<void>
let env: Record<string, string>
const servers: ChildProcess[] = []
const bases: string[] = []
const dirs: string[] = []

async function startServer(): Promise<string> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'swz-mp-'))
  dirs.push(dir)
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    // Every request here comes from 127.0.0.1: a high per-address limit keeps the tests apart; the per-account limit is the default.
    env: { ...process.env, ...env, SERVER_KEY: TEST_SERVER_KEY.toString('base64'), SIGN_IN_LIMITS: '1000,10', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dir, STATIC_DIR: join(dir, 'none'), LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (d) => (output += d))
  child.stderr?.on('data', (d) => (output += d))
  servers.push(child)
  const base = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 90_000
  for (;;) {
    try {
      if ((await fetch(`${base}/api/health/ready`)).ok) return base
    } catch {
      // not up yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`A server process did not start:\n${output}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

beforeAll(async () => {
  if (!TEST_DATABASE_URL) throw new Error('This suite needs PostgreSQL: run it through npm run test:postgres (TEST_DATABASE_URL).')
  ;({ db, close, env } = await testDatabase())
  bases.push(...(await Promise.all([startServer(), startServer()])))
}, 240_000)
afterAll(async () => {
  for (const s of servers) {
    s.kill('SIGTERM')
    if (s.exitCode === null) await new Promise((r) => s.once('exit', r))
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
  await close?.()
})

/** A person with an authenticator, made in this process on the same database (the fixed clock lies in the past). */
async function person() {
  const app = createApp(db, { serverKey: TEST_SERVER_KEY, logger: silentLogger(), guard: new SignInGuard(new Clock().now) })
  return signedIn(app, db, new Clock(), 'huisarts')
}

describe('two server processes on one PostgreSQL', () => {
  it('share the per-account limit: ten sign-ins a minute in all, not ten each', async () => {
    const { email } = await person()
    const statuses: number[] = []
    for (let i = 0; i < 12; i++) statuses.push((await new Client(bases[i % 2]!).call('POST', '/api/auth/sign-in', { email, password: PASSWORD })).status)
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200))
    expect(statuses.slice(10)).toEqual([429, 429])
  })

  it('share the failure count: wrong codes sent to both at once are counted together', async () => {
    const { email, secret } = await person()
    const clients = [new Client(bases[0]!), new Client(bases[1]!)]
    for (const c of clients) expect((await c.call('POST', '/api/auth/sign-in', { email, password: PASSWORD })).status).toBe(200)
    const right = totpAt(secret, counterAt(Date.now()))
    const wrong = right === '000000' ? '000001' : '000000'
    const statuses = await Promise.all(Array.from({ length: 60 }, (_, i) => clients[i % 2]!.call('POST', '/api/auth/totp', { code: wrong }).then((r) => r.status)))
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10)
    expect((await clients[0]!.call('POST', '/api/auth/totp', { code: totpAt(secret, counterAt(Date.now())) })).status).toBe(429)
  })

  it('accept one code once: the same right code sent to both processes opens one session', async () => {
    const { email, secret } = await person()
    const clients = [new Client(bases[0]!), new Client(bases[1]!)]
    for (const c of clients) expect((await c.call('POST', '/api/auth/sign-in', { email, password: PASSWORD })).status).toBe(200)
    const code = totpAt(secret, counterAt(Date.now()))
    const statuses = await Promise.all(clients.map((c) => c.call('POST', '/api/auth/totp', { code }).then((r) => r.status)))
    expect(statuses.sort()).toEqual([200, 401])
  })
})
