/**
 * Issue 10, findings 2, 5, 6 and 7 (sign-in): TOTP brute force by concurrency, lockout as a
 * weapon, account enumeration, forged proxy headers, floods of password hashing, secrets at
 * rest. Each attack was first run against the code before the fix (see the commit).
 */
import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HashingBusyError, MAX_RUNNING, MAX_WAITING, verifyPassword, DUMMY_HASH } from '../../src/server/auth/passwords'
import { counterAt, totpAt } from '../../src/server/auth/totp'
import type { Database } from '../../src/server/db/database'
import { buildExampleMap } from '../../src/server/seed/exampleMap'
import { storeServices } from '../../src/server/socialMap/repository'
import { Agent, Clock, PASSWORD, signedIn } from './agent'
import { setupServerTest, testApp, type TestApp } from './fixture'

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

/** A person whose password was just accepted: the code step is next. */
async function atCodeStep() {
  const person = await signedIn(app, db, clock, 'huisarts')
  clock.advance(61)
  const a = new Agent(app)
  expect((await a.call('POST', '/api/auth/sign-in', { email: person.email, password: PASSWORD })).status).toBe(200)
  return { ...person, a }
}
const wrongCode = (secret: string) => {
  const right = totpAt(secret, counterAt(clock.now()))
  return right === '000000' ? '000001' : '000000'
}

describe('the second factor', () => {
  it('300 parallel wrong codes are 300 attempts: only a few are checked, and then even the right code must wait', async () => {
    const { a, secret } = await atCodeStep()
    const bad = wrongCode(secret)
    const statuses = await Promise.all(Array.from({ length: 300 }, () => a.call('POST', '/api/auth/totp', { code: bad }).then((r) => r.status)))
    const checked = statuses.filter((s) => s === 401).length
    expect(checked).toBeLessThanOrEqual(10)
    expect(statuses.filter((s) => s === 429).length).toBe(300 - checked)
    const right = await a.call('POST', '/api/auth/totp', { code: totpAt(secret, counterAt(clock.now())) })
    expect(right.status).toBe(429)
  })

  it('one right code opens one session, even sent twice at once', async () => {
    const { email, secret } = await atCodeStep()
    const one = new Agent(app)
    const two = new Agent(app)
    for (const x of [one, two]) expect((await x.call('POST', '/api/auth/sign-in', { email, password: PASSWORD })).status).toBe(200)
    clock.advance(30)
    const code = totpAt(secret, counterAt(clock.now()))
    const statuses = await Promise.all([one, two].map((x) => x.call('POST', '/api/auth/totp', { code }).then((r) => r.status)))
    // The other is refused: the code was used (401), or the account must wait a moment (429).
    expect(statuses.filter((s) => s === 200)).toEqual([200])
  })

  it('says that the code was wrong, not the e-mail address or password', async () => {
    const { a, secret } = await atCodeStep()
    const res = await a.call('POST', '/api/auth/totp', { code: wrongCode(secret) })
    expect(await res.json()).toMatchObject({ code: 'wrong-code' })
  })

  it('gives the session a new token once the second factor is done', async () => {
    const { a, secret } = await atCodeStep()
    const before = a.cookie
    clock.advance(30)
    expect((await a.call('POST', '/api/auth/totp', { code: totpAt(secret, counterAt(clock.now())) })).status).toBe(200)
    expect(a.cookie).not.toBe(before)
    const stale = new Agent(app)
    stale.cookie = before
    expect((await stale.call('GET', '/api/auth/me')).status).toBe(401)
  })

  it('keeps the authenticator secret encrypted in the database', async () => {
    const { userId, secret } = await signedIn(app, db, clock, 'huisarts')
    const stored = (await db.query<{ totp_secret: string }>('SELECT totp_secret FROM users WHERE id = $1', [userId])).rows[0]!.totp_secret
    expect(stored).not.toContain(secret)
    expect(stored).toMatch(/^v1\./)
  })
})

