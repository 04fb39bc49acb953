/** A signed-in (or not) client of the app: keeps its cookie and CSRF token like a browser would. */
import type { Hono } from 'hono'
import type { Database } from '../../src/server/db/database'
import { addMember, createOrganisation } from '../../src/server/auth/accounts'
import { counterAt, totpAt } from '../../src/server/auth/totp'
import { isRegionRole, type Role } from '../../src/shared/accounts/roles'

export class Agent {
  /** The cookies this client holds, by name (the session and the known-device cookie). */
  readonly jar = new Map<string, string>()
  csrf = ''
  get cookie(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ')
  }
  set cookie(header: string) {
    this.jar.clear()
    for (const part of header.split(/;\s*/)) {
      const i = part.indexOf('=')
      if (i > 0) this.jar.set(part.slice(0, i), part.slice(i + 1))
    }
  }
  constructor(
    private readonly app: Hono<never> | { request: Hono['request'] },
    private readonly headers: Record<string, string> = {},
  ) {}

  async call(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Response> {
    const headers: Record<string, string> = { ...this.headers, ...extra }
    if (this.cookie) headers.Cookie = this.cookie
    if (this.csrf && method !== 'GET') headers['X-CSRF-Token'] = this.csrf
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const res = await this.app.request(path, { method, headers, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) })
    for (const set of res.headers.getSetCookie()) {
      const [pair = ''] = set.split(';')
      const i = pair.indexOf('=')
      const name = pair.slice(0, i)
      if (i < 1) continue
      if (/=$/.test(pair) || /Max-Age=0/i.test(set)) this.jar.delete(name)
      else this.jar.set(name, pair.slice(i + 1))
    }
    // Signing in hands out a new CSRF token with each new session (also after the second factor).
    if (res.ok && path.startsWith('/api/auth/') && res.headers.get('Content-Type')?.includes('json')) {
      const token = ((await res.clone().json()) as { csrfToken?: unknown }).csrfToken
      if (typeof token === 'string') this.csrf = token
    }
    return res
  }
  json<T = Record<string, unknown>>(res: Response): Promise<T> {
    return res.json() as Promise<T>
  }
}

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
