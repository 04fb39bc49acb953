import { Hono } from 'hono'
import { describeIssues } from '../../shared/core/zodIssues'
import { serviceReportSchema } from '../../shared/socialMap/hsds'
import { countHit } from '../auth/rateLimit'
import { clientAddress, hashedAddress } from '../http/client'
import { serviceExists, storeReport } from '../socialMap/repository'
import type { AuthDeps } from './auth'
import { problem } from '../http/problem'
import { reply } from '../http/reply'
import { readJson } from '../http/request'

/** Reports per address per hour: enough for a resident, too few to bury the editors' queue. */
export const REPORTS_PER_HOUR = 20

/** POST /api/reports: "Klopt er iets niet?" — idempotent on the report's own id. */
export function reportRoutes({ db, guard, keys, proxy }: AuthDeps) {
  return new Hono().post('/', async (c) => {
    const addressKey = hashedAddress(keys.accountKey, clientAddress(c, proxy))
    const wait = await countHit(db, `report:address:${addressKey}`, REPORTS_PER_HOUR, 3600, guard.now())
    if (wait) {
      c.header('Retry-After', String(wait))
      return problem(c, 429, 'rate-limited', 'Too many reports from here. Try again later.', { retryAfter: wait })
    }
    const body = await readJson(c)
    if (!body.ok) return problem(c, 400, 'bad-request', body.error)
    const parsed = serviceReportSchema.safeParse(body.value)
    if (!parsed.success) return problem(c, 400, 'bad-request', `Invalid report: ${describeIssues(parsed.error)}`)
    if (!(await serviceExists(db, parsed.data.serviceId))) return problem(c, 404, 'not-found', 'Unknown service: no listing has this id.')
    const created = await storeReport(db, parsed.data)
    return reply(c, 'POST /api/reports', { id: parsed.data.id, status: created ? 'received' : 'already-received' }, created ? 201 : 200)
  })
}
