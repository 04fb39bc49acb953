/**
 * Fixed-window request counters kept in the database, so every server process on one
 * PostgreSQL counts into the same window (an in-memory map would give each process its own
 * limit). One statement counts the hit and returns the total: parallel requests cannot slip by.
 */
import type { Queryable } from '../db/types'

/** Counts a hit on `bucket`; returns the seconds to wait when over `limit`, else 0. */
export async function countHit(db: Queryable, bucket: string, limit: number, windowSeconds: number, now: number): Promise<number> {
  const at = new Date(now)
  const { rows } = await db.query<{ hits: number; window_start: Date | string }>(
    `INSERT INTO rate_limits AS r (bucket, window_start, hits) VALUES ($1, $2, 1)
     ON CONFLICT (bucket) DO UPDATE SET
       window_start = CASE WHEN r.window_start <= $2::timestamptz - make_interval(secs => $3) THEN $2 ELSE r.window_start END,
       hits = CASE WHEN r.window_start <= $2::timestamptz - make_interval(secs => $3) THEN 1 ELSE r.hits + 1 END
     RETURNING hits, window_start`,
    [bucket, at, windowSeconds],
  )
  const row = rows[0]!
  // Now and then, drop windows long gone so the table stays small (any process may do it).
  if (Math.random() < 0.01) await pruneRateLimits(db, now)
  if (row.hits <= limit) return 0
  return Math.max(1, Math.ceil((new Date(row.window_start).getTime() + windowSeconds * 1000 - now) / 1000))
}

export async function pruneRateLimits(db: Queryable, now: number): Promise<void> {
  // The longest window is an hour.
  await db.query(`DELETE FROM rate_limits WHERE window_start < $1::timestamptz - interval '2 hours'`, [new Date(now)])
  await db.query(`DELETE FROM sign_in_guard WHERE updated_at < $1::timestamptz - interval '30 days' AND blocked_until < $1::timestamptz`, [new Date(now)])
}
