/**
 * The accountability periods and the targets per KPI (issue 18 points 3 and 4; docs/kpi.md
 * "Periods and targets"), as the region's programme office keeps them: kpi_periods and kpi_targets
 * (migration 018). The routes validate with the shared schemas (accountability.ts, kpis.ts); this
 * module stores all or nothing and says why it refuses what the schemas cannot see alone.
 */
import type { Database, Queryable } from '../db/types'
import { audit } from '../auth/audit'
import type { AccountabilityPeriod } from '../../shared/kpi/accountability'
import type { KpiId, Target, TargetChange } from '../../shared/kpi/kpis'
import type { InterventionId } from '../../shared/interventions'

interface PeriodRow {
  id: string
  first_half_year: string
  last_half_year: string
  reporting_month: string
  backup: boolean
}
const toPeriod = (r: PeriodRow): AccountabilityPeriod => ({ id: r.id, first: r.first_half_year as AccountabilityPeriod['first'], last: r.last_half_year as AccountabilityPeriod['last'], reportingMonth: r.reporting_month, backup: r.backup })

/** The periods in time order. */
export async function listPeriods(db: Queryable, lock = false): Promise<AccountabilityPeriod[]> {
  const { rows } = await db.query<PeriodRow>(`SELECT id, first_half_year, last_half_year, reporting_month, backup FROM kpi_periods ORDER BY position${lock ? ' FOR UPDATE' : ''}`)
  return rows.map(toPeriod)
}

export type Refusal = { ok: false; status: 400 | 409; code: 'bad-request' | 'conflict'; error: string }

/** Who acts, for the audit log: the person and the region's organisation they act for. */
export interface Actor {
  userId: string
  organisationId: string | null
}

/**
 * Replaces the list (already checked by periodsBodySchema: in order, no gaps or overlaps). A
 * period that is left out while targets are kept for it is refused (409), naming it: its targets
 * would be lost. Periods are locked first, so a target saved at the same moment waits for this.
 */
export async function replacePeriods(db: Database, periods: readonly AccountabilityPeriod[], actor: Actor): Promise<{ ok: true } | Refusal> {
  return db.transaction(async (tx) => {
    const before = await listPeriods(tx, true)
    const kept = new Set(periods.map((p) => p.id))
    const dropped = before.filter((p) => !kept.has(p.id)).map((p) => p.id)
    if (dropped.length) {
      const { rows } = await tx.query<{ period_id: string; n: number }>('SELECT period_id, count(*)::int AS n FROM kpi_targets WHERE period_id = ANY($1::text[]) GROUP BY period_id ORDER BY period_id', [dropped])
      if (rows.length) {
        const which = rows.map((r) => `${r.period_id} (${r.n} targets)`).join(', ')
        return { ok: false, status: 409, code: 'conflict', error: `These periods still have targets and cannot be removed: ${which}. Remove their targets first.` } as const
      }
      await tx.query('DELETE FROM kpi_periods WHERE id = ANY($1::text[])', [dropped])
    }
    for (const [n, p] of periods.entries()) {
      await tx.query(
        `INSERT INTO kpi_periods (id, position, first_half_year, last_half_year, reporting_month, backup, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (id) DO UPDATE SET position = EXCLUDED.position, first_half_year = EXCLUDED.first_half_year, last_half_year = EXCLUDED.last_half_year,
           reporting_month = EXCLUDED.reporting_month, backup = EXCLUDED.backup, updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [p.id, n + 1, p.first, p.last, p.reportingMonth, p.backup, actor.userId],
      )
    }
    await audit(tx, { actorId: actor.userId, organisationId: actor.organisationId, action: 'set-periods', entity: 'kpi_periods', entityId: periods.map((p) => p.id).join(',').slice(0, 200) })
    return { ok: true } as const
  })
}

export async function listTargets(db: Queryable): Promise<Target[]> {
  const { rows } = await db.query<{ period_id: string; kpi: string; intervention: string; target: number }>(
    'SELECT t.period_id, t.kpi, t.intervention, t.target FROM kpi_targets t JOIN kpi_periods p ON p.id = t.period_id ORDER BY p.position, t.kpi, t.intervention',
  )
  return rows.map((r) => ({ period: r.period_id, kpi: r.kpi as KpiId, intervention: r.intervention as InterventionId, target: r.target }))
}

/**
 * Sets (a number) or removes (null) targets, all or nothing (already checked by
 * targetsBodySchema). A target for a period that is not in the list is refused (400), naming it.
 */
export async function saveTargets(db: Database, changes: readonly TargetChange[], actor: Actor): Promise<{ ok: true; saved: number; removed: number } | Refusal> {
  return db.transaction(async (tx) => {
    // Share-locks the periods named: a change of the list waits until these targets are in.
    const named = [...new Set(changes.map((c) => c.period))]
    const { rows } = await tx.query<{ id: string }>('SELECT id FROM kpi_periods WHERE id = ANY($1::text[]) FOR SHARE', [named])
    const known = new Set(rows.map((r) => r.id))
    const unknown = named.filter((id) => !known.has(id))
    if (unknown.length) return { ok: false, status: 400, code: 'bad-request', error: `Unknown period: ${unknown.join(', ')}. GET /api/kpi/periods lists them.` } as const
    let saved = 0
    let removed = 0
    for (const c of changes) {
      if (c.target === null) {
        removed += (await tx.query('DELETE FROM kpi_targets WHERE period_id = $1 AND kpi = $2 AND intervention = $3 RETURNING 1', [c.period, c.kpi, c.intervention])).rows.length
        continue
      }
      await tx.query(
        `INSERT INTO kpi_targets (period_id, kpi, intervention, target, updated_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (period_id, kpi, intervention) DO UPDATE SET target = EXCLUDED.target, updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [c.period, c.kpi, c.intervention, c.target, actor.userId],
      )
      saved++
    }
    await audit(tx, { actorId: actor.userId, organisationId: actor.organisationId, action: 'set-targets', entity: 'kpi_targets', entityId: named.join(',').slice(0, 200) })
    return { ok: true, saved, removed } as const
  })
}
