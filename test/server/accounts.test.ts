import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { addMember, createOrganisation, newBootstrapCode } from '../../src/server/auth/accounts'
import { counterAt, totpAt } from '../../src/server/auth/totp'
import type { Database } from '../../src/server/db/database'
import { Agent, Clock, PASSWORD, signedIn } from './agent'
import { certificateFor, deviceStatus, makeDeviceKeys, registerDevice, registrationBody } from './devices'
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


describe('the first beheerder', () => {
  it('sets up an organisation with the one-time code, which works only once', async () => {
    const code = await newBootstrapCode(db)
    const a = new Agent(app)
    const first = await a.call('POST', '/api/auth/bootstrap', { code, organisation: 'Gemeente Oss', name: 'Anna', email: 'anna@example.org', password: PASSWORD })
    expect(first.status).toBe(201)
    const again = await a.call('POST', '/api/auth/bootstrap', { code, organisation: 'Gemeente Boekel', name: 'Bea', email: 'b@example.org', password: PASSWORD })
    expect(again.status).toBe(409)
    expect((await a.call('POST', '/api/auth/sign-in', { email: 'anna@example.org', password: PASSWORD })).status).toBe(200)
  })

  it('refuses a wrong code', async () => {
    await newBootstrapCode(db)
    const res = await new Agent(app).call('POST', '/api/auth/bootstrap', { code: 'not-the-right-code-at-all', organisation: 'Gemeente Oss', name: 'Anna', email: 'anna@example.org', password: PASSWORD })
    expect(res.status).toBe(400)
    expect((await res.json()) as object).toMatchObject({ code: 'bad-code' })
  })
})

describe('passwords', () => {
  it('refuses short, common and name-based passwords', async () => {
    const org = await createOrganisation(db, 'Huisartsenpraktijk De Linde', null)
    for (const [password, code] of [['kort', 'too-short'], ['Wachtwoord2024!', 'too-common'], ['welkom123456', 'too-common'], ['JanssenJanssen99', 'contains-name']]) {
      await expect(addMember(db, { email: 'p.janssen@example.org', name: 'Piet Janssen', password: password! }, org, 'huisarts', null)).rejects.toMatchObject({ code: `password-${code}` })
    }
  })
})

