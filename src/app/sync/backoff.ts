/**
 * When an outbox item is tried again after a failure it may heal by itself (a server fault, a busy
 * server): exponential back-off with "equal jitter" (half the delay fixed, half random), so phones
 * that failed together do not all come back in the same second, and a cap, so an item never waits
 * longer than six hours once the device is online. A `Retry-After` from the server is honoured: the
 * item waits at least that long (up to the cap). The one rule for every outbox (docs/outbox.md).
 */

/** The delay before the first retry, before jitter. */
export const FIRST_DELAY_MS = 60_000
/** No item waits longer than this between tries. */
export const MAX_DELAY_MS = 6 * 60 * 60 * 1000

/**
 * The delay after `attempts` failed tries (1 = the first failure): between half and all of
 * FIRST_DELAY_MS · 2^(attempts − 1), capped at MAX_DELAY_MS. `random` returns [0, 1) (Math.random in the app).
 */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 30))
  const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** exponent)
  const r = Math.min(Math.max(random(), 0), 1)
  return Math.round(ceiling / 2 + (r * ceiling) / 2)
}

/** When to try again: after the back-off, or after the server's Retry-After if that is later; both capped. */
export function nextAttemptAt(now: number, attempts: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  const wait = Math.max(backoffMs(attempts, random), Math.min(Math.max(retryAfterMs ?? 0, 0), MAX_DELAY_MS))
  return now + wait
}

/**
 * A `Retry-After` header in ms: seconds ("120") or an HTTP date; undefined when absent or unreadable.
 * `now` is the client's clock, compared with the server's date only for the HTTP-date form.
 */
export function retryAfterMs(header: string | null | undefined, now: number): number | undefined {
  if (!header) return undefined
  const trimmed = header.trim()
  if (/^\d{1,9}$/.test(trimmed)) return Number(trimmed) * 1000
  const at = Date.parse(trimmed)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}
