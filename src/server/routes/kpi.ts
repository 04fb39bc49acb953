/** Inclusion counts: devices send snapshots (counts only); the programme team reads totals. */
import { Hono } from 'hono'
import { measureReport } from '../../shared/kpi/measureReport'
import { periodSchema } from '../../shared/kpi/period'
import { countSnapshotSchema, targetsSchema } from '../../shared/kpi/snapshot'
import { localMoment } from '../../shared/socialMap/schedule'
import { audit } from '../auth/audit'
import { currentUser, requireRole, requireUser, type AppEnv } from '../auth/middleware'
import type { Database } from '../db/database'
import { ingestSnapshot, periodTotals, referralCounts } from '../kpi/ingest'
import { body } from './auth'


export function kpiRoutes(db: Database) {
  const app = new Hono<AppEnv>()
  app.use('*', requireUser())

  app.post('/snapshots', requireRole('sociaal-werker'), async (c) => {
    const b = await body(c, countSnapshotSchema)
    if (!b.ok) return b.response
    const user = currentUser(c)
    if (!user.memberships.some((m) => m.organisationId === b.value.organisationId && m.role === 'sociaal-werker')) {
      return c.json({ error: 'You count for your own organisation only.', code: 'forbidden' }, 403)
    }
    return c.json({ status: await ingestSnapshot(db, b.value, localMoment(new Date()).date, user.userId) })
  })

  app.get('/targets', requireRole('programma'), async (c) => {
    const { rows } = await db.query<{ period: string; intervention: string; target: number }>('SELECT period, intervention, target FROM kpi_targets ORDER BY period, intervention')
    return c.json({ targets: rows })
  })

  app.put('/targets', requireRole('programma'), async (c) => {
    const b = await body(c, targetsSchema)
    if (!b.ok) return b.response
    const actor = currentUser(c).userId
    await db.transaction(async (tx) => {
      for (const [intervention, target] of Object.entries(b.value.targets)) {
        await tx.query(
          `INSERT INTO kpi_targets (period, intervention, target, updated_by) VALUES ($1, $2, $3, $4)
           ON CONFLICT (period, intervention) DO UPDATE SET target = EXCLUDED.target, updated_by = EXCLUDED.updated_by, updated_at = now()`,
          [b.value.period, intervention, target, actor],
        )
      }
      await audit(tx, { actorId: actor, action: 'set-targets', entity: 'kpi_targets', entityId: b.value.period })
    })
    return c.json({ ok: true })
  })

  app.get('/totals', requireRole('programma'), async (c) => {
    const period = periodSchema.safeParse(c.req.query('period'))
    if (!period.success) return c.json({ error: 'Give a period like 2026-H1.', code: 'bad-request' }, 400)
    return c.json({ period: period.data, rows: await periodTotals(db, period.data), referrals: await referralCounts(db, period.data) })
  })

  /** Included, referred and completed per intervention for every period with figures or a target. */
  app.get('/trend', requireRole('programma'), async (c) => {
    const { rows } = await db.query<{ period: string; intervention: string; referred: number; included: number; completed: number; included_cumulative: number }>(
      `SELECT period, intervention, sum(referred)::int AS referred, sum(included)::int AS included, sum(completed)::int AS completed,
              sum(included_cumulative)::int AS included_cumulative
       FROM kpi_counts GROUP BY period, intervention ORDER BY period, intervention`,
    )
    return c.json({ rows: rows.map((r) => ({ period: r.period, intervention: r.intervention, referred: r.referred, included: r.included, completed: r.completed, includedCumulative: r.included_cumulative })) })
  })

  /** The period as a FHIR R4 MeasureReport for the financiers: small cells masked. */
  app.get('/measure-report', requireRole('programma'), async (c) => {
    const period = periodSchema.safeParse(c.req.query('period'))
    if (!period.success) return c.json({ error: 'Give a period like 2026-H1.', code: 'bad-request' }, 400)
    const report = measureReport(period.data, await periodTotals(db, period.data), new Date())
    c.header('Content-Disposition', `attachment; filename="measurereport-${period.data}.json"`)
    return c.body(JSON.stringify(report, null, 2), 200, { 'Content-Type': 'application/fhir+json; charset=utf-8' })
  })

  return app
}
