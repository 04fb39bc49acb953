/**
 * Issue 10, findings 1, 3 and 4: region-wide powers, adopting someone else's account, and
 * offboarding. Each attack was first run against the code before the fix (see the commit).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { counterAt, totpAt } from '../../src/server/auth/totp'
import type { Database } from '../../src/server/db/database'
import { Agent, Clock, PASSWORD, regionOrganisation, signedIn } from './agent'
import { approvedBoundDevice, registerDevice } from './devices'
import { setupServerTest, type TestApp } from './fixture'

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

const rolesOf = async (userId: string, organisationId?: string) =>
  (await db.query<{ role: string }>('SELECT role FROM memberships WHERE user_id = $1 AND ($2::uuid IS NULL OR organisation_id = $2) ORDER BY role', [userId, organisationId ?? null])).rows.map((r) => r.role)

const tokenOf = (link: string) => link.split('#')[1]!

/** Signs a person in fully on a fresh agent (password, then the code or the set-up). */
async function signIn(email: string, password = PASSWORD): Promise<Agent> {
  const a = new Agent(app)
  const res = await a.call('POST', '/api/auth/sign-in', { email, password })
  expect(res.status).toBe(200)
  const { next } = (await res.json()) as { next: string }
  if (next === 'totp-setup') {
    const { secret } = (await (await a.call('POST', '/api/auth/totp/setup')).json()) as { secret: string }
    clock.advance(30)
    expect((await a.call('POST', '/api/auth/totp/confirm', { code: totpAt(secret, counterAt(clock.now())) })).status).toBe(200)
  }
  return a
}