describe('signing in', () => {
  it('needs the authenticator code after the password, and refuses a code used before', async () => {
    const { email, secret } = await signedIn(app, db, clock, 'huisarts')
    const a = new Agent(app)
    const res = await a.call('POST', '/api/auth/sign-in', { email, password: PASSWORD })
    expect(await res.json()).toMatchObject({ next: 'totp' })
    a.csrf = ((await (await a.call('GET', '/api/auth/me')).json()) as { csrfToken: string }).csrfToken
    expect((await a.call('GET', '/api/devices')).status).toBe(401)
    const used = totpAt(secret, counterAt(clock.now()))
    expect((await a.call('POST', '/api/auth/totp', { code: used })).status).toBe(401)
    clock.advance(30)
    expect((await a.call('POST', '/api/auth/totp', { code: totpAt(secret, counterAt(clock.now())) })).status).toBe(200)
    expect((await a.call('GET', '/api/devices')).status).toBe(200)
  })

  it('answers the same for an unknown address as for a wrong password', async () => {
    const { email } = await signedIn(app, db, clock, 'huisarts')
    const wrong = await new Agent(app).call('POST', '/api/auth/sign-in', { email, password: 'Niet-Het-Goede-1' })
    const unknown = await new Agent(app).call('POST', '/api/auth/sign-in', { email: 'nobody@example.org', password: 'Niet-Het-Goede-1' })
    expect([wrong.status, unknown.status]).toEqual([401, 401])
    expect(await wrong.json()).toEqual(await unknown.json())
  })

  it('sets the session cookie HttpOnly and SameSite=Strict, and Secure behind TLS', async () => {
    const { email } = await signedIn(app, db, clock, 'huisarts')
    const plain = await new Agent(app).call('POST', '/api/auth/sign-in', { email, password: PASSWORD })
    const cookie = plain.headers.get('Set-Cookie') ?? ''
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Strict/)
    expect(cookie).not.toMatch(/Secure/)
    // A forged header does not count unless the server is told it sits behind a proxy.
    const forged = await new Agent(app, { 'X-Forwarded-Proto': 'https' }).call('POST', '/api/auth/sign-in', { email, password: PASSWORD })
    expect(forged.headers.get('Set-Cookie')).not.toMatch(/Secure/)
    const behindProxy = testApp(db, clock, { trustedProxies: 1 })
    const tls = await new Agent(behindProxy, { 'X-Forwarded-Proto': 'https' }).call('POST', '/api/auth/sign-in', { email, password: PASSWORD })
    expect(tls.headers.get('Set-Cookie')).toMatch(/^__Host-swz_session=.*Secure/)
  })

  it('makes you wait longer after each failure, locks for a while after ten, and a beheerder can lift the wait', async () => {
    const admin = await signedIn(app, db, clock, 'beheerder')
    const worker = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: admin.organisationId })
    const a = new Agent(app)
    const attempt = () => a.call('POST', '/api/auth/sign-in', { email: worker.email, password: 'Verkeerd-Wachtwoord-1' })
    expect((await attempt()).status).toBe(401)
    expect((await attempt()).status).toBe(401)
    expect((await attempt()).status).toBe(401)
    const waiting = await attempt()
    expect(waiting.status).toBe(429)
    expect(await waiting.json()).toMatchObject({ code: 'wait' })
    expect(Number(waiting.headers.get('Retry-After'))).toBeGreaterThan(0)
    // The refused attempt (429) does not count: seven more failures make ten.
    for (let i = 0; i < 7; i++) {
      clock.advance(61)
      expect((await attempt()).status).toBe(401)
    }
    clock.advance(61)
    // Locked: the right password is refused, now and still minutes later, from any browser.
    const locked = await a.call('POST', '/api/auth/sign-in', { email: worker.email, password: PASSWORD })
    expect(locked.status).toBe(429)
    expect(await locked.json()).toMatchObject({ code: 'wait' })
    expect(Number(locked.headers.get('Retry-After'))).toBeGreaterThan(800)
    clock.advance(5 * 60)
    expect((await new Agent(app).call('POST', '/api/auth/sign-in', { email: worker.email, password: PASSWORD })).status).toBe(429)
    expect((await admin.agent.call('POST', `/api/orgs/${admin.organisationId}/members/${worker.userId}/unlock`)).status).toBe(200)
    const unlocked = await a.call('POST', '/api/auth/sign-in', { email: worker.email, password: PASSWORD })
    expect(unlocked.status).toBe(200)
    expect(await unlocked.json()).toMatchObject({ next: 'totp' })
  })

  it('limits attempts per account to ten a minute, whatever the password', async () => {
    const { email } = await signedIn(app, db, clock, 'huisarts')
    clock.advance(60) // a fresh window: the helper signed in once already
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) {
      statuses.push((await new Agent(app).call('POST', '/api/auth/sign-in', { email, password: PASSWORD })).status)
    }
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true)
    expect(statuses[10]).toBe(429)
    clock.advance(60)
    expect((await new Agent(app).call('POST', '/api/auth/sign-in', { email, password: PASSWORD })).status).toBe(200)
  })

  it('does not let a made-up X-Forwarded-For escape the per-address limit', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 31; i++) {
      const res = await new Agent(app, { 'X-Forwarded-For': `10.0.0.${i}` }).call('POST', '/api/auth/sign-in', { email: `nobody${i}@example.org`, password: 'Niet-Het-Goede-1' })
      statuses.push(res.status)
    }
    // Thirty from one address are answered (401), the 31st is held whatever the header claims.
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true)
    expect(statuses.at(-1)).toBe(429)
  })

  it('refuses a changing request without the CSRF token', async () => {
    const { agent } = await signedIn(app, db, clock, 'huisarts')
    agent.csrf = ''
    const res = await agent.call('POST', '/api/auth/sign-out-everywhere')
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({ code: 'csrf' })
  })

  it('refuses a changing request from another site', async () => {
    const { agent } = await signedIn(app, db, clock, 'huisarts')
    const res = await agent.call('POST', '/api/auth/sign-out', undefined, { Origin: 'https://evil.example', Host: 'localhost' })
    expect(res.status).toBe(403)
  })

  it('signs out everywhere: other sessions stop working', async () => {
    const one = await signedIn(app, db, clock, 'huisarts')
    const other = new Agent(app)
    await other.call('POST', '/api/auth/sign-in', { email: one.email, password: PASSWORD })
    expect((await other.call('GET', '/api/auth/me')).status).toBe(200)
    expect((await one.agent.call('POST', '/api/auth/sign-out-everywhere')).status).toBe(200)
    expect((await other.call('GET', '/api/auth/me')).status).toBe(401)
    expect((await one.agent.call('GET', '/api/auth/me')).status).toBe(401)
  })
})

