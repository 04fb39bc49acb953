/**
 * Counting ids issued by the server (issue 11; docs/device-trust.md "Counting ids and signed
 * snapshots"). One live counting id per approved device; it belongs to one person in one
 * organisation, and only that person may move it to another device of theirs (a backup restored
 * onto a new phone). The plausibility bound holds for the person's ids together (lockCounterFor). Where it was before is remembered, so the old phone's later snapshots are
 * refused as `counter-moved` instead of quietly replacing the new phone's figures.
 */
import { randomUUID } from 'node:crypto'
import type { Database, Queryable } from '../db/types'
import type { CountTotals, MeasureTotals } from '../../shared/kpi/plausibility'
import { audit } from '../auth/audit'

/** The device a session runs on, as the counting needs it. */
export interface CountingDevice {
  id: string
  organisationId: string
}

export interface Refused {
  ok: false
  status: 403 | 404 | 409
  code: 'counter-not-bound' | 'counter-moved' | 'counter-not-yours' | 'counter-unknown' | 'counter-elsewhere'
  error: string
}

/** The device's live counting id, or a new one (idempotent: a lost answer asked again gets the same id). */
export async function issueCounter(db: Database, device: CountingDevice, userId: string): Promise<{ counterId: string; created: boolean }> {
  return db.transaction(async (tx) => {
    const inserted = await tx.query<{ id: string }>(
      `INSERT INTO kpi_counters (id, device_id, organisation_id, user_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (device_id) WHERE retired_at IS NULL AND device_id IS NOT NULL DO NOTHING RETURNING id`,
      [randomUUID(), device.id, device.organisationId, userId],
    )
    if (inserted.rows[0]) {
      await audit(tx, { actorId: userId, organisationId: device.organisationId, action: 'kpi-counter-issue', entity: 'kpi_counter', entityId: inserted.rows[0].id })
      return { counterId: inserted.rows[0].id, created: true }
    }
    const live = await tx.query<{ id: string }>('SELECT id FROM kpi_counters WHERE device_id = $1 AND retired_at IS NULL', [device.id])
    return { counterId: live.rows[0]!.id, created: false }
  })
}

/**
 * Moves a counting id to the session's device: only the person it belongs to, in its organisation.
 * A legacy id (chosen by a device before issue 11) that nobody claimed yet is claimed by the first
 * member of its organisation who presents it: only the phone that made it (or its backup) knows it.
 * The target device's previous live id is retired and its figures dropped (the device sends them
 * again under the moved id); the moved id's stored versions are clamped to now, so the new phone's
 * next snapshot (its clock, later) replaces the old figures.
 */
export async function moveCounter(db: Database, counterId: string, device: CountingDevice, userId: string, nowMs: number, from?: string): Promise<{ ok: true; counterId: string } | Refused> {
  return db.transaction(async (tx) => {
    // A claimed legacy id adds its figures to the person's: it waits for their snapshots in flight.
    await lockPerson(tx, userId, device.organisationId)
    const { rows } = await tx.query<{ device_id: string | null; organisation_id: string; user_id: string | null; retired_at: string | null; legacy: boolean }>(
      'SELECT device_id, organisation_id, user_id, retired_at, legacy FROM kpi_counters WHERE id = $1 FOR UPDATE',
      [counterId],
    )
    const counter = rows[0]
    if (!counter) return { ok: false, status: 404, code: 'counter-unknown', error: 'The server never issued this counting id.' } as const
    const claim = counter.legacy && counter.user_id === null
    if (counter.organisation_id !== device.organisationId || (claim ? false : counter.user_id !== userId)) {
      return { ok: false, status: 403, code: 'counter-not-yours', error: 'This counting id belongs to another person or organisation: it cannot move to your device.' } as const
    }
    if (counter.device_id === device.id && counter.retired_at === null) return { ok: true, counterId } as const
    if (from !== undefined && counter.device_id !== from.toLowerCase()) {
      return { ok: false, status: 409, code: 'counter-elsewhere', error: 'This counting id moved to another device already: this device keeps its own.' } as const
    }
    // The device's own id is retired and its figures dropped: the device sends every period again
    // under the moved id (kpiSyncCore.ts resendUnderNewId), whole. Kept, they would count its cases
    // a second time there (docs/case-sync.md "Counted once across a recovery").
    const retired = await tx.query<{ id: string }>('UPDATE kpi_counters SET retired_at = now() WHERE device_id = $1 AND retired_at IS NULL AND id <> $2 RETURNING id', [device.id, counterId])
    for (const r of retired.rows) {
      await tx.query('DELETE FROM kpi_counts WHERE counter_id = $1', [r.id])
      await tx.query('DELETE FROM kpi_measures WHERE counter_id = $1', [r.id])
      // Its signed figures are gone from the totals: the evidence leaves them out too.
      await tx.query('UPDATE kpi_snapshots SET signed = NULL WHERE counter_id = $1', [r.id])
    }
    await tx.query('UPDATE kpi_counters SET device_id = $2, user_id = $3, moved_at = now(), retired_at = NULL WHERE id = $1', [counterId, device.id, userId])
    await tx.query('INSERT INTO kpi_counter_moves (counter_id, from_device_id, to_device_id, moved_by) VALUES ($1, $2, $3, $4)', [counterId, counter.device_id, device.id, userId])
    await tx.query('UPDATE kpi_snapshots SET snapshot_version = least(snapshot_version, $2::bigint) WHERE counter_id = $1', [counterId, nowMs])
    await audit(tx, { actorId: userId, organisationId: device.organisationId, action: claim ? 'kpi-counter-claim' : 'kpi-counter-move', entity: 'kpi_counter', entityId: counterId })
    return { ok: true, counterId } as const
  })
}