describe('region-wide powers belong to the region', () => {
  it('an ordinary beheerder cannot rewrite the routing table to receive every referral', async () => {
    const ordinary = await signedIn(app, db, clock, 'beheerder')
    const res = await ordinary.agent.call('PUT', '/api/referrals/routes', { routes: [{ intervention: 'wor', municipality: 'Oss', organisationId: ordinary.organisationId }] })
    expect(res.status).toBe(403)
    expect((await db.query('SELECT 1 FROM referral_routes')).rows).toEqual([])
  })

  it('an ordinary beheerder cannot give anyone, themselves included, the whole map or the programme figures', async () => {
    const ordinary = await signedIn(app, db, clock, 'beheerder')
    for (const role of ['kaartbeheerder', 'programma']) {
      // The old way (a member with a password) and the new way (an invitation) both.
      await ordinary.agent.call('POST', `/api/orgs/${ordinary.organisationId}/members`, { email: ordinary.email, name: 'Test beheerder', role, password: PASSWORD })
      const invite = await ordinary.agent.call('POST', `/api/orgs/${ordinary.organisationId}/invitations`, { email: ordinary.email, name: 'Test beheerder', role })
      expect(invite.status).toBe(403)
    }
    expect(await rolesOf(ordinary.userId)).toEqual(['beheerder'])
    expect((await ordinary.agent.call('GET', '/api/map/services')).status).toBe(403)
    expect((await ordinary.agent.call('GET', '/api/kpi/totals?period=2026-H2')).status).toBe(403)
  })

  it('the database itself refuses a region-wide role outside the region', async () => {
    const ordinary = await signedIn(app, db, clock, 'beheerder')
    await expect(db.query(`INSERT INTO memberships (user_id, organisation_id, role) VALUES ($1, $2, 'programma')`, [ordinary.userId, ordinary.organisationId])).rejects.toThrow(/region-role-outside-region/)
  })

  it("the region's beheerder sets the routing table and adds an organisation whose first beheerder accepts an invitation", async () => {
    const region = await signedIn(app, db, clock, 'beheerder', { organisationId: await regionOrganisation(db) })
    const created = await region.agent.call('POST', '/api/region/organisations', { name: 'Huisartsenpraktijk De Linde', firstBeheerder: { email: 'linde@example.org', name: 'Lotte Linde' } })
    expect(created.status).toBe(201)
    const { id, invitation } = (await created.json()) as { id: string; invitation: { link: string } }
    expect(invitation.link).toMatch(/^\/beheer\/link#[A-Za-z0-9_-]{20,}$/)
    const accepted = await new Agent(app).call('POST', '/api/links/redeem', { token: tokenOf(invitation.link), password: 'Kastanje-Laan-31-Uden' })
    expect(await accepted.json()).toEqual({ kind: 'invitation', status: 'created' })
    const linde = await signIn('linde@example.org', 'Kastanje-Laan-31-Uden')
    expect((await linde.call('GET', `/api/orgs/${id}/members`)).status).toBe(200)
    expect((await region.agent.call('PUT', '/api/referrals/routes', { routes: [{ intervention: 'wor', municipality: 'Oss', organisationId: id }] })).status).toBe(200)
    // Region-wide roles are given inside the region only.
    const editor = await region.agent.call('POST', `/api/orgs/${region.organisationId}/invitations`, { email: 'kaart@example.org', name: 'Karim Kaart', role: 'kaartbeheerder' })
    expect(editor.status).toBe(201)
  })
})

describe("nobody adopts someone else's account", () => {
  it('adding an existing address gives another organisation no membership, no user id, no audit trail and no unlock', async () => {
    const a = await signedIn(app, db, clock, 'beheerder')
    const worker = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: a.organisationId })
    const b = await signedIn(app, db, clock, 'beheerder')
    const legacy = await b.agent.call('POST', `/api/orgs/${b.organisationId}/members`, { email: worker.email, name: 'Wie dan ook', role: 'sociaal-werker', password: PASSWORD })
    const invite = await b.agent.call('POST', `/api/orgs/${b.organisationId}/invitations`, { email: worker.email, name: 'Wie dan ook', role: 'sociaal-werker' })
    expect(await legacy.text()).not.toContain(worker.userId)
    expect(await invite.text()).not.toContain(worker.userId)
    expect(await rolesOf(worker.userId, b.organisationId)).toEqual([])
    // The worker keeps signing in and out; organisation B sees none of it.
    clock.advance(61)
    await signIn(worker.email)
    const { entries } = (await (await b.agent.call('GET', `/api/orgs/${b.organisationId}/audit`)).json()) as { entries: { actorId: string | null; entityId: string | null }[] }
    expect(entries.filter((e) => e.actorId === worker.userId || e.entityId === worker.userId)).toEqual([])
    expect((await b.agent.call('POST', `/api/orgs/${b.organisationId}/members/${worker.userId}/unlock`)).status).toBe(404)
  })

  it('an invitation looks the same whether or not the address has an account', async () => {
    const a = await signedIn(app, db, clock, 'beheerder')
    const b = await signedIn(app, db, clock, 'beheerder')
    const known = await b.agent.call('POST', `/api/orgs/${b.organisationId}/invitations`, { email: a.email, name: 'X', role: 'huisarts' })
    const unknown = await b.agent.call('POST', `/api/orgs/${b.organisationId}/invitations`, { email: 'niemand@example.org', name: 'X', role: 'huisarts' })
    expect([known.status, unknown.status]).toEqual([201, 201])
    expect(Object.keys((await known.json()) as object).sort()).toEqual(Object.keys((await unknown.json()) as object).sort())
  })

  it('an existing account joins only from its own full session, and a link works once', async () => {
    const a = await signedIn(app, db, clock, 'beheerder')
    const worker = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: a.organisationId })
    const b = await signedIn(app, db, clock, 'beheerder')
    const { link } = (await (await b.agent.call('POST', `/api/orgs/${b.organisationId}/invitations`, { email: worker.email, name: 'W', role: 'sociaal-werker' })).json()) as { link: string }
    const token = tokenOf(link)
    // The beheerder who made the link cannot accept it for the worker.
    const byOther = await b.agent.call('POST', '/api/links/redeem', { token, password: PASSWORD })
    expect(await byOther.json()).toMatchObject({ code: 'sign-in-first' })
    expect(await rolesOf(worker.userId, b.organisationId)).toEqual([])
    const joined = await worker.agent.call('POST', '/api/links/redeem', { token })
    expect(await joined.json()).toEqual({ kind: 'invitation', status: 'joined' })
    expect(await rolesOf(worker.userId, b.organisationId)).toEqual(['sociaal-werker'])
    expect((await worker.agent.call('POST', '/api/links/redeem', { token, password: 'x' })).status).toBe(404)
  })

  it('a new person chooses their own password; the beheerder never knows it', async () => {
    const a = await signedIn(app, db, clock, 'beheerder')
    const { link } = (await (await a.agent.call('POST', `/api/orgs/${a.organisationId}/invitations`, { email: 'nieuw@example.org', name: 'Nina Nieuw', role: 'huisarts' })).json()) as { link: string }
    const inspect = await new Agent(app).call('POST', '/api/links/inspect', { token: tokenOf(link) })
    expect(await inspect.json()).toMatchObject({ kind: 'invitation', email: 'nieuw@example.org', role: 'huisarts' })
    const weak = await new Agent(app).call('POST', '/api/links/redeem', { token: tokenOf(link), password: 'wachtwoord123' })
    expect(await weak.json()).toMatchObject({ code: 'password-too-common' })
    // A refused password leaves the link usable.
    const ok = await new Agent(app).call('POST', '/api/links/redeem', { token: tokenOf(link), password: 'Beuken-Pad-88-Boekel' })
    expect(await ok.json()).toEqual({ kind: 'invitation', status: 'created' })
    await signIn('nieuw@example.org', 'Beuken-Pad-88-Boekel')
  })
})

