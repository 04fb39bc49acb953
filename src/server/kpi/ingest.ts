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
import type { MeasureRow } from '../../shared/kpi/measures'

/**
 * What the device signed, kept with the snapshot as the evidence (docs/kpi.md "Evidence"): the
 * version, rows and measures in the order signed, the signature, the device and its public
 * signing key. Counts only, like the tables beside it.
 */
export interface SignedEvidence {
  snapshotVersion: number
  rows: readonly CountRow[]
  measures?: readonly MeasureRow[]
  signature: string
  deviceId: string
  signingKey: unknown
  /** The device's certificate when the snapshot came in (null: it had none). */
  certificate?: unknown
}

/**
 * 'stored'; 'unchanged': this very version is already stored (a resend); 'outdated': a later
 * version is stored (an old snapshot arriving late, or a device whose versions fell behind —
 * it raises its next version above `storedVersion` and sends again).
 */
export type IngestResult = { status: 'stored' | 'unchanged' } | { status: 'outdated'; storedVersion: number }

export async function ingestSnapshot(db: Queryable, s: UnsignedSnapshot & { organisationId: string }, today: string, actorId: string, evidence?: SignedEvidence): Promise<IngestResult> {
  // A figure for a period that has ended is a correction: reported as such.
  const correction = periodEnd(s.period) < today
  // One statement, so one atomic step without a round trip per part. The snapshot row is inserted
  // or, if this version is newer, replaced; the conflicting row stays locked until commit, so
  // concurrent snapshots of one counting id take turns. Only when it was stored (a row in `up`) are the
  // counts and the measures replaced (rows no longer sent removed, the rest upserted) and an audit
  // line written. A snapshot without measures (an app from before them) leaves none.
  const { rows } = await db.query<{ stored: number; before: string | number | bigint | null }>(
    `WITH up AS (
       INSERT INTO kpi_snapshots (counter_id, period, organisation_id, snapshot_version, correction, signed) VALUES ($1, $2, $3, $4, $5, $8::jsonb)
       ON CONFLICT (counter_id, period) DO UPDATE
         SET snapshot_version = EXCLUDED.snapshot_version, organisation_id = EXCLUDED.organisation_id, correction = EXCLUDED.correction,
             signed = EXCLUDED.signed, received_at = now()
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
     ), incoming_m AS (
       SELECT * FROM jsonb_to_recordset($9::jsonb)
         AS m(measure text, bucket text, intervention text, municipality text, "referrerType" text, "ageBand" text, count int)
     ), gone_m AS (
       DELETE FROM kpi_measures c USING up
       WHERE c.counter_id = up.counter_id AND c.period = up.period
         AND NOT EXISTS (SELECT 1 FROM incoming_m i WHERE i.measure = c.measure AND i.bucket = c.bucket AND i.intervention = c.intervention
                         AND i.municipality = c.municipality AND i."referrerType" = c.referrer_type AND i."ageBand" = c.age_band)
     ), put_m AS (
       INSERT INTO kpi_measures (counter_id, period, measure, bucket, intervention, municipality, referrer_type, age_band, count)
       SELECT up.counter_id, up.period, i.measure, i.bucket, i.intervention, i.municipality, i."referrerType", i."ageBand", i.count
       FROM up, incoming_m i
       ON CONFLICT (counter_id, period, measure, bucket, intervention, municipality, referrer_type, age_band) DO UPDATE SET count = EXCLUDED.count
     ), logged AS (
       INSERT INTO audit_log (actor_id, organisation_id, action, entity, entity_id) SELECT $7, $3, 'kpi-snapshot', 'kpi_snapshot', $2 FROM up
     )
     SELECT (SELECT count(*)::int FROM up) AS stored,
            (SELECT snapshot_version FROM kpi_snapshots WHERE counter_id = $1 AND period = $2) AS before`,
    [s.counterId, s.period, s.organisationId, s.snapshotVersion, correction, JSON.stringify(s.rows), actorId, evidence ? JSON.stringify(evidence) : null, JSON.stringify(s.measures ?? [])],
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

/** One measure cell summed over every counting id's newest snapshot, per organisation (the programme team's view). */
export interface MeasureTotal extends Omit<MeasureRow, 'count'> {
  organisationId: string
  count: number
}

/** The measures of a period, summed per cell and organisation (docs/kpi.md). */
export async function periodMeasures(db: Database, period: string): Promise<MeasureTotal[]> {
  const { rows } = await db.query<{ measure: MeasureRow['measure']; bucket: string; intervention: MeasureRow['intervention']; municipality: MeasureRow['municipality']; referrer_type: MeasureRow['referrerType']; age_band: MeasureRow['ageBand']; organisation_id: string; count: number }>(
    `SELECT m.measure, m.bucket, m.intervention, m.municipality, m.referrer_type, m.age_band, s.organisation_id, sum(m.count)::int AS count
     FROM kpi_measures m JOIN kpi_snapshots s ON s.counter_id = m.counter_id AND s.period = m.period
     WHERE m.period = $1
     GROUP BY m.measure, m.bucket, m.intervention, m.municipality, m.referrer_type, m.age_band, s.organisation_id
     ORDER BY m.measure, m.bucket, m.intervention, m.municipality, m.referrer_type, m.age_band, s.organisation_id`,
    [period],
  )
  return rows.map((r) => ({ measure: r.measure, bucket: r.bucket, intervention: r.intervention, municipality: r.municipality, referrerType: r.referrer_type, ageBand: r.age_band, organisationId: r.organisation_id, count: r.count }))
}

/** Who a period's figures rest on: per organisation, the counting ids (devices) that reported, when last, and how many reported after the period ended. */
export interface Contribution {
  organisationId: string
  organisationName: string
  devices: number
  lastReceivedAt: string
  corrections: number
}

export async function periodContributions(db: Database, period: string): Promise<Contribution[]> {
  const { rows } = await db.query<{ organisation_id: string; name: string; devices: number; last: Date | string; corrections: number }>(
    `SELECT s.organisation_id, o.name, count(*)::int AS devices, max(s.received_at) AS last, count(*) FILTER (WHERE s.correction)::int AS corrections
     FROM kpi_snapshots s JOIN organisations o ON o.id = s.organisation_id
     WHERE s.period = $1 AND (EXISTS (SELECT 1 FROM kpi_counts c WHERE c.counter_id = s.counter_id AND c.period = s.period)
                              OR EXISTS (SELECT 1 FROM kpi_measures m WHERE m.counter_id = s.counter_id AND m.period = s.period))
     GROUP BY s.organisation_id, o.name ORDER BY o.name`,
    [period],
  )
  return rows.map((r) => ({ organisationId: r.organisation_id, organisationName: r.name, devices: r.devices, lastReceivedAt: new Date(r.last).toISOString(), corrections: r.corrections }))
}
