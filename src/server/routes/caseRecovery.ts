/**
 * Recovery of a worker's cases (issue 16; the contract is src/shared/api/caseRecovery.ts, the
 * design docs/case-sync.md "Recovery"). Mounted under /api/case-sync/recovery. Every route needs a
 * session on an approved device: a beheerder's for the recovery key and the ceremony, a
 * sociaal-werker's for sealing their own user keys and reading their own recoveries.
 */
import { Hono, type Context } from 'hono'
import { confirmRecoverySchema, recoveryUserKeyBoxSchema, setUpRecoverySchema, startRecoverySchema } from '../../shared/api/caseRecovery'
import { currentUser, requireApprovedDevice, requireUser, type AppEnv } from '../auth/middleware'
import type { Database } from '../db/types'
import { problem } from '../http/problem'
import { reply } from '../http/reply'
import { body, isUuid } from '../http/request'
import type { Actor } from '../caseSync/access'
import { recoveryBoxProblem, recoveryKeyAnswer, setUpProblem, storeRecoveryBox, storeRecoveryKey } from '../caseSync/recoveryKey'
import { confirmRecovery, recoveriesOfUser, requestDetail, requestsOf, startRecovery } from '../caseSync/recoveryRequests'

const refused = (c: Context, r: { status: 400 | 403 | 404 | 409 | 422; code: string; error: string }) => problem(c, r.status, r.code, r.error)

/** `now`: the server's clock in ms (tests pass theirs). */
export function caseRecoveryRoutes(db: Database, now: () => number = Date.now) {
  const app = new Hono<AppEnv>()
  app.use('*', requireUser())
  const beheerder = requireApprovedDevice('beheerder')
  const worker = requireApprovedDevice('sociaal-werker')
  const anyone = requireApprovedDevice(['sociaal-werker', 'beheerder'])
  const actorOf = (c: Context<AppEnv>): Actor => {
    const user = currentUser(c)
    return { userId: user.userId, deviceId: user.device!.id, organisationId: user.device!.organisationId }
  }

  app.get('/key', anyone, async (c) => reply(c, 'GET /api/case-sync/recovery/key', await recoveryKeyAnswer(db, actorOf(c))))

  app.post('/key', beheerder, async (c) => {
    const b = await body(c, setUpRecoverySchema)
    if (!b.ok) return b.response
    const a = actorOf(c)
    const wrong = await setUpProblem(db, a, b.value)
    if (wrong) return refused(c, wrong)
    if (!(await storeRecoveryKey(db, a, b.value, new Date(now())))) return problem(c, 409, 'recovery-key-exists', 'This organisation has a recovery key already.')
    return reply(c, 'POST /api/case-sync/recovery/key', { duplicate: false }, 201)
  })

  app.post('/user-keys', worker, async (c) => {
    const b = await body(c, recoveryUserKeyBoxSchema)
    if (!b.ok) return b.response
    const a = actorOf(c)
    const wrong = await recoveryBoxProblem(db, a, b.value)
    if (wrong) return problem(c, wrong.status, wrong.code, wrong.error)
    const stored = await storeRecoveryBox(db, a, b.value, new Date(now()))
    return reply(c, 'POST /api/case-sync/recovery/user-keys', { duplicate: !stored }, stored ? 201 : 200)
  })

  app.get('/requests', beheerder, async (c) => reply(c, 'GET /api/case-sync/recovery/requests', { requests: await requestsOf(db, actorOf(c).organisationId, new Date(now())) }))

  app.post('/requests', beheerder, async (c) => {
    const b = await body(c, startRecoverySchema)
    if (!b.ok) return b.response
    const started = await startRecovery(db, actorOf(c), b.value.start, new Date(now()))
    return started.ok ? reply(c, 'POST /api/case-sync/recovery/requests', { id: started.id }, 201) : refused(c, started)
  })

  app.get('/requests/:id', beheerder, async (c) => {
    const id = c.req.param('id')
    if (!isUuid(id)) return problem(c, 404, 'not-found', 'No such recovery.')
    const found = await requestDetail(db, actorOf(c), id, new Date(now()))
    return found.ok ? reply(c, 'GET /api/case-sync/recovery/requests/:id', found.value) : refused(c, found)
  })

  app.post('/requests/:id/confirm', beheerder, async (c) => {
    const id = c.req.param('id')
    if (!isUuid(id)) return problem(c, 404, 'not-found', 'No such recovery.')
    const b = await body(c, confirmRecoverySchema)
    if (!b.ok) return b.response
    const done = await confirmRecovery(db, actorOf(c), id, b.value.boxes, new Date(now()))
    return done.ok ? reply(c, 'POST /api/case-sync/recovery/requests/:id/confirm', done.value) : refused(c, done)
  })

  app.get('/mine', worker, async (c) => reply(c, 'GET /api/case-sync/recovery/mine', await recoveriesOfUser(db, actorOf(c).userId)))

  return app
}