describe('offboarding', () => {
  it('removing a member ends their sessions, revokes their devices here and takes their roles here', async () => {
    const admin = await signedIn(app, db, clock, 'beheerder')
    const worker = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: admin.organisationId })
    const { id } = await approvedBoundDevice(worker.agent, admin.agent, admin.organisationId, 'T')
    expect((await admin.agent.call('DELETE', `/api/orgs/${admin.organisationId}/members/${worker.userId}`)).status).toBe(200)
    expect((await worker.agent.call('GET', '/api/auth/me')).status).toBe(401)
    expect(await rolesOf(worker.userId, admin.organisationId)).toEqual([])
    expect((await db.query<{ status: string }>('SELECT status FROM devices WHERE id = $1', [id])).rows[0]!.status).toBe('revoked')
    // The last beheerder stays.
    expect((await admin.agent.call('DELETE', `/api/orgs/${admin.organisationId}/members/${admin.userId}`)).status).toBe(409)
  })

  it('a lock ends every session at once and holds against the right password; an unlock opens it again', async () => {
    const admin = await signedIn(app, db, clock, 'beheerder')
    const worker = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: admin.organisationId })
    expect((await admin.agent.call('POST', `/api/orgs/${admin.organisationId}/members/${worker.userId}/lock`)).status).toBe(200)
    expect((await worker.agent.call('GET', '/api/auth/me')).status).toBe(401)
    const locked = await new Agent(app).call('POST', '/api/auth/sign-in', { email: worker.email, password: PASSWORD })
    expect(await locked.json()).toMatchObject({ code: 'locked' })
    // A wrong password does not reveal the lock.
    expect(await (await new Agent(app).call('POST', '/api/auth/sign-in', { email: worker.email, password: 'Fout-Fout-Fout-1' })).json()).toMatchObject({ code: 'wrong' })
    expect((await admin.agent.call('POST', `/api/orgs/${admin.organisationId}/members/${worker.userId}/unlock`)).status).toBe(200)
    clock.advance(61)
    await signIn(worker.email)
  })

  it('signs a member out everywhere', async () => {
    const admin = await signedIn(app, db, clock, 'beheerder')
    const worker = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: admin.organisationId })
    expect(await (await admin.agent.call('POST', `/api/orgs/${admin.organisationId}/members/${worker.userId}/sign-out`)).json()).toEqual({ ended: 1 })
    expect((await worker.agent.call('GET', '/api/auth/me')).status).toBe(401)
  })

  it('changing your password needs the current one and signs you out elsewhere', async () => {
    const worker = await signedIn(app, db, clock, 'huisarts')
    const elsewhere = await signIn(worker.email)
    expect((await worker.agent.call('POST', '/api/auth/password', { currentPassword: 'Niet-Het-Oude-1', newPassword: 'Eiken-Hof-12-Heesch' })).status).toBe(401)
    expect((await worker.agent.call('POST', '/api/auth/password', { currentPassword: PASSWORD, newPassword: 'Eiken-Hof-12-Heesch' })).status).toBe(200)
    expect((await worker.agent.call('GET', '/api/auth/me')).status).toBe(200)
    expect((await elsewhere.call('GET', '/api/auth/me')).status).toBe(401)
    clock.advance(61)
    expect((await new Agent(app).call('POST', '/api/auth/sign-in', { email: worker.email, password: PASSWORD })).status).toBe(401)
    await signIn(worker.email, 'Eiken-Hof-12-Heesch')
  })

  it('a password reset link lets its holder choose a new password; the old one and old sessions stop', async () => {
    const admin = await signedIn(app, db, clock, 'beheerder')
    const worker = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: admin.organisationId })
    const { link } = (await (await admin.agent.call('POST', `/api/orgs/${admin.organisationId}/members/${worker.userId}/password-reset`)).json()) as { link: string }
    expect(await (await new Agent(app).call('POST', '/api/links/redeem', { token: tokenOf(link), password: 'Linden-Dreef-5-Oss' })).json()).toEqual({ kind: 'password-reset', status: 'password-set' })
    expect((await worker.agent.call('GET', '/api/auth/me')).status).toBe(401)
    clock.advance(61)
    expect((await new Agent(app).call('POST', '/api/auth/sign-in', { email: worker.email, password: PASSWORD })).status).toBe(401)
    clock.advance(61)
    await signIn(worker.email, 'Linden-Dreef-5-Oss')
  })

  it('an authenticator reset link needs the password, then the person sets up a new authenticator', async () => {
    const admin = await signedIn(app, db, clock, 'beheerder')
    const worker = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: admin.organisationId })
    const { link } = (await (await admin.agent.call('POST', `/api/orgs/${admin.organisationId}/members/${worker.userId}/totp-reset`)).json()) as { link: string }
    expect((await new Agent(app).call('POST', '/api/links/redeem', { token: tokenOf(link), password: 'Niet-Het-Goede-1' })).status).toBe(401)
    expect(await (await new Agent(app).call('POST', '/api/links/redeem', { token: tokenOf(link), password: PASSWORD })).json()).toEqual({ kind: 'totp-reset', status: 'totp-cleared' })
    clock.advance(61)
    const again = await new Agent(app).call('POST', '/api/auth/sign-in', { email: worker.email, password: PASSWORD })
    expect(await again.json()).toMatchObject({ next: 'totp-setup' })
  })

  it('only the home organisation or the region may lock, unlock, sign out or reset an account', async () => {
    const home = await signedIn(app, db, clock, 'beheerder')
    const worker = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: home.organisationId })
    const guest = await signedIn(app, db, clock, 'beheerder')
    const { link } = (await (await guest.agent.call('POST', `/api/orgs/${guest.organisationId}/invitations`, { email: worker.email, name: 'W', role: 'sociaal-werker' })).json()) as { link: string }
    await worker.agent.call('POST', '/api/links/redeem', { token: tokenOf(link), password: 'x' })
    expect(await rolesOf(worker.userId, guest.organisationId)).toEqual(['sociaal-werker'])
    for (const action of ['lock', 'unlock', 'sign-out', 'password-reset', 'totp-reset']) {
      const res = await guest.agent.call('POST', `/api/orgs/${guest.organisationId}/members/${worker.userId}/${action}`)
      expect([action, res.status]).toEqual([action, 403])
    }
    const region = await signedIn(app, db, clock, 'beheerder', { organisationId: await regionOrganisation(db) })
    expect((await region.agent.call('POST', `/api/orgs/${guest.organisationId}/members/${worker.userId}/lock`)).status).toBe(200)
    expect((await region.agent.call('POST', `/api/orgs/${guest.organisationId}/members/${worker.userId}/unlock`)).status).toBe(200)
    // …but the region approves no other organisation's devices and reads no other organisation's log.
    expect((await region.agent.call('GET', `/api/orgs/${guest.organisationId}/audit`)).status).toBe(403)
    // The guest organisation may still let the person go.
    expect((await guest.agent.call('DELETE', `/api/orgs/${guest.organisationId}/members/${worker.userId}`)).status).toBe(200)
    expect(await rolesOf(worker.userId)).toEqual(['sociaal-werker'])
  })

  it('an organisation cannot lock or reset someone who also works elsewhere: that is the region\'s', async () => {
    const home = await signedIn(app, db, clock, 'beheerder')
    const worker = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: home.organisationId })
    const region = await signedIn(app, db, clock, 'beheerder', { organisationId: await regionOrganisation(db) })
    const { link } = (await (await region.agent.call('POST', `/api/orgs/${region.organisationId}/invitations`, { email: worker.email, name: 'W', role: 'programma' })).json()) as { link: string }
    expect((await worker.agent.call('POST', '/api/links/redeem', { token: tokenOf(link) })).status).toBe(200)
    for (const action of ['lock', 'password-reset', 'totp-reset']) {
      expect([action, (await home.agent.call('POST', `/api/orgs/${home.organisationId}/members/${worker.userId}/${action}`)).status]).toEqual([action, 403])
    }
    expect((await region.agent.call('POST', `/api/orgs/${home.organisationId}/members/${worker.userId}/password-reset`)).status).toBe(201)
  })

  it('one beheerder cannot reset both the password and the authenticator of a person within a week', async () => {
    const admin = await signedIn(app, db, clock, 'beheerder')
    const worker = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: admin.organisationId })
    const reset = (await (await admin.agent.call('POST', `/api/orgs/${admin.organisationId}/members/${worker.userId}/password-reset`)).json()) as { link: string }
    expect((await new Agent(app).call('POST', '/api/links/redeem', { token: tokenOf(reset.link), password: 'Meidoorn-Haag-9-Oss' })).status).toBe(200)
    const totp = (await (await admin.agent.call('POST', `/api/orgs/${admin.organisationId}/members/${worker.userId}/totp-reset`)).json()) as { link: string }
    clock.advance(61)
    const chained = await new Agent(app).call('POST', '/api/links/redeem', { token: tokenOf(totp.link), password: 'Meidoorn-Haag-9-Oss' })
    expect(await chained.json()).toMatchObject({ code: 'reset-chain' })
    expect((await db.query<{ totp_enabled: boolean }>('SELECT totp_enabled FROM users WHERE id = $1', [worker.userId])).rows[0]!.totp_enabled).toBe(true)
  })

  it('removing a beheerder withdraws the invitations they made; two removing each other leave one', async () => {
    const first = await signedIn(app, db, clock, 'beheerder')
    const second = await signedIn(app, db, clock, 'beheerder', { organisationId: first.organisationId })
    const { link } = (await (await second.agent.call('POST', `/api/orgs/${first.organisationId}/invitations`, { email: 'prive@example.org', name: 'Prive', role: 'beheerder' })).json()) as { link: string }
    const both = await Promise.all([
      first.agent.call('DELETE', `/api/orgs/${first.organisationId}/members/${second.userId}`),
      second.agent.call('DELETE', `/api/orgs/${first.organisationId}/members/${first.userId}`),
    ])
    // One wins; the other is refused as the last beheerder (409), or finds its own session gone (401).
    expect(both.filter((r) => r.status === 200).length).toBe(1)
    expect(both.some((r) => r.status === 409 || r.status === 401)).toBe(true)
    const left = await db.query(`SELECT 1 FROM memberships WHERE organisation_id = $1 AND role = 'beheerder'`, [first.organisationId])
    expect(left.rows.length).toBe(1)
    if (both[0]!.status === 200) expect((await new Agent(app).call('POST', '/api/links/redeem', { token: tokenOf(link), password: 'Hulst-Wal-4-Uden', name: 'Prive' })).status).toBe(404)
  })

  it("another organisation's beheerder reaches none of A's ids through their own organisation's path", async () => {
    const a = await signedIn(app, db, clock, 'beheerder')
    const worker = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: a.organisationId })
    const b = await signedIn(app, db, clock, 'beheerder')
    const { id: deviceId } = await registerDevice(worker.agent, a.organisationId, 'T')
    const { id: invitationId } = (await (await a.agent.call('POST', `/api/orgs/${a.organisationId}/invitations`, { email: 'x@example.org', name: 'X', role: 'huisarts' })).json()) as { id: string }
    const B = `/api/orgs/${b.organisationId}`
    const tries: [string, string][] = [
      ['DELETE', `${B}/invitations/${invitationId}`],
      ['POST', `${B}/devices/${deviceId}/approve`],
      ['POST', `${B}/devices/${deviceId}/revoke`],
      ['DELETE', `${B}/members/${worker.userId}`],
      ...['lock', 'unlock', 'sign-out', 'password-reset', 'totp-reset'].map((action) => ['POST', `${B}/members/${worker.userId}/${action}`] as [string, string]),
    ]
    for (const [method, path] of tries) {
      const status = (await b.agent.call(method, path)).status
      expect([path, status >= 400]).toEqual([path, true])
    }
    expect((await db.query<{ status: string }>('SELECT status FROM devices WHERE id = $1', [deviceId])).rows[0]!.status).toBe('pending')
    expect((await db.query('SELECT 1 FROM account_links WHERE id = $1 AND revoked_at IS NULL', [invitationId])).rows.length).toBe(1)
    expect((await worker.agent.call('GET', '/api/auth/me')).status).toBe(200)
  })
})
