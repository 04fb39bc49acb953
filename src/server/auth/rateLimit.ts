/**
 * Fixed-window request counters kept in the database, so every server process on one
 * PostgreSQL counts into the same window (an in-memory map would give each process its own
 * limit). One statement counts the hit and returns the total: parallel requests cannot slip by.
 */
import type { Queryable } from '../db/types'

/**
 * The longest window a bucket may count in (help requests' daily limit per address): pruning drops
 * a window only once a window this long would be over, so no counter is forgotten while it counts.
 */
export const LONGEST_WINDOW_SECONDS = 86_400

/** Counts a hit on `bucket`; returns the seconds to wait when over `limit`, else 0. */
export async function countHit(db: Queryable, bucket: string, limit: number, windowSeconds: number, now: number): Promise<number> {
  if (windowSeconds > LONGEST_WINDOW_SECONDS) throw new Error(`A rate-limit window of ${windowSeconds} s is longer than pruning keeps (${LONGEST_WINDOW_SECONDS} s).`)
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
  // Not before the longest window is over: a daily counter pruned after two hours let an address start its day again.
  await db.query(`DELETE FROM rate_limits WHERE window_start <= $1::timestamptz - make_interval(secs => $2)`, [new Date(now), LONGEST_WINDOW_SECONDS])
  await db.query(`DELETE FROM sign_in_guard WHERE updated_at < $1::timestamptz - interval '30 days' AND blocked_until < $1::timestamptz`, [new Date(now)])
}