describe('failures that must add up', () => {
  it('a right password between guesses does not clear the count: codes cannot be guessed for ever', async () => {
    const { email, secret } = await atCodeStep()
    const bad = wrongCode(secret)
    const statuses: number[] = []
    for (let round = 0; round < 5; round++) {
      clock.advance(61)
      const a = new Agent(app)
      statuses.push((await a.call('POST', '/api/auth/sign-in', { email, password: PASSWORD })).status)
      for (let i = 0; i < 3; i++) statuses.push((await a.call('POST', '/api/auth/totp', { code: bad })).status)
    }
    const codesChecked = statuses.filter((s) => s === 401).length
    expect(codesChecked).toBeLessThanOrEqual(8)
    // Ten attempts in all: now even the right password waits a quarter of an hour.
    clock.advance(61)
    expect((await new Agent(app).call('POST', '/api/auth/sign-in', { email, password: PASSWORD })).status).toBe(429)
  })

  it('someone who only knows the address cannot keep the person out: a browser that signed in before still can', async () => {
    const person = await signedIn(app, db, clock, 'sociaal-werker')
    const known = person.agent.jar.get('swz_device')
    expect(known).toBeTruthy()
    for (let i = 0; i < 12; i++) {
      clock.advance(61)
      await new Agent(app).call('POST', '/api/auth/sign-in', { email: person.email, password: `Geraden-${i}-wachtwoord` })
    }
    clock.advance(61)
    expect((await new Agent(app).call('POST', '/api/auth/sign-in', { email: person.email, password: PASSWORD })).status).toBe(429)
    const sameBrowser = new Agent(app)
    sameBrowser.jar.set('swz_device', known!)
    expect((await sameBrowser.call('POST', '/api/auth/sign-in', { email: person.email, password: PASSWORD })).status).toBe(200)
    clock.advance(30)
    const code = await sameBrowser.call('POST', '/api/auth/totp', { code: totpAt(person.secret, counterAt(clock.now())) })
    // Ten were checked and failed; the two refused during the wait were never checked.
    expect(await code.json()).toMatchObject({ ok: true, failedAttempts: 10 })
    // A made-up device cookie counts for nothing.
    const forged = new Agent(app)
    forged.jar.set('swz_device', `${'A'.repeat(22)}.${known!.split('.')[1]}`)
    clock.advance(61)
    for (let i = 0; i < 10; i++) await new Agent(app).call('POST', '/api/auth/sign-in', { email: person.email, password: `Nog-eens-${i}-fout` })
    expect((await forged.call('POST', '/api/auth/sign-in', { email: person.email, password: PASSWORD })).status).toBe(429)
  })
})

describe('failed passwords', () => {
  it("ten wrong passwords do not end the real person's session, and the account opens again by itself", async () => {
    const worker = await signedIn(app, db, clock, 'sociaal-werker')
    const attacker = new Agent(app)
    for (let i = 0; i < 10; i++) {
      clock.advance(61)
      await attacker.call('POST', '/api/auth/sign-in', { email: worker.email, password: `Geraden-${i}-wachtwoord` })
    }
    expect((await worker.agent.call('GET', '/api/auth/me')).status).toBe(200)
    clock.advance(15 * 60 + 1)
    expect((await new Agent(app).call('POST', '/api/auth/sign-in', { email: worker.email, password: PASSWORD })).status).toBe(200)
  })

  it('answers an unknown address exactly like a known one, attempt after attempt', async () => {
    const known = await signedIn(app, db, clock, 'huisarts')
    clock.advance(61)
    const seen: { known: string[]; unknown: string[] } = { known: [], unknown: [] }
    for (let i = 0; i < 6; i++) {
      for (const [who, email] of [['known', known.email], ['unknown', 'niemand.hier@example.org']] as const) {
        const res = await new Agent(app).call('POST', '/api/auth/sign-in', { email, password: 'Niet-Het-Goede-1' })
        seen[who].push(`${res.status} ${JSON.stringify(await res.json())} ${res.headers.get('Retry-After')}`)
      }
    }
    expect(seen.unknown).toEqual(seen.known)
    expect(seen.known.some((s) => s.startsWith('429'))).toBe(true)
  })

  it('tells the person at their next sign-in how many failed attempts there were', async () => {
    const person = await signedIn(app, db, clock, 'huisarts')
    for (let i = 0; i < 4; i++) {
      clock.advance(61)
      await new Agent(app).call('POST', '/api/auth/sign-in', { email: person.email, password: 'Niet-Het-Goede-1' })
    }
    for (const expected of [4, 0]) {
      clock.advance(61)
      const a = new Agent(app)
      await a.call('POST', '/api/auth/sign-in', { email: person.email, password: PASSWORD })
      const res = await a.call('POST', '/api/auth/totp', { code: totpAt(person.secret, counterAt(clock.now())) })
      expect(await res.json()).toMatchObject({ ok: true, failedAttempts: expected })
    }
  })

  it('caps concurrent password hashing: a flood is told "busy" instead of queueing without end', async () => {
    const results = await Promise.allSettled(Array.from({ length: MAX_RUNNING + MAX_WAITING + 20 }, () => verifyPassword('Niet-Het-Goede-1', DUMMY_HASH)))
    const busy = results.filter((r) => r.status === 'rejected' && r.reason instanceof HashingBusyError).length
    expect(busy).toBe(20)
  })
})

