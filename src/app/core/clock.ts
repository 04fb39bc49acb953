/**
 * The one place the app reads the time. Dates a person sees or that are stored as a day are the
 * region's date (src/shared/core/clock.ts), never the UTC date of toISOString(): at 00:30 in
 * Oss it is already tomorrow. Tests fix the time with vi.setSystemTime.
 */
import { regionDate } from '../../shared/core/clock'

/** This instant. */
export const now = (): Date => new Date()

/** The region's date today, YYYY-MM-DD. */
export const today = (): string => regionDate(now())
