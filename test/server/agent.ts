/** People of the server tests: a controllable clock, and persons created and signed in fully through the API. */
import type { Hono } from 'hono'
import { Agent } from '../support/agent'
import type { Database } from '../../src/server/db/database'
import { addMember, createOrganisation } from '../../src/server/auth/accounts'
import { counterAt, totpAt } from '../../src/server/auth/totp'
import { isRegionRole, type Role } from '../../src/shared/accounts/roles'

/** The one cookie-and-CSRF client (test/support/agent.ts), here over `app.request`. */
export { Agent }

/** A controllable clock for the sign-in guard: each TOTP code needs a fresh 30-second step. */
export class Clock {
  t = Date.UTC(2026, 10, 22, 9, 0, 0)
  now = () => this.t
  advance(seconds: number) {
    this.t += seconds * 1000
  }
}

export const PASSWORD = 'Zonnebloem-Veld-42-Oss'

/** The region's own organisation (the programme office), made on first use. */
export async function regionOrganisation(db: Database): Promise<string> {
  const found = await db.query<{ id: string }>('SELECT id FROM organisations WHERE is_region')
  return found.rows[0]?.id ?? createOrganisation(db, 'Programmabureau SiG', null, { isRegion: true })
}

/**
 * Creates a person with a role and signs them in fully (password + TOTP set-up). Region-wide
 * roles land in the region's organisation unless another is named (which the database refuses).
 */
export async function signedIn(app: { request: Hono['request'] }, db: Database, clock: Clock, role: Role, opts: { organisationId?: string; email?: string } = {}) {
  const organisationId =
    opts.organisationId ?? (isRegionRole(role) ? await regionOrganisation(db) : await createOrganisation(db, `Org ${role} ${Math.random().toString(36).slice(2, 8)}`, null))
  const email = opts.email ?? `${role}.${Math.random().toString(36).slice(2, 8)}@example.org`
  const { userId } = await addMember(db, { email, name: `Test ${role}`, password: PASSWORD }, organisationId, role, null)
  const agent = new Agent(app)
  const signIn = await agent.call('POST', '/api/auth/sign-in', { email, password: PASSWORD })
  if (signIn.status !== 200) throw new Error(`sign-in failed: ${signIn.status} ${await signIn.text()}`)
  agent.csrf = ((await signIn.json()) as { csrfToken: string }).csrfToken
  const setup = (await (await agent.call('POST', '/api/auth/totp/setup')).json()) as { secret: string }
  clock.advance(30)
  const confirm = await agent.call('POST', '/api/auth/totp/confirm', { code: totpAt(setup.secret, counterAt(clock.now())) })
  if (confirm.status !== 200) throw new Error(`totp confirm failed: ${confirm.status} ${await confirm.text()}`)
  return { agent, userId, organisationId, email, secret: setup.secret }
}

/** The same person signing in again (another phone): password, then a fresh TOTP code. */
export async function signInAgain(app: { request: Hono['request'] }, clock: Clock, who: { email: string; secret: string }): Promise<Agent> {
  const agent = new Agent(app)
  const res = await agent.call('POST', '/api/auth/sign-in', { email: who.email, password: PASSWORD })
  agent.csrf = ((await res.json()) as { csrfToken: string }).csrfToken
  clock.advance(30)
  const totp = await agent.call('POST', '/api/auth/totp', { code: totpAt(who.secret, counterAt(clock.now())) })
  if (totp.status !== 200) throw new Error(`second sign-in failed: ${totp.status} ${await totp.text()}`)
  return agent
}
