/** Sign-in with password and TOTP, sessions, sign-out (here or everywhere), and the first beheerder. */
import { Hono, type Context } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import type { z } from 'zod'
import { bootstrapSchema, signInSchema, totpCodeSchema } from '../../shared/accounts/schemas'
import { describeIssues } from '../../shared/socialMap/hsds'
import { AccountError, bootstrap } from '../auth/accounts'
import { audit } from '../auth/audit'
import { currentUser, requireUser, type AppEnv } from '../auth/middleware'
import { createSession, endAllSessions, endSession, markSecondFactor, SESSION_COOKIE, SESSION_HOURS } from '../auth/sessions'
import type { SignInGuard, SignInOutcome } from '../auth/signIn'
import { newTotpSecret, otpauthUri } from '../auth/totp'
import type { Database } from '../db/database'
import { readJson } from './readJson'

/** Parses a JSON body with a schema; answers 400 with the reasons when it does not fit. */
export async function body<S extends z.ZodType>(c: Context, schema: S): Promise<{ ok: true; value: z.infer<S> } | { ok: false; response: Response }> {
  const raw = await readJson(c)
  if (!raw.ok) return { ok: false, response: c.json({ error: raw.error, code: 'bad-request' }, 400) }
  const parsed = schema.safeParse(raw.value)
  if (!parsed.success) return { ok: false, response: c.json({ error: `Invalid request: ${describeIssues(parsed.error)}`, code: 'bad-request' }, 400) }
  return { ok: true, value: parsed.data }
}

export interface ProxySettings {
  /** Only behind a proxy that sets them may X-Forwarded-* be believed; anyone can send them. */
  trustProxy: boolean
}

function clientAddress(c: Context, proxy: ProxySettings): string {
  const forwarded = proxy.trustProxy ? c.req.header('X-Forwarded-For')?.split(',')[0]?.trim() : undefined
  return forwarded || (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress || 'unknown'
}

const isHttps = (c: Context, proxy: ProxySettings) => c.req.url.startsWith('https:') || (proxy.trustProxy && c.req.header('X-Forwarded-Proto') === 'https')

function failure(c: Context, outcome: Extract<SignInOutcome, { ok: false }>) {
  if (outcome.retryAfter) c.header('Retry-After', String(outcome.retryAfter))
  switch (outcome.reason) {
    case 'locked':
      return c.json({ error: 'This account is locked after too many failed attempts. Ask your beheerder to unlock it.', code: 'locked' }, 423)
    case 'wait':
    case 'rate-limited':
      return c.json({ error: `Too many attempts. Try again in ${outcome.retryAfter} seconds.`, code: outcome.reason, retryAfter: outcome.retryAfter }, 429)
    case 'wrong':
      return c.json({ error: 'E-mail address, password or code is not right.', code: 'wrong' }, 401)
  }
}

export function authRoutes(db: Database, guard: SignInGuard, proxy: ProxySettings = { trustProxy: false }) {
  const app = new Hono<AppEnv>()

  app.post('/bootstrap', async (c) => {
    const b = await body(c, bootstrapSchema)
    if (!b.ok) return b.response
    try {
      const { userId, organisationId } = await bootstrap(db, b.value.code, b.value.organisation, { email: b.value.email, name: b.value.name, password: b.value.password })
      return c.json({ userId, organisationId }, 201)
    } catch (e) {
      if (e instanceof AccountError) return c.json({ error: e.message, code: e.code }, e.status)
      throw e
    }
  })

  app.post('/sign-in', async (c) => {
    const b = await body(c, signInSchema)
    if (!b.ok) return b.response
    const outcome = await guard.signIn(db, b.value.email, b.value.password, clientAddress(c, proxy))
    if (!outcome.ok) return failure(c, outcome)
    const { token, csrfToken } = await createSession(db, outcome.userId, false)
    setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Strict', secure: isHttps(c, proxy), path: '/', maxAge: SESSION_HOURS * 3600 })
    return c.json({ next: outcome.totpEnabled ? 'totp' : 'totp-setup', csrfToken })
  })

  app.post('/totp/setup', requireUser({ secondFactor: false }), async (c) => {
    const user = currentUser(c)
    if (user.totpEnabled) return c.json({ error: 'Two-step sign-in is already set up.', code: 'already-set-up' }, 409)
    const secret = newTotpSecret()
    await db.query('UPDATE users SET totp_secret = $2 WHERE id = $1 AND NOT totp_enabled', [user.userId, secret])
    return c.json({ secret, uri: otpauthUri(secret, user.email) })
  })

  app.post('/totp/confirm', requireUser({ secondFactor: false }), async (c) => {
    const user = currentUser(c)
    if (user.totpEnabled) return c.json({ error: 'Two-step sign-in is already set up.', code: 'already-set-up' }, 409)
    const b = await body(c, totpCodeSchema)
    if (!b.ok) return b.response
    const outcome = await guard.secondFactor(db, user.userId, b.value.code)
    if (!outcome.ok) return failure(c, outcome)
    await db.query('UPDATE users SET totp_enabled = true WHERE id = $1', [user.userId])
    await markSecondFactor(db, user.tokenHash)
    await audit(db, { actorId: user.userId, action: 'totp-enabled', entity: 'user', entityId: user.userId })
    return c.json({ ok: true })
  })

  app.post('/totp', requireUser({ secondFactor: false }), async (c) => {
    const user = currentUser(c)
    if (!user.totpEnabled) return c.json({ error: 'Set up two-step sign-in first.', code: 'totp-setup-required' }, 409)
    const b = await body(c, totpCodeSchema)
    if (!b.ok) return b.response
    const outcome = await guard.secondFactor(db, user.userId, b.value.code)
    if (!outcome.ok) return failure(c, outcome)
    await markSecondFactor(db, user.tokenHash)
    return c.json({ ok: true })
  })

  app.get('/me', requireUser({ secondFactor: false }), (c) => {
    const u = currentUser(c)
    return c.json({ id: u.userId, email: u.email, name: u.name, secondFactor: u.secondFactor, totpEnabled: u.totpEnabled, memberships: u.memberships, csrfToken: u.csrfToken })
  })

  app.post('/sign-out', requireUser({ secondFactor: false }), async (c) => {
    const u = currentUser(c)
    await endSession(db, u.tokenHash)
    await audit(db, { actorId: u.userId, action: 'sign-out', entity: 'user', entityId: u.userId })
    deleteCookie(c, SESSION_COOKIE, { path: '/' })
    return c.json({ ok: true })
  })

  app.post('/sign-out-everywhere', requireUser(), async (c) => {
    const u = currentUser(c)
    const ended = await endAllSessions(db, u.userId)
    await audit(db, { actorId: u.userId, action: 'sign-out-everywhere', entity: 'user', entityId: u.userId })
    deleteCookie(c, SESSION_COOKIE, { path: '/' })
    return c.json({ ended })
  })

  return app
}
