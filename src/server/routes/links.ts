/** One-time links (auth/links.ts): what a link is for, and using it. Open to people who are not signed in. */
import { Hono } from 'hono'
import { linkTokenSchema, redeemLinkSchema } from '../../shared/accounts/schemas'
import { findLink, LinkError, redeemLink } from '../auth/links'
import type { AppEnv } from '../auth/middleware'
import type { Refusal } from '../auth/signIn'
import { clientAddress } from '../http/client'
import { refusal, type AuthDeps } from './auth'
import { problem } from '../http/problem'
import { reply } from '../http/reply'
import { body } from '../http/request'

export function linkRoutes({ db, guard, keys, proxy }: AuthDeps) {
  const app = new Hono<AppEnv>()
  app.use('*', async (c, next) => {
    const wait = await guard.linkLimited(db, keys, clientAddress(c, proxy))
    if (wait) return refusal(c, { reason: 'rate-limited', retryAfter: wait })
    await next()
  })

  app.post('/inspect', async (c) => {
    const b = await body(c, linkTokenSchema)
    if (!b.ok) return b.response
    const link = await findLink(db, b.value.token, new Date(guard.now()))
    if (!link) return problem(c, 404, 'link-invalid', 'This link is not valid (any more). Ask your beheerder for a new one.')
    const user = c.get('user')
    // Whether the signed-in person is the one the link is for: then the page offers to accept at once.
    const forSignedInUser = Boolean(user?.secondFactor && user.email === link.email)
    return reply(c, 'POST /api/links/inspect', { kind: link.kind, organisationName: link.organisation_name, email: link.email, name: link.name, role: link.role, forSignedInUser })
  })

  app.post('/redeem', async (c) => {
    const b = await body(c, redeemLinkSchema)
    if (!b.ok) return b.response
    const user = c.get('user')
    let wrongPassword: { reason: Refusal; retryAfter?: number | undefined } | undefined
    try {
      const result = await redeemLink(db, b.value.token, { password: b.value.password, name: b.value.name }, {
        now: new Date(guard.now()),
        // Joining with one's existing account takes that account's full session, with its CSRF token.
        signedInUserId: user?.secondFactor && c.req.header('X-CSRF-Token') === user.csrfToken ? user.userId : null,
        checkPassword: async (email, password) => {
          const outcome = await guard.checkPassword(db, keys, email, password, clientAddress(c, proxy))
          if (!outcome.ok) wrongPassword = outcome
          return outcome.ok
        },
      })
      return reply(c, 'POST /api/links/redeem', { kind: result.kind, status: result.status })
    } catch (e) {
      if (wrongPassword) return refusal(c, wrongPassword)
      if (e instanceof LinkError) return problem(c, e.status, e.code, e.message)
      throw e
    }
  })

  return app
}
