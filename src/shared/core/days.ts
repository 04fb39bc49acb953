/**
 * Calendar dates as YYYY-MM-DD strings counted in days, with no time of day and no zone. Kept apart
 * from dates.ts (which adds the Zod schema) so the residents' start page does without Zod.
 */
/** A calendar day as days since 1970-01-01. */
export type DayNumber = number

export function toDayNumber(date: string): DayNumber {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return Math.floor(Date.UTC(y, m - 1, d) / 86_400_000)
}

export function fromDayNumber(day: DayNumber): string {
  // The UTC calendar of a day number is the calendar itself (no time of day, no zone).
  const d = new Date(day * 86_400_000)
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`
}

/** The date `days` later (or earlier, when negative). */
export function addDays(date: string, days: number): string {
  return fromDayNumber(toDayNumber(date) + days)
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return toDayNumber(to) - toDayNumber(from)
}