describe('behind a reverse proxy', () => {
  it('counts the right-most untrusted address: a forged left part does not escape the per-address limit', async () => {
    const behind = testApp(db, clock, { trustedProxies: 1 })
    const statuses: number[] = []
    for (let i = 0; i < 31; i++) {
      const res = await new Agent(behind, { 'X-Forwarded-For': `10.0.0.${i}, 203.0.113.7` }).call('POST', '/api/auth/sign-in', { email: `nobody${i}@example.org`, password: 'Niet-Het-Goede-1' })
      statuses.push(res.status)
    }
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true)
    expect(statuses.at(-1)).toBe(429)
    // Another client behind the same proxy has its own bucket.
    const other = await new Agent(behind, { 'X-Forwarded-For': '203.0.113.8' }).call('POST', '/api/auth/sign-in', { email: 'nobody@example.org', password: 'Niet-Het-Goede-1' })
    expect(other.status).toBe(401)
  })

  it('over HTTPS: a __Host- cookie, HSTS, and personal answers kept out of caches', async () => {
    const person = await signedIn(app, db, clock, 'huisarts')
    const behind = testApp(db, clock, { trustedProxies: 1 })
    clock.advance(61)
    const res = await new Agent(behind, { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '203.0.113.9' }).call('POST', '/api/auth/sign-in', { email: person.email, password: PASSWORD })
    expect(res.headers.get('Set-Cookie')).toMatch(/^__Host-swz_session=[^;]+;.*Secure/)
    expect(res.headers.get('Strict-Transport-Security')).toMatch(/max-age=\d{7,}/)
    expect((await person.agent.call('GET', '/api/auth/me')).headers.get('Cache-Control')).toBe('no-store')
    // A plain cookie planted over HTTPS is not a session there.
    const planted = new Agent(behind, { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '203.0.113.9' })
    planted.cookie = person.agent.cookie
    expect((await planted.call('GET', '/api/auth/me')).status).toBe(401)
  })
})

describe("residents' reports", () => {
  it('a flood from one address is cut off after twenty an hour, and editors see the newest first', async () => {
    const [service] = buildExampleMap({ referenceDate: '2026-11-01' })
    await storeServices(db, [service!])
    const statuses: number[] = []
    for (let i = 0; i < 21; i++) statuses.push((await new Agent(app).call('POST', '/api/reports', { id: randomUUID(), serviceId: service!.id, message: `Spam ${i}` })).status)
    expect(statuses.slice(0, 20).every((s) => s === 201)).toBe(true)
    expect(statuses[20]).toBe(429)
    // An hour later the newest real report is on top.
    clock.advance(3601)
    await new Agent(app).call('POST', '/api/reports', { id: randomUUID(), serviceId: service!.id, message: 'Het adres klopt niet meer' })
    const editor = await signedIn(app, db, clock, 'kaartbeheerder')
    const { reports, total } = (await (await editor.agent.call('GET', '/api/map/reports')).json()) as { reports: { message: string }[]; total: number }
    expect(reports[0]!.message).toBe('Het adres klopt niet meer')
    expect(total).toBe(21)
  })
})

describe('the audit log', () => {
  it('cannot be emptied with TRUNCATE', async () => {
    await signedIn(app, db, clock, 'huisarts')
    await expect(db.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/)
  })
})