/**
 * Serialises the counting of one person in one organisation (their snapshots and moves), so that
 * two phones sending at once cannot both pass the bound that holds for their sum. A statement of
 * its own: a query sees the rows as they were when it started, so the sums are read after it.
 */
export async function lockPerson(tx: Queryable, userId: string, organisationId: string): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtextextended('kpi-person|' || $1 || '|' || $2, 0))", [userId, organisationId])
}

/**
 * Locks the counting id for a snapshot from `deviceId` (so a move waits until the snapshot is in,
 * or the snapshot sees the move), in one round trip with what the person's other counting ids in
 * the organisation hold for the period: every id they were issued, moved or claimed (live, moved
 * to another phone of theirs, retired), and any other id on this device. They add up in the
 * totals, so the bound holds per person, not per id: moving ids between two phones of one person
 * cannot multiply it (review finding 4). The snapshot's own id is left out: its figures are
 * replaced. An unclaimed legacy id (no person yet) is nobody's. Refused when the id is not this
 * device's live one. Call lockPerson first, in the same transaction.
 */
export async function lockCounterFor(tx: Queryable, counterId: string, device: CountingDevice, userId: string, period: string): Promise<{ ok: true; others: CountTotals; otherMeasures: MeasureTotals } | Refused> {
  const { rows } = await tx.query<{ device_id: string | null; retired_at: string | null; moved_away: boolean; others: CountTotals; other_measures: MeasureTotals | null }>(
    `SELECT k.device_id, k.retired_at,
            EXISTS (SELECT 1 FROM kpi_counter_moves m WHERE m.counter_id = k.id AND m.from_device_id = $2) AS moved_away,
            (SELECT json_build_object('referred', coalesce(sum(c.referred), 0), 'included', coalesce(sum(c.included), 0),
                                      'completed', coalesce(sum(c.completed), 0), 'includedCumulative', coalesce(sum(c.included_cumulative), 0))
             FROM kpi_counts c JOIN kpi_counters o ON o.id = c.counter_id
             WHERE c.period = $3 AND c.counter_id <> k.id
               AND ((o.user_id = $4 AND o.organisation_id = $5) OR o.device_id = $2)) AS others,
            (SELECT json_object_agg(x.measure, x.n) FROM (
               SELECT m.measure, sum(m.count)::int AS n
               FROM kpi_measures m JOIN kpi_counters o ON o.id = m.counter_id
               WHERE m.period = $3 AND m.counter_id <> k.id
                 AND ((o.user_id = $4 AND o.organisation_id = $5) OR o.device_id = $2)
               GROUP BY m.measure) x) AS other_measures
     FROM kpi_counters k WHERE k.id = $1 FOR UPDATE OF k`,
    [counterId, device.id, period, userId, device.organisationId],
  )
  const counter = rows[0]
  if (counter && counter.device_id === device.id) {
    if (counter.retired_at === null) return { ok: true, others: counter.others, otherMeasures: counter.other_measures ?? {} }
    return { ok: false, status: 409, code: 'counter-moved', error: 'This counting id was retired: this device counts under another one now.' }
  }
  if (counter?.moved_away) return { ok: false, status: 409, code: 'counter-moved', error: 'This counting id moved to another device (a backup restored there): that device sends its figures now.' }
  return { ok: false, status: 403, code: 'counter-not-bound', error: 'This counting id is not bound to your device. Ask the server for one (POST /api/kpi/counters).' }
}
