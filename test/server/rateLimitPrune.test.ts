/**
 * Pruning the request counters (src/server/auth/rateLimit.ts) never forgets a window that still
 * counts. The attack it stopped: pruning dropped every window older than two hours, so the daily
 * limit on help requests per address (routes/helpRequests.ts) was forgotten when a prune ran (one
 * request in a hundred) and the address began its day again (seen as a flake of helpRequests.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countHit, LONGEST_WINDOW_SECONDS, pruneRateLimits } from '../../src/server/auth/rateLimit'
import type { Database } from '../../src/server/db/database'
import { testDatabase } from './helpers'

let db: Database
let close: () => Promise<void>
beforeAll(async () => ({ db, close } = await testDatabase()))
afterAll(() => close())

const HOUR = 3_600_000
const hits = async (bucket: string) => Number((await db.query<{ hits: number }>('SELECT hits FROM rate_limits WHERE bucket = $1', [bucket])).rows[0]?.hits ?? 0)

describe('pruning the request counters', () => {
  it('keeps a daily window through its whole day, and drops it once it is over', async () => {
    const start = Date.UTC(2026, 11, 2, 9)
    const bucket = `prune-test:day:${start}`
    for (let i = 0; i < 3; i++) expect(await countHit(db, bucket, 3, 86_400, start + i * HOUR)).toBe(0)
    // Three hours and then twenty-three hours on, a prune leaves the day's count where it is: the fourth is refused.
    await pruneRateLimits(db, start + 3 * HOUR)
    await pruneRateLimits(db, start + 23 * HOUR)
    expect(await hits(bucket)).toBe(3)
    expect(await countHit(db, bucket, 3, 86_400, start + 23 * HOUR)).toBeGreaterThan(0)
    // Once the day is over, the window goes.
    await pruneRateLimits(db, start + LONGEST_WINDOW_SECONDS * 1000)
    expect(await hits(bucket)).toBe(0)
  })

  it('refuses a window longer than pruning keeps', async () => {
    await expect(countHit(db, 'prune-test:week', 1, 7 * 86_400, Date.UTC(2026, 11, 2))).rejects.toThrow(/longer than pruning keeps/)
  })
})
