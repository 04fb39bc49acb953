/**
 * State-based sync of inclusion counts: a device sends its whole current snapshot for a period;
 * the newest snapshot version per (device, period) replaces the older one. A resend, a
 * duplicate or an old snapshot arriving late changes nothing: nothing is counted twice.
 */
import type { Database } from '../db/database'
import { periodEnd, type CountRow } from '../../shared/kpi/counts'
import type { Period } from '../../shared/kpi/period'
import type { CountSnapshot } from '../../shared/kpi/snapshot'

export type IngestResult = 'stored' | 'unchanged'

export async function ingestSnapshot(db: Database, s: CountSnapshot, today: string): Promise<IngestResult> {
  // A figure for a period that has ended is a correction: reported as such.
  const correction = periodEnd(s.period as Period) < today
  return db.transaction(async (tx) => {
    // Insert or, if this version is newer, replace; the conflicting row stays locked until commit,
    // so concurrent snapshots of one device take turns. No row back means an older or equal version.
    const { rows } = await tx.query(
      `INSERT INTO kpi_snapshots (device_id, period, organisation_id, snapshot_version, correction) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (device_id, period) DO UPDATE
         SET snapshot_version = EXCLUDED.snapshot_version, organisation_id = EXCLUDED.organisation_id, correction = EXCLUDED.correction, received_at = now()
         WHERE kpi_snapshots.snapshot_version < EXCLUDED.snapshot_version
       RETURNING 1`,
      [s.deviceId, s.period, s.organisationId, s.snapshotVersion, correction],
    )
    if (rows.length === 0) return 'unchanged'
    await tx.query('DELETE FROM kpi_counts WHERE device_id = $1 AND period = $2', [s.deviceId, s.period])
    if (s.rows.length > 0) {
      await tx.query(
        `INSERT INTO kpi_counts (device_id, period, intervention, municipality, referrer_type, referred, included, completed, included_cumulative)
         SELECT $1, $2, r.intervention, r.municipality, r."referrerType", r.referred, r.included, r.completed, r."includedCumulative"
         FROM jsonb_to_recordset($3::jsonb) AS r(intervention text, municipality text, "referrerType" text, referred int, included int, completed int, "includedCumulative" int)`,
        [s.deviceId, s.period, JSON.stringify(s.rows)],
      )
    }
    return 'stored'
  })
}

/** The region's totals for a period: the sum over every device's newest snapshot. */
export async function periodTotals(db: Database, period: string): Promise<CountRow[]> {
  const { rows } = await db.query<{ intervention: CountRow['intervention']; municipality: string; referrer_type: string; referred: number; included: number; completed: number; included_cumulative: number }>(
    `SELECT intervention, municipality, referrer_type, sum(referred)::int AS referred, sum(included)::int AS included,
            sum(completed)::int AS completed, sum(included_cumulative)::int AS included_cumulative
     FROM kpi_counts WHERE period = $1 GROUP BY intervention, municipality, referrer_type ORDER BY intervention, municipality, referrer_type`,
    [period],
  )
  return rows.map((r) => ({ intervention: r.intervention, municipality: r.municipality, referrerType: r.referrer_type, referred: r.referred, included: r.included, completed: r.completed, includedCumulative: r.included_cumulative }))
}
