/** A fixed-window counter per key, in memory: enough for one server process. */
export class RateLimiter {
  private readonly hits = new Map<string, { start: number; count: number }>()
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a hit; returns the seconds to wait when over the limit, else 0. */
  hit(key: string): number {
    const t = this.now()
    let entry = this.hits.get(key)
    if (!entry || t - entry.start >= this.windowMs) {
      entry = { start: t, count: 0 }
      this.hits.set(key, entry)
      if (this.hits.size > 50_000) this.prune(t)
    }
    entry.count++
    return entry.count > this.limit ? Math.ceil((entry.start + this.windowMs - t) / 1000) : 0
  }

  private prune(t: number) {
    for (const [k, v] of this.hits) if (t - v.start >= this.windowMs) this.hits.delete(k)
  }
}
