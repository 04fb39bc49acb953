/** Sign-in with password and TOTP, sessions, sign-out (here or everywhere), changing one's password, and the first beheerder. */
import { Hono, type Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { bootstrapSchema, changePasswordSchema, signInSchema, totpCodeSchema } from '../../shared/accounts/schemas'
import { passwordProblem } from '../../shared/accounts/passwordPolicy'
import { AccountError, bootstrap } from '../auth/accounts'
import { audit } from '../auth/audit'
import { currentUser, requireUser, sessionCookieName, type AppEnv } from '../auth/middleware'
import { hashPassword } from '../auth/passwords'
import { createSession, endAllSessions, endSession, rotateToFullSession, SESSION_HOURS } from '../auth/sessions'
import { sealTotpSecret, type GuardKeys, type Refusal, type SignInGuard } from '../auth/signIn'
import { newTotpSecret, otpauthUri } from '../auth/totp'
import type { Database } from '../db/types'
import { clientAddress, isHttps, type ProxySettings } from '../http/client'
import { problem } from '../http/problem'
import { reply } from '../http/reply'
import { body } from '../http/request'

/** A refused sign-in step, in words per step: a wrong code is not "wrong e-mail or password". */
export function refusal(c: Context, outcome: { reason: Refusal; retryAfter?: number | undefined }) {
  if (outcome.retryAfter) c.header('Retry-After', String(outcome.retryAfter))
  switch (outcome.reason) {
    case 'locked':
      return problem(c, 423, 'locked', 'Your beheerder has locked this account. Ask them to unlock it.')
    case 'wait':
    case 'rate-limited':
      return problem(c, 429, outcome.reason, `Too many attempts. Try again in ${outcome.retryAfter} seconds.`, { retryAfter: outcome.retryAfter })
    case 'busy':
      return problem(c, 503, 'busy', 'The server is busy. Try again in a moment.', { retryAfter: outcome.retryAfter })
    case 'wrong-code':
      return problem(c, 401, 'wrong-code', 'The code is not right (or was used already). Wait for the next code and try again.')
    case 'wrong':
      return problem(c, 401, 'wrong', 'E-mail address or password is not right.')
  }
}

export interface AuthDeps {
  db: Database
  guard: SignInGuard
  keys: GuardKeys
  proxy: ProxySettings
}

export function setSessionCookie(c: Context, proxy: ProxySettings, token: string) {
  const secure = isHttps(c, proxy)
  setCookie(c, sessionCookieName(c, proxy), token, { httpOnly: true, sameSite: 'Strict', secure, path: '/', maxAge: SESSION_HOURS * 3600 })
}

/** The known-device cookie (auth/signIn.ts): half a year, this host only, never sent cross-site. */
const KNOWN_DEVICE_COOKIE = 'swz_device'
const knownDeviceName = (c: Context, proxy: ProxySettings) => (isHttps(c, proxy) ? `__Host-${KNOWN_DEVICE_COOKIE}` : KNOWN_DEVICE_COOKIE)
export const knownDevice = (c: Context, proxy: ProxySettings) => getCookie(c, knownDeviceName(c, proxy))?.slice(0, 200)

export function authRoutes({ db, guard, keys, proxy }: AuthDeps) {
  const app = new Hono<AppEnv>()
  const address = (c: Context) => clientAddress(c, proxy)

  app.post('/bootstrap', async (c) => {
    const b = await body(c, bootstrapSchema)
    if (!b.ok) return b.response
    try {
      const { userId, organisationId } = await bootstrap(db, b.value.code, b.value.organisation, { email: b.value.email, name: b.value.name, password: b.value.password })
      return reply(c, 'POST /api/auth/bootstrap', { userId, organisationId }, 201)
    } catch (e) {
      if (e instanceof AccountError) return problem(c, e.status, e.code, e.message)
      throw e
    }
  })

  app.post('/sign-in', async (c) => {
    const b = await body(c, signInSchema)
    if (!b.ok) return b.response
    const outcome = await guard.signIn(db, keys, b.value.email, b.value.password, address(c), knownDevice(c, proxy))
    if (!outcome.ok) return refusal(c, outcome)
    const { token, csrfToken } = await createSession(db, outcome.userId, false)
    setSessionCookie(c, proxy, token)
    return reply(c, 'POST /api/auth/sign-in', { next: outcome.totpEnabled ? 'totp' : 'totp-setup', csrfToken })
  })

  app.post('/totp/setup', requireUser({ secondFactor: false }), async (c) => {
    const user = currentUser(c)
    if (user.totpEnabled) return problem(c, 409, 'already-set-up', 'Two-step sign-in is already set up.')
    const secret = newTotpSecret()
    // Stored encrypted under the server key: a copy of the database gives no second factor.
    await db.query('UPDATE users SET totp_secret = $2 WHERE id = $1 AND NOT totp_enabled', [user.userId, sealTotpSecret(keys, user.userId, secret)])
    return reply(c, 'POST /api/auth/totp/setup', { secret, uri: otpauthUri(secret, user.email) })
  })

  for (const [path, mode] of [['/totp/confirm', 'confirm'], ['/totp', 'sign-in']] as const) {
    app.post(path, requireUser({ secondFactor: false }), async (c) => {
      const user = currentUser(c)
      if (mode === 'confirm' && user.totpEnabled) return problem(c, 409, 'already-set-up', 'Two-step sign-in is already set up.')
      if (mode === 'sign-in' && !user.totpEnabled) return problem(c, 409, 'totp-setup-required', 'Set up two-step sign-in first.')
      const b = await body(c, totpCodeSchema)
      if (!b.ok) return b.response
      const outcome = await guard.secondFactor(db, keys, user, b.value.code, address(c), mode, knownDevice(c, proxy))
      if (!outcome.ok) return refusal(c, outcome)
      const { token, csrfToken } = await rotateToFullSession(db, user.tokenHash, user.userId)
      setSessionCookie(c, proxy, token)
      // This browser proved itself: from now on failures by others do not keep it out.
      setCookie(c, knownDeviceName(c, proxy), guard.knownDeviceToken(keys, user.email), {
        httpOnly: true,
        sameSite: 'Strict',
        secure: isHttps(c, proxy),
        path: '/',
        maxAge: 183 * 24 * 3600,
      })
      return reply(c, mode === 'confirm' ? 'POST /api/auth/totp/confirm' : 'POST /api/auth/totp', { ok: true, failedAttempts: outcome.failedAttempts, csrfToken })
    })
  }

  app.get('/me', requireUser({ secondFactor: false }), (c) => {
    const u = currentUser(c)
    return reply(c, 'GET /api/auth/me', {
      id: u.userId,
      email: u.email,
      name: u.name,
      secondFactor: u.secondFactor,
      totpEnabled: u.totpEnabled,
      homeOrganisationId: u.homeOrganisationId,
      memberships: u.memberships,
      csrfToken: u.csrfToken,
      /** The device this session is bound to (docs/device-trust.md), or null: acting on shared records needs an approved one. */
      device: u.device ? { id: u.device.id, organisationId: u.device.organisationId, status: u.device.status } : null,
    })
  })

  app.post('/password', requireUser(), async (c) => {
    const b = await body(c, changePasswordSchema)
    if (!b.ok) return b.response
    const u = currentUser(c)
    const weakness = passwordProblem(b.value.newPassword, [u.email, u.name])
    if (weakness) return problem(c, 400, `password-${weakness}`, `The new password is not good enough (${weakness}).`)
    const check = await guard.checkPassword(db, keys, u.email, b.value.currentPassword, address(c), knownDevice(c, proxy))
    if (!check.ok) return refusal(c, check.reason === 'wrong' ? { reason: 'wrong' } : check)
    await db.query('UPDATE users SET password_hash = $2, password_changed_at = now() WHERE id = $1', [u.userId, await hashPassword(b.value.newPassword)])
    // Whoever knew the old password is signed out everywhere else.
    const ended = await endAllSessions(db, u.userId, u.tokenHash)
    await audit(db, { actorId: u.userId, organisationId: u.homeOrganisationId, action: 'password-changed', entity: 'user', entityId: u.userId })
    return reply(c, 'POST /api/auth/password', { ok: true, endedSessions: ended })
  })

  app.post('/sign-out', requireUser({ secondFactor: false }), async (c) => {
    const u = currentUser(c)
    await endSession(db, u.tokenHash)
    await audit(db, { actorId: u.userId, organisationId: u.homeOrganisationId, action: 'sign-out', entity: 'user', entityId: u.userId })
    deleteCookie(c, sessionCookieName(c, proxy), { path: '/', secure: isHttps(c, proxy) })
    return reply(c, 'POST /api/auth/sign-out', { ok: true })
  })

  app.post('/sign-out-everywhere', requireUser(), async (c) => {
    const u = currentUser(c)
    const ended = await endAllSessions(db, u.userId)
    await audit(db, { actorId: u.userId, organisationId: u.homeOrganisationId, action: 'sign-out-everywhere', entity: 'user', entityId: u.userId })
    deleteCookie(c, sessionCookieName(c, proxy), { path: '/', secure: isHttps(c, proxy) })
    return reply(c, 'POST /api/auth/sign-out-everywhere', { ended })
  })

  return app
}
