/** Who is asking: loads the session from its cookie, and guards routes by sign-in, second factor, role and CSRF token. */
import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import type { Database } from '../db/types'
import { isRegionRole, type Role } from '../../shared/accounts/roles'
import { isHttps, type ProxySettings } from '../http/client'
import { loadSession, SECURE_SESSION_COOKIE, SESSION_COOKIE, type SessionUser } from './sessions'
import { problem } from '../http/problem'

export type AppEnv = { Variables: { user: SessionUser | null } }

/** Over HTTPS only the __Host- cookie counts: a plain one may have been planted. */
export const sessionCookieName = (c: Context, proxy: ProxySettings) => (isHttps(c, proxy) ? SECURE_SESSION_COOKIE : SESSION_COOKIE)

export function loadUser(db: Database, proxy: ProxySettings): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = getCookie(c, sessionCookieName(c, proxy))
    c.set('user', token && token.length < 200 ? await loadSession(db, token) : null)
    await next()
  }
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Signed in (with the second factor unless told otherwise). A changing request must carry the
 * session's CSRF token in X-CSRF-Token: SameSite=Strict is the first line, this the second.
 */
export function requireUser(options: { secondFactor?: boolean } = {}): MiddlewareHandler<AppEnv> {
  const needSecondFactor = options.secondFactor ?? true
  return async (c, next) => {
    const user = c.get('user')
    if (!user) return problem(c, 401, 'not-signed-in', 'Sign in first.')
    if (needSecondFactor && !user.secondFactor) return problem(c, 401, 'second-factor-required', 'Enter the code from your authenticator app first.')
    if (!SAFE.has(c.req.method) && c.req.header('X-CSRF-Token') !== user.csrfToken) {
      return problem(c, 403, 'csrf', 'Missing or wrong CSRF token.')
    }
    await next()
  }
}

/** A membership that gives the role: a region-wide role counts only in the region's organisation. */
export const grants = (m: SessionUser['memberships'][number], role: Role) => m.role === role && (!isRegionRole(role) || m.isRegion)

/** Has the role: in the organisation named by the route parameter, or (without one) in any. */
export function requireRole(roles: Role | readonly Role[], orgParam?: string): MiddlewareHandler<AppEnv> {
  const wanted = typeof roles === 'string' ? [roles] : roles
  return async (c, next) => {
    const user = c.get('user')
    const org = orgParam ? c.req.param(orgParam) : undefined
    const ok = user?.memberships.some((m) => wanted.some((role) => grants(m, role)) && (!org || m.organisationId === org))
    if (!ok) return problem(c, 403, 'forbidden', 'You do not have the role this needs.')
    await next()
  }
}

/** The region's beheerder: the routing table, organisations, region-wide roles. */
export const isRegionBeheerder = (user: SessionUser) => user.memberships.some((m) => m.role === 'beheerder' && m.isRegion)

export const requireRegionBeheerder: MiddlewareHandler<AppEnv> = async (c, next) => {
  const user = c.get('user')
  if (!user || !isRegionBeheerder(user)) return problem(c, 403, 'region-only', "Only the region's beheerder may do this.")
  await next()
}

/**
 * The session runs on an approved device of the person, in an organisation where they hold one of
 * `roles` (docs/device-trust.md). What changes shared records — a referral, a status event, a
 * count snapshot — needs it: an account without a proven device cannot act.
 */
export function requireApprovedDevice(roles: Role | readonly Role[]): MiddlewareHandler<AppEnv> {
  const wanted = typeof roles === 'string' ? [roles] : roles
  return async (c, next) => {
    const user = c.get('user')
    const device = user?.device
    const ok = device?.status === 'approved' && user!.memberships.some((m) => m.organisationId === device.organisationId && wanted.some((role) => grants(m, role)))
    if (!ok) return problem(c, 403, 'device-required', 'This needs an approved device of yours, registered in your organisation.')
    await next()
  }
}

export function currentUser(c: Context<AppEnv>): SessionUser {
  const user = c.get('user')
  if (!user) throw new Error('requireUser must run before this handler')
  return user
}

/** Refuses a changing request from another site's page (Origin differs from Host). */
export const sameOrigin: MiddlewareHandler = async (c, next) => {
  const origin = c.req.header('Origin')
  if (origin && !SAFE.has(c.req.method)) {
    let host: string
    try {
      host = new URL(origin).host
    } catch {
      return problem(c, 403, 'cross-site', 'Bad Origin header.')
    }
    if (host !== c.req.header('Host')) return problem(c, 403, 'cross-site', 'Cross-site request refused.')
  }
  await next()
}
