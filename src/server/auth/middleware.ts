/** Who is asking: loads the session from its cookie, and guards routes by sign-in, second factor, role and CSRF token. */
import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import type { Database } from '../db/database'
import type { Role } from '../../shared/accounts/roles'
import { loadSession, SESSION_COOKIE, type SessionUser } from './sessions'

export type AppEnv = { Variables: { user: SessionUser | null } }

export function loadUser(db: Database): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE)
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
    if (!user) return c.json({ error: 'Sign in first.', code: 'not-signed-in' }, 401)
    if (needSecondFactor && !user.secondFactor) return c.json({ error: 'Enter the code from your authenticator app first.', code: 'second-factor-required' }, 401)
    if (!SAFE.has(c.req.method) && c.req.header('X-CSRF-Token') !== user.csrfToken) {
      return c.json({ error: 'Missing or wrong CSRF token.', code: 'csrf' }, 403)
    }
    await next()
  }
}

/** Has the role: in the organisation named by the route parameter, or (without one) in any. */
export function requireRole(roles: Role | readonly Role[], orgParam?: string): MiddlewareHandler<AppEnv> {
  const wanted = new Set(typeof roles === 'string' ? [roles] : roles)
  return async (c, next) => {
    const user = c.get('user')
    const org = orgParam ? c.req.param(orgParam) : undefined
    const ok = user?.memberships.some((m) => wanted.has(m.role) && (!org || m.organisationId === org))
    if (!ok) return c.json({ error: 'You do not have the role this needs.', code: 'forbidden' }, 403)
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
      return c.json({ error: 'Bad Origin header.' }, 403)
    }
    if (host !== c.req.header('Host')) return c.json({ error: 'Cross-site request refused.', code: 'cross-site' }, 403)
  }
  await next()
}
