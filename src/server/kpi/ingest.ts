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
  return db.transaction(async (tx) => {
    // Make sure the row exists, then lock it: concurrent snapshots of one device wait in turn.
    await tx.query(
      `INSERT INTO kpi_snapshots (device_id, period, organisation_id, snapshot_version) VALUES ($1, $2, $3, 0)
       ON CONFLICT (device_id, period) DO NOTHING`,
      [s.deviceId, s.period, s.organisationId],
    )
    const { rows } = await tx.query<{ snapshot_version: string | number }>('SELECT snapshot_version FROM kpi_snapshots WHERE device_id = $1 AND period = $2 FOR UPDATE', [s.deviceId, s.period])
    if (Number(rows[0]!.snapshot_version) >= s.snapshotVersion) return 'unchanged'
    // A figure for a period that has ended is a correction: reported as such.
    const correction = periodEnd(s.period as Period) < today
    await tx.query(
      `UPDATE kpi_snapshots SET snapshot_version = $3, organisation_id = $4, correction = $5, received_at = now() WHERE device_id = $1 AND period = $2`,
      [s.deviceId, s.period, s.snapshotVersion, s.organisationId, correction],
    )
    await tx.query('DELETE FROM kpi_counts WHERE device_id = $1 AND period = $2', [s.deviceId, s.period])
    for (const r of s.rows) {
      await tx.query(
        `INSERT INTO kpi_counts (device_id, period, intervention, municipality, referrer_type, referred, included, completed, included_cumulative)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [s.deviceId, s.period, r.intervention, r.municipality, r.referrerType, r.referred, r.included, r.completed, r.includedCumulative],
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
