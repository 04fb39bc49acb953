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

// Day arithmetic lives in days.ts without Zod, so the start page (schedule.ts) does not load Zod.
export { addDays, daysBetween, fromDayNumber, toDayNumber, type DayNumber } from './days'
