/**
 * The resident's plan links (issue 17 point 4; the contract is src/shared/api/residentPlans.ts, the
 * design docs/resident-plan.md "Server"). Making, updating and withdrawing need a session on an
 * approved device of a sociaal-werker (updating and withdrawing the link's manage secret too);
 * reading needs nothing but the link id, and answers the sealed plan only.
 */
import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { createResidentLinkSchema, RESIDENT_PLAN_MAX_BYTES, updateResidentLinkSchema, withdrawResidentLinkSchema } from '../../shared/api/residentPlans'
import { currentUser, requireApprovedDevice, requireUser, type AppEnv } from '../auth/middleware'
import type { Database } from '../db/types'
import { problem } from '../http/problem'
import { reply } from '../http/reply'
import { body, isUuid } from '../http/request'
import { createLink, readLink, updateLink, withdrawLink, type LinkActor, type LinkRefusal } from '../residentPlans/links'

const notFound = (c: Context) => problem(c, 404, 'not-found', 'No such link.')
const refused = (c: Context, r: LinkRefusal) => problem(c, r.status, r.code, r.error)

/** `now`: the server's clock in ms (tests pass theirs); it decides the region's today and stamps the rows. */
export function residentPlanRoutes(db: Database, now: () => number = Date.now) {
  const app = new Hono<AppEnv>()
  const guard = [requireUser(), requireApprovedDevice('sociaal-werker')] as const
  // The app's 64 KB limit is skipped for these two (src/server/app.ts ownLimit): a plan may be larger.
  const large = bodyLimit({ maxSize: RESIDENT_PLAN_MAX_BYTES, onError: (c) => problem(c, 413, 'too-large', `The body is larger than ${RESIDENT_PLAN_MAX_BYTES / 1024} KB.`) })
  const actorOf = (c: Context<AppEnv>): LinkActor => {
    const user = currentUser(c)
    return { userId: user.userId, organisationId: user.device!.organisationId }
  }

  app.post('/', ...guard, large, async (c) => {
    const b = await body(c, createResidentLinkSchema)
    if (!b.ok) return b.response
    const r = await createLink(db, actorOf(c), b.value, new Date(now()))
    return r.ok ? reply(c, 'POST /api/resident-plans', r.value, r.status) : refused(c, r)
  })

  app.put('/:id', ...guard, large, async (c) => {
    const id = c.req.param('id')
    if (!isUuid(id)) return notFound(c)
    const b = await body(c, updateResidentLinkSchema)
    if (!b.ok) return b.response
    const r = await updateLink(db, actorOf(c), id, b.value, new Date(now()))
    return r.ok ? reply(c, 'PUT /api/resident-plans/:id', r.value, r.status) : refused(c, r)
  })

  app.post('/:id/withdraw', ...guard, async (c) => {
    const id = c.req.param('id')
    if (!isUuid(id)) return notFound(c)
    const b = await body(c, withdrawResidentLinkSchema)
    if (!b.ok) return b.response
    const r = await withdrawLink(db, actorOf(c), id, b.value.manage, new Date(now()))
    return r.ok ? reply(c, 'POST /api/resident-plans/:id/withdraw', r.value) : refused(c, r)
  })

  // No session: the resident has no account. The answer is sealed; the key never reaches the server.
  app.get('/:id', async (c) => {
    const id = c.req.param('id')
    if (!isUuid(id)) return notFound(c)
    const r = await readLink(db, id, new Date(now()))
    return r.ok ? reply(c, 'GET /api/resident-plans/:id', r.value) : refused(c, r)
  })

  return app
}
