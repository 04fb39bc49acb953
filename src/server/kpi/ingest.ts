/**
 * State-based sync of inclusion counts: a device sends its whole current snapshot for a period;
 * the newest snapshot version per (counting id, period) replaces the older one. A resend, a
 * duplicate or an old snapshot arriving late changes nothing: nothing is counted twice. Who may
 * send under a counting id, and with what, is checked before this (kpi/counters.ts, routes/kpi.ts).
 */
import type { Database, Queryable } from '../db/types'
import type { CountRow } from '../../shared/kpi/counts'
import { periodEnd, periodStart, type Period } from '../../shared/kpi/period'
import type { UnsignedSnapshot } from '../../shared/kpi/snapshot'

/**
 * 'stored'; 'unchanged': this very version is already stored (a resend); 'outdated': a later
 * version is stored (an old snapshot arriving late, or a device whose versions fell behind —
 * it raises its next version above `storedVersion` and sends again).
 */
export type IngestResult = { status: 'stored' | 'unchanged' } | { status: 'outdated'; storedVersion: number }

export async function ingestSnapshot(db: Queryable, s: UnsignedSnapshot & { organisationId: string }, today: string, actorId: string): Promise<IngestResult> {
  // A figure for a period that has ended is a correction: reported as such.
  const correction = periodEnd(s.period) < today
  // One statement, so one atomic step without a round trip per part. The snapshot row is inserted
  // or, if this version is newer, replaced; the conflicting row stays locked until commit, so
  // concurrent snapshots of one counting id take turns. Only when it was stored (a row in `up`) are the
  // counts replaced (rows no longer sent removed, the rest upserted) and an audit line written.
  const { rows } = await db.query<{ stored: number; before: string | number | bigint | null }>(
    `WITH up AS (
       INSERT INTO kpi_snapshots (counter_id, period, organisation_id, snapshot_version, correction) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (counter_id, period) DO UPDATE
         SET snapshot_version = EXCLUDED.snapshot_version, organisation_id = EXCLUDED.organisation_id, correction = EXCLUDED.correction, received_at = now()
         WHERE kpi_snapshots.snapshot_version < EXCLUDED.snapshot_version
       RETURNING counter_id, period
     ), incoming AS (
       SELECT * FROM jsonb_to_recordset($6::jsonb)
         AS r(intervention text, municipality text, "referrerType" text, referred int, included int, completed int, "includedCumulative" int)
     ), gone AS (
       DELETE FROM kpi_counts c USING up
       WHERE c.counter_id = up.counter_id AND c.period = up.period
         AND NOT EXISTS (SELECT 1 FROM incoming i WHERE i.intervention = c.intervention AND i.municipality = c.municipality AND i."referrerType" = c.referrer_type)
     ), put AS (
       INSERT INTO kpi_counts (counter_id, period, intervention, municipality, referrer_type, referred, included, completed, included_cumulative)
       SELECT up.counter_id, up.period, i.intervention, i.municipality, i."referrerType", i.referred, i.included, i.completed, i."includedCumulative"
       FROM up, incoming i
       ON CONFLICT (counter_id, period, intervention, municipality, referrer_type) DO UPDATE
         SET referred = EXCLUDED.referred, included = EXCLUDED.included, completed = EXCLUDED.completed, included_cumulative = EXCLUDED.included_cumulative
     ), logged AS (
       INSERT INTO audit_log (actor_id, organisation_id, action, entity, entity_id) SELECT $7, $3, 'kpi-snapshot', 'kpi_snapshot', $2 FROM up
     )
     SELECT (SELECT count(*)::int FROM up) AS stored,
            (SELECT snapshot_version FROM kpi_snapshots WHERE counter_id = $1 AND period = $2) AS before`,
    [s.counterId, s.period, s.organisationId, s.snapshotVersion, correction, JSON.stringify(s.rows), actorId],
  )
  // Every statement sees the rows as they were before it: `before` is the version stored until now.
  const { stored, before } = rows[0]!
  if (stored > 0) return { status: 'stored' }
  return Number(before) > s.snapshotVersion ? { status: 'outdated', storedVersion: Number(before) } : { status: 'unchanged' }
}

/** The region's totals for a period: the sum over every counting id's newest snapshot. */
export async function periodTotals(db: Database, period: string): Promise<CountRow[]> {
  const { rows } = await db.query<{ intervention: CountRow['intervention']; municipality: string; referrer_type: string; referred: number; included: number; completed: number; included_cumulative: number }>(
    `SELECT intervention, municipality, referrer_type, sum(referred)::int AS referred, sum(included)::int AS included,
            sum(completed)::int AS completed, sum(included_cumulative)::int AS included_cumulative
     FROM kpi_counts WHERE period = $1 GROUP BY intervention, municipality, referrer_type ORDER BY intervention, municipality, referrer_type`,
    [period],
  )
  return rows.map((r) => ({ intervention: r.intervention, municipality: r.municipality, referrerType: r.referrer_type, referred: r.referred, included: r.included, completed: r.completed, includedCumulative: r.included_cumulative }))
}

/**
 * Referrals sent through the app in a period, per intervention: counts from the routing metadata
 * only (the server cannot read a referral). The top of the funnel, beside what devices report.
 */
export async function referralCounts(db: Database, period: Period): Promise<Record<string, number>> {
  const { rows } = await db.query<{ intervention: string; n: number }>(
    `SELECT intervention, count(*)::int AS n FROM referrals
     WHERE (sent_at AT TIME ZONE 'Europe/Amsterdam')::date BETWEEN $1::date AND $2::date GROUP BY intervention`,
    [periodStart(period), periodEnd(period)],
  )
  return Object.fromEntries(rows.map((r) => [r.intervention, r.n]))
}