describe('devices', () => {
  it('registers pending, is approved by the beheerder, and after revocation is told to wipe', async () => {
    const admin = await signedIn(app, db, clock, 'beheerder')
    const worker = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: admin.organisationId })
    const keys = await makeDeviceKeys()
    const reg = await worker.agent.call('POST', '/api/devices', registrationBody(admin.organisationId, keys, 'Telefoon Sanne'))
    expect(reg.status).toBe(201)
    const { id } = (await reg.json()) as { id: string }
    const device = { id, organisationId: admin.organisationId, keys }
    const phone = new Agent(app)
    expect(await (await worker.agent.call('GET', `/api/devices/${id}`)).json()).toMatchObject({ status: 'pending', wipe: false })
    expect(await (await deviceStatus(phone, device)).json()).toMatchObject({ status: 'pending', wipe: false })
    // Approving sends the certificate the beheerder's phone signed (test/server/devices.ts).
    const certificate = await certificateFor(admin.agent, admin.organisationId, id)
    expect((await admin.agent.call('POST', `/api/orgs/${admin.organisationId}/devices/${id}/approve`, { certificate })).status).toBe(200)
    expect(await (await worker.agent.call('GET', `/api/devices/${id}`)).json()).toMatchObject({ status: 'approved' })
    expect(await (await deviceStatus(phone, device)).json()).toMatchObject({ status: 'approved', wipe: false })
    expect((await admin.agent.call('POST', `/api/orgs/${admin.organisationId}/devices/${id}/revoke`)).status).toBe(200)
    expect(await (await worker.agent.call('GET', `/api/devices/${id}`)).json()).toMatchObject({ status: 'revoked', wipe: true })
    expect(await (await deviceStatus(phone, device)).json()).toMatchObject({ status: 'revoked', wipe: true })
    expect((await admin.agent.call('POST', `/api/orgs/${admin.organisationId}/devices/${id}/approve`, { certificate })).status).toBe(409)
  })

  it('refuses a key that is not a P-256 public key, or carries a private part', async () => {
    const w = await signedIn(app, db, clock, 'sociaal-werker')
    const keys = await makeDeviceKeys()
    const good = registrationBody(w.organisationId, keys, 'x')
    for (const bad of [{ ...keys.publicKey, crv: 'P-384' }, { ...keys.publicKey, d: 'secret-part-of-the-key-never-leaves-phone' }, { kty: 'RSA' }]) {
      for (const field of ['publicKey', 'authKey', 'signingKey'] as const) {
        expect((await w.agent.call('POST', '/api/devices', { ...good, [field]: bad })).status).toBe(400)
      }
    }
    expect((await w.agent.call('POST', '/api/devices', good)).status).toBe(201)
  })

  it('lets only the beheerder of the same organisation approve', async () => {
    const admin = await signedIn(app, db, clock, 'beheerder')
    const otherAdmin = await signedIn(app, db, clock, 'beheerder')
    const worker = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: admin.organisationId })
    const { id } = await registerDevice(worker.agent, admin.organisationId, 'T')
    const certificate = await certificateFor(admin.agent, admin.organisationId, id)
    expect((await otherAdmin.agent.call('POST', `/api/orgs/${admin.organisationId}/devices/${id}/approve`, { certificate })).status).toBe(403)
    expect((await otherAdmin.agent.call('POST', `/api/orgs/${otherAdmin.organisationId}/devices/${id}/approve`, { certificate })).status).toBe(409)
  })
})

describe('the audit log', () => {
  it('records who did what on which record, without content, and cannot be changed', async () => {
    const admin = await signedIn(app, db, clock, 'beheerder')
    const res = await admin.agent.call('GET', `/api/orgs/${admin.organisationId}/audit`)
    const { entries } = (await res.json()) as { entries: { action: string; entity: string; entityId: string }[] }
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['sign-in-password', 'totp-enabled', 'grant-role:beheerder']))
    const text = JSON.stringify(entries)
    expect(text).not.toContain(admin.email)
    expect(text).not.toContain(PASSWORD)
    await expect(db.query('UPDATE audit_log SET action = $1', ['x'])).rejects.toThrow(/append-only/)
    await expect(db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/)
  })

  it('exports as CSV for the beheerder', async () => {
    const admin = await signedIn(app, db, clock, 'beheerder')
    const res = await admin.agent.call('GET', `/api/orgs/${admin.organisationId}/audit?format=csv`)
    expect(res.headers.get('Content-Type')).toMatch(/text\/csv/)
    expect((await res.text()).split('\n')[0]).toBe('id,at,actor_id,action,entity,entity_id')
  })
})
