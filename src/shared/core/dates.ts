/**
 * Calendar dates as YYYY-MM-DD strings: the one schema every stored or received date goes through
 * (it checks the calendar, so 2026-02-30 is refused), and UTC-free day arithmetic on them.
 * Which day it is now comes from clock.ts (the region's date), never from toISOString().
 */
import { z } from 'zod'

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-03-01')
  .refine((s) => {
    const [y, m, d] = s.split('-').map(Number) as [number, number, number]
    const dt = new Date(Date.UTC(y, m - 1, d))
    return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d
  }, 'is not a real calendar date')

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
