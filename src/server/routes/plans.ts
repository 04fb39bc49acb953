/**
 * The samenwerkplan shared with participants (issue 17 points 1–3 and 5; the contract is
 * src/shared/api/plans.ts, the design docs/shared-plan.md "Server"). The lead's and the team's
 * routes need a session on an approved device of a sociaal-werker (a member who is not the lead:
 * 403 `not-lead`; anyone not on the case: 404); a participant's routes an approved device of a
 * huisarts or sociaal-werker. The server routes sealed boxes and signed ciphertext; it reads none.
 */
import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { planInviteSchema, postPlanResponseSchema, putPlanSchema } from '../../shared/api/plans'
import { currentUser, requireApprovedDevice, requireUser, type AppEnv } from '../auth/middleware'
import type { Database } from '../db/types'
import { problem } from '../http/problem'
import { reply } from '../http/reply'
import { body, isUuid } from '../http/request'
import type { Actor, PlanRefusal } from '../plans/common'
import { acceptInvitation, declineInvitation, invite, pendingInvitations } from '../plans/invitations'
import { myPlans, peopleOf, putPlan } from '../plans/plans'
import { postResponse, responsesOf } from '../plans/responses'

/** A version carries one sealed box per participant (at most 50): more than the app's 64 KB (src/server/app.ts ownLimit). */
export const PLAN_MAX_BYTES = 1024 * 1024

const notFound = (c: Context) => problem(c, 404, 'not-found', 'No such case or plan for you.')
const refused = (c: Context, r: PlanRefusal) => problem(c, r.status, r.code, r.error, r.current === undefined ? {} : { current: r.current })

/** `now`: the server's clock in ms (tests pass theirs); it stamps the rows and the access log and decides expiry. */
export function planRoutes(db: Database, now: () => number = Date.now) {
  const app = new Hono<AppEnv>()
  const team = [requireUser(), requireApprovedDevice('sociaal-werker')] as const
  const participant = [requireUser(), requireApprovedDevice(['huisarts', 'sociaal-werker'])] as const
  const large = bodyLimit({ maxSize: PLAN_MAX_BYTES, onError: (c) => problem(c, 413, 'too-large', `The body is larger than ${PLAN_MAX_BYTES / 1024} KB.`) })
  const actorOf = (c: Context<AppEnv>): Actor => {
    const user = currentUser(c)
    return { userId: user.userId, deviceId: user.device!.id, organisationId: user.device!.organisationId }
  }
  /** The case named in the query (the team's reads), or the reason it is missing. */
  const docIdOf = (c: Context) => {
    const docId = c.req.query('docId')
    return isUuid(docId) ? docId.toLowerCase() : undefined
  }

  app.get('/invitations', ...participant, async (c) => reply(c, 'GET /api/plans/invitations', { invitations: await pendingInvitations(db, actorOf(c).userId, new Date(now())) }))

  app.post('/invitations/:planId/accept', ...participant, async (c) => {
    const planId = c.req.param('planId')
    if (!isUuid(planId)) return notFound(c)
    const r = await acceptInvitation(db, actorOf(c), planId.toLowerCase(), new Date(now()))
    return r.ok ? reply(c, 'POST /api/plans/invitations/:planId/accept', r.value) : refused(c, r)
  })

  app.post('/invitations/:planId/decline', ...participant, async (c) => {
    const planId = c.req.param('planId')
    if (!isUuid(planId)) return notFound(c)
    const r = await declineInvitation(db, actorOf(c), planId.toLowerCase(), new Date(now()))
    return r.ok ? reply(c, 'POST /api/plans/invitations/:planId/decline', r.value) : refused(c, r)
  })

  app.get('/mine', ...participant, async (c) => reply(c, 'GET /api/plans/mine', await myPlans(db, actorOf(c))))

  // The lead asks by exact e-mail: one answer whether or not the address is known.
  app.post('/:planId/invitations', ...team, async (c) => {
    const planId = c.req.param('planId')
    if (!isUuid(planId)) return notFound(c)
    const b = await body(c, planInviteSchema)
    if (!b.ok) return b.response
    const r = await invite(db, actorOf(c), planId.toLowerCase(), b.value.docId.toLowerCase(), b.value.email, new Date(now()))
    return r.ok ? reply(c, 'POST /api/plans/:planId/invitations', r.value) : refused(c, r)
  })

  app.get('/:planId/people', ...team, async (c) => {
    const planId = c.req.param('planId')
    if (!isUuid(planId)) return notFound(c)
    const docId = docIdOf(c)
    if (!docId) return problem(c, 400, 'bad-request', 'Name the case: ?docId=<uuid>.')
    const r = await peopleOf(db, actorOf(c), planId.toLowerCase(), docId, new Date(now()))
    return r.ok ? reply(c, 'GET /api/plans/:planId/people', r.value) : refused(c, r)
  })

  app.put('/:planId', ...team, large, async (c) => {
    const planId = c.req.param('planId')
    if (!isUuid(planId)) return notFound(c)
    const b = await body(c, putPlanSchema)
    if (!b.ok) return b.response
    const r = await putPlan(db, actorOf(c), planId.toLowerCase(), b.value, new Date(now()))
    return r.ok ? reply(c, 'PUT /api/plans/:planId', r.value) : refused(c, r)
  })

  app.post('/:planId/responses', ...participant, async (c) => {
    const planId = c.req.param('planId')
    if (!isUuid(planId)) return notFound(c)
    const b = await body(c, postPlanResponseSchema)
    if (!b.ok) return b.response
    const r = await postResponse(db, actorOf(c), planId.toLowerCase(), b.value, new Date(now()))
    return r.ok ? reply(c, 'POST /api/plans/:planId/responses', r.value, r.status) : refused(c, r)
  })

  app.get('/:planId/responses', ...team, async (c) => {
    const planId = c.req.param('planId')
    if (!isUuid(planId)) return notFound(c)
    const docId = docIdOf(c)
    const after = c.req.query('after') ?? '0'
    if (!docId || !/^\d{1,15}$/.test(after)) return problem(c, 400, 'bad-request', 'Name the case (?docId=<uuid>) and, when paging, a whole number after=.')
    const r = await responsesOf(db, actorOf(c), planId.toLowerCase(), docId, Number(after))
    return r.ok ? reply(c, 'GET /api/plans/:planId/responses', r.value) : refused(c, r)
  })

  return app
}
