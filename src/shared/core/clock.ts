/**
 * The region's clock. Samen in Gezondheid lies in one time zone; every date a person sees or
 * that is stored as a day (a referral's date, a case closed, a half-year) is the date on the
 * wall in the region, not the UTC date: at 00:30 in Oss it is already the next day, while UTC
 * still says yesterday (docs/glossary.md, "region's date").
 * Pure: every function takes the instant as an argument; the app and server pass their own now.
 */
export const TIME_ZONE = 'Europe/Amsterdam'

export interface LocalMoment {
  /** YYYY-MM-DD in the region. */
  date: string
  /** Minutes since local midnight. */
  minutes: number
}

// Made on first use, not when the module loads: the first formatter with a time zone loads the zone data
// (about 60 ms on a phone), and the start page imports this module for TIME_ZONE alone (docs/performance.md).
let formatter: Intl.DateTimeFormat | undefined

/** The wall-clock date and time in the region at a given instant. */
export function localMoment(at: Date | number): LocalMoment {
  formatter ??= new Intl.DateTimeFormat('en-CA', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
  const parts = Object.fromEntries(formatter.formatToParts(at).map((p) => [p.type, p.value]))
  return { date: `${parts.year}-${parts.month}-${parts.day}`, minutes: Number(parts.hour) * 60 + Number(parts.minute) }
}

/** The region's date (YYYY-MM-DD) at a given instant: what "today" means for a stored or shown day. */
export function regionDate(at: Date | number): string {
  return localMoment(at).date
}
