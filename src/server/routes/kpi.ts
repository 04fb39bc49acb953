/** Inclusion counts: devices send snapshots (counts only); the programme team reads totals. */
import { Hono } from 'hono'
import { countSnapshotSchema, targetsSchema } from '../../shared/kpi/snapshot'
import { localMoment } from '../../shared/socialMap/schedule'
import { audit } from '../auth/audit'
import { currentUser, requireRole, requireUser, type AppEnv } from '../auth/middleware'
import type { Database } from '../db/database'
import { ingestSnapshot, periodTotals } from '../kpi/ingest'
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
    const result = await ingestSnapshot(db, b.value, localMoment(new Date()).date)
    if (result === 'stored') await audit(db, { actorId: user.userId, organisationId: b.value.organisationId, action: 'kpi-snapshot', entity: 'kpi_snapshot', entityId: b.value.period })
    return c.json({ status: result })
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
    const period = c.req.query('period') ?? ''
    if (!/^20\d{2}-H[12]$/.test(period)) return c.json({ error: 'Give a period like 2026-H1.', code: 'bad-request' }, 400)
    return c.json({ period, rows: await periodTotals(db, period) })
  })

  return app
}
