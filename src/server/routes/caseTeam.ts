/**
 * Colleagues on a case (issue 16 part 2; the contract is src/shared/api/caseTeam.ts, the design
 * docs/case-sync.md "The team"). Every route needs a session on an approved device of a
 * sociaal-werker; the lead's routes answer 403 `not-lead` to a member and 404 to anyone else.
 * Mounted beside routes/caseSync.ts under /api/case-sync, so each route carries its own guards
 * (a `use('*')` here would reach the other routes under the same prefix).
 */
import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { addMemberSchema, exchangeKeySchema, handOverSchema, inviteSchema, removeMemberSchema } from '../../shared/api/caseTeam'
import { currentUser, requireApprovedDevice, requireUser, type AppEnv } from '../auth/middleware'
import type { Database } from '../db/types'
import { problem } from '../http/problem'
import { reply } from '../http/reply'
import { body, isUuid } from '../http/request'
import type { Actor } from '../caseSync/access'
import { acceptInvitation, declineInvitation, invite, pendingInvitations } from '../caseSync/invitations'
import { addMember, handOver, membersOf, removeMember } from '../caseSync/team'
import { colleaguesOf, exchangeKeyOf, storeExchangeKey, type TeamResult } from '../caseSync/teamKeys'

/** Removing a member carries one sealed box per member who stays (at most 200, about 1.5 KB each). */
export const CASE_TEAM_MAX_BYTES = 512 * 1024

const notFound = (c: Context) => problem(c, 404, 'not-found', 'No such case for you.')
const failed = (c: Context, r: Extract<TeamResult<unknown>, { ok: false }>) => problem(c, r.status, r.code, r.error)

/** `now`: the server's clock in ms (tests pass theirs); it stamps the access log and the rows. */
export function caseTeamRoutes(db: Database, now: () => number = Date.now) {
  const app = new Hono<AppEnv>()
  const guard = [requireUser(), requireApprovedDevice('sociaal-werker')] as const
  const large = bodyLimit({ maxSize: CASE_TEAM_MAX_BYTES, onError: (c) => problem(c, 413, 'too-large', `The body is larger than ${CASE_TEAM_MAX_BYTES / 1024} KB.`) })
  const actorOf = (c: Context<AppEnv>): Actor => {
    const user = currentUser(c)
    return { userId: user.userId, deviceId: user.device!.id, organisationId: user.device!.organisationId }
  }

  app.get('/exchange-key', ...guard, async (c) => reply(c, 'GET /api/case-sync/exchange-key', { key: await exchangeKeyOf(db, actorOf(c).userId) }))

  app.put('/exchange-key', ...guard, async (c) => {
    const b = await body(c, exchangeKeySchema)
    if (!b.ok) return b.response
    const r = await storeExchangeKey(db, actorOf(c), b.value, new Date(now()))
    return r.ok ? reply(c, 'PUT /api/case-sync/exchange-key', r.value, r.status) : failed(c, r)
  })

  app.get('/colleagues', ...guard, async (c) => {
    const a = actorOf(c)
    return reply(c, 'GET /api/case-sync/colleagues', await colleaguesOf(db, a.organisationId, a.userId))
  })

  app.get('/docs/:docId/members', ...guard, async (c) => {
    const docId = c.req.param('docId')
    const found = isUuid(docId) ? await membersOf(db, docId, actorOf(c)) : undefined
    return found ? reply(c, 'GET /api/case-sync/docs/:docId/members', found) : notFound(c)
  })

  app.post('/docs/:docId/members', ...guard, large, async (c) => {
    const docId = c.req.param('docId')
    if (!isUuid(docId)) return notFound(c)
    const b = await body(c, addMemberSchema)
    if (!b.ok) return b.response
    const r = await addMember(db, actorOf(c), docId, b.value, new Date(now()))
    return r.ok ? reply(c, 'POST /api/case-sync/docs/:docId/members', r.value, r.status) : failed(c, r)
  })

  app.post('/docs/:docId/members/:userId/remove', ...guard, large, async (c) => {
    const docId = c.req.param('docId')
    const userId = c.req.param('userId')
    if (!isUuid(docId) || !isUuid(userId)) return notFound(c)
    const b = await body(c, removeMemberSchema)
    if (!b.ok) return b.response
    const r = await removeMember(db, actorOf(c), docId, userId.toLowerCase(), b.value, new Date(now()))
    return r.ok ? reply(c, 'POST /api/case-sync/docs/:docId/members/:userId/remove', r.value) : failed(c, r)
  })

  app.post('/docs/:docId/lead', ...guard, large, async (c) => {
    const docId = c.req.param('docId')
    if (!isUuid(docId)) return notFound(c)
    const b = await body(c, handOverSchema)
    if (!b.ok) return b.response
    const r = await handOver(db, actorOf(c), docId, b.value, new Date(now()))
    return r.ok ? reply(c, 'POST /api/case-sync/docs/:docId/lead', r.value, r.status) : failed(c, r)
  })

  // Another organisation (docs/case-sync.md "Another organisation"): one answer whether or not the address is known.
  app.post('/docs/:docId/invitations', ...guard, async (c) => {
    const docId = c.req.param('docId')
    if (!isUuid(docId)) return notFound(c)
    const b = await body(c, inviteSchema)
    if (!b.ok) return b.response
    const r = await invite(db, actorOf(c), docId, b.value.email, new Date(now()))
    if (r.ok) return reply(c, 'POST /api/case-sync/docs/:docId/invitations', r.value)
    return r.status === 429 ? problem(c, 429, r.code, r.error) : failed(c, r)
  })

  app.get('/invitations', ...guard, async (c) =>
    reply(c, 'GET /api/case-sync/invitations', { invitations: await pendingInvitations(db, actorOf(c).userId, new Date(now())) }),
  )

  app.post('/invitations/:docId/accept', ...guard, async (c) => {
    const docId = c.req.param('docId')
    if (!isUuid(docId)) return notFound(c)
    const r = await acceptInvitation(db, actorOf(c), docId.toLowerCase(), new Date(now()))
    return r.ok ? reply(c, 'POST /api/case-sync/invitations/:docId/accept', r.value, r.status) : failed(c, r)
  })

  app.post('/invitations/:docId/decline', ...guard, async (c) => {
    const docId = c.req.param('docId')
    if (!isUuid(docId)) return notFound(c)
    const r = await declineInvitation(db, actorOf(c), docId.toLowerCase())
    return r.ok ? reply(c, 'POST /api/case-sync/invitations/:docId/decline', r.value) : failed(c, r)
  })

  return app
}
