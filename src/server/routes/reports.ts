import { Hono } from 'hono'
import { describeIssues, listingReportSchema } from '../../shared/socialMap/hsds'
import type { Database } from '../db/database'
import { serviceExists, storeReport } from '../socialMap/repository'
import { readJson } from './readJson'

/** POST /api/reports: "Klopt er iets niet?" — idempotent on the report's own id. */
export function reportRoutes(db: Database) {
  return new Hono().post('/', async (c) => {
    const body = await readJson(c)
    if (!body.ok) return c.json({ error: body.error }, 400)
    const parsed = listingReportSchema.safeParse(body.value)
    if (!parsed.success) return c.json({ error: `Invalid report: ${describeIssues(parsed.error)}` }, 400)
    if (!(await serviceExists(db, parsed.data.serviceId))) return c.json({ error: 'Unknown service: no listing has this id.' }, 404)
    const created = await storeReport(db, parsed.data)
    return c.json({ id: parsed.data.id, status: created ? 'received' : 'already-received' }, created ? 201 : 200)
  })
}
