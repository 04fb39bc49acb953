/**
 * Schedule maths on HSDS schedules (iCal-like: freq, interval, byday, bymonthday, dtstart,
 * until, count, valid_from/valid_to, opens_at/closes_at), in the region's own time zone.
 * One-off dates are a schedule with count 1 and dtstart (docs/hsds-extensions.md).
 * Pure: every function takes the moment "now" as an argument.
 */
import type { Schedule } from './hsds'
import { localMoment } from '../core/clock'
import { fromDayNumber, toDayNumber, type DayNumber } from '../core/days'

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const
export type Weekday = (typeof WEEKDAYS)[number]

/** 0 = Monday … 6 = Sunday. */
export function weekdayIndex(day: DayNumber): number {
  // 1970-01-01 was a Thursday (index 3).
  return (((day + 3) % 7) + 7) % 7
}

export function clockMinutes(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5))
}

interface ByDay {
  weekday: number
  ordinal: number // 0 = every; 1..5 = nth in month; -1..-5 = nth from the end
}

export function parseByDay(byday: string | undefined): ByDay[] {
  if (!byday) return []
  return byday.split(',').flatMap((part) => {
    const m = /^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$/.exec(part.trim())
    if (!m) return []
    return [{ weekday: WEEKDAYS.indexOf(m[2] as Weekday), ordinal: m[1] ? Number(m[1]) : 0 }]
  })
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/** Whether the pattern alone (ignoring count) puts an occurrence on this day. */
function patternMatches(s: Schedule, day: DayNumber): boolean {
  const date = fromDayNumber(day)
  const [year, month, dom] = date.split('-').map(Number) as [number, number, number]
  const start = s.dtstart ? toDayNumber(s.dtstart) : undefined
  const interval = s.interval ?? 1
  const wd = weekdayIndex(day)
  const byday = parseByDay(s.byday)

  if (s.count === 1 && start !== undefined) return day === start

  if (s.freq === 'MONTHLY') {
    if (interval > 1 && s.dtstart) {
      const [sy, sm] = s.dtstart.split('-').map(Number) as [number, number]
      const months = (year - sy) * 12 + (month - sm)
      if (months % interval !== 0) return false
    }
    if (s.bymonthday) {
      const dim = daysInMonth(year, month)
      return s.bymonthday.split(',').some((p) => {
        const n = Number(p)
        return n > 0 ? n === dom : dim + n + 1 === dom
      })
    }
    if (byday.length) {
      const dim = daysInMonth(year, month)
      const nth = Math.floor((dom - 1) / 7) + 1
      const nthFromEnd = -(Math.floor((dim - dom) / 7) + 1)
      return byday.some((b) => b.weekday === wd && (b.ordinal === 0 || b.ordinal === nth || b.ordinal === nthFromEnd))
    }
    return start !== undefined && Number(s.dtstart!.slice(8, 10)) === dom
  }

  if (s.freq === 'WEEKLY' || byday.length) {
    const days = byday.length ? byday.map((b) => b.weekday) : start !== undefined ? [weekdayIndex(start)] : []
    if (!days.includes(wd)) return false
    if (interval > 1 && start !== undefined) {
      const weekOf = (d: DayNumber) => Math.floor((d - weekdayIndex(d)) / 7)
      if ((weekOf(day) - weekOf(start)) % interval !== 0) return false
    }
    return true
  }
  // No recurrence given: a single date when dtstart is set, otherwise every day (opening hours).
  return start === undefined || day === start
}

/** Whether the schedule has an occurrence on a local date. */
export function occursOn(s: Schedule, date: string): boolean {
  const day = toDayNumber(date)
  if (s.valid_from && date < s.valid_from) return false
  if (s.valid_to && date > s.valid_to) return false
  if (s.dtstart && date < s.dtstart) return false
  if (s.until && date > s.until) return false
  if (!patternMatches(s, day)) return false
  if (s.count !== undefined && s.count > 1 && s.dtstart) {
    // Count the occurrences from dtstart; bounded because count ≤ 10,000 and we stop at `day`.
    let seen = 0
    for (let d = toDayNumber(s.dtstart); d <= day; d++) {
      if (patternMatches(s, d)) seen++
      if (seen > s.count) return false
    }
  }
  return true
}

export interface Occurrence {
  date: string
  opensAt?: string // HH:MM
  closesAt?: string // HH:MM
  /** Set when the occurrence comes from a round-the-clock schedule (isAlwaysOpen): "Altijd open", not "00:00–24:00". */
  isAlwaysOpen?: true
}

function hhmm(t: string | undefined): string | undefined {
  return t ? t.slice(0, 5) : undefined
}

const ROUND_THE_CLOCK_CLOSE = new Set(['24:00', '23:59'])

/**
 * Whether a schedule is open round the clock on every day of the week (a 24/7 phone line):
 * from 00:00 to the end of the day (24:00, or 23:59 as some sources write it) on all seven
 * days, not a one-off. A validity window may still end it (hasEnded).
 */
export function isAlwaysOpen(s: Schedule): boolean {
  if (hhmm(s.opens_at) !== '00:00' || !ROUND_THE_CLOCK_CLOSE.has(hhmm(s.closes_at) ?? '')) return false
  if (s.count !== undefined || s.freq === 'MONTHLY' || (s.interval ?? 1) !== 1) return false
  const byday = parseByDay(s.byday)
  if (byday.length) return byday.every((b) => b.ordinal === 0) && new Set(byday.map((b) => b.weekday)).size === 7
  // No weekdays: every day when there is no recurrence anchor (opening hours), else weekly on one day or a single date.
  return !s.freq && !s.dtstart
}

/** Open at this instant: an occurrence today whose hours include the current time. */
export function isOpenAt(schedules: readonly Schedule[], now: Date): boolean {
  const { date, minutes } = localMoment(now)
  return schedules.some((s) => {
    if (!s.opens_at || !s.closes_at || !occursOn(s, date)) return false
    return clockMinutes(s.opens_at) <= minutes && minutes < clockMinutes(s.closes_at)
  })
}

/** Whether any schedule has an occurrence on the given local date. */
export function isOpenOnDate(schedules: readonly Schedule[], date: string): boolean {
  return schedules.some((s) => occursOn(s, date))
}

/** The next occurrence that has not yet ended, looking at most `horizonDays` ahead. */
export function nextOccurrence(schedules: readonly Schedule[], now: Date, horizonDays = 400): Occurrence | undefined {
  const { date, minutes } = localMoment(now)
  const today = toDayNumber(date)
  for (let d = today; d <= today + horizonDays; d++) {
    const day = fromDayNumber(d)
    const hits = schedules
      .filter((s) => occursOn(s, day))
      .filter((s) => d > today || !s.closes_at || clockMinutes(s.closes_at) > minutes)
      .sort((a, b) => (a.opens_at ?? '').localeCompare(b.opens_at ?? ''))
    const first = hits[0]
    if (first && isAlwaysOpen(first)) return { date: day, opensAt: hhmm(first.opens_at), closesAt: hhmm(first.closes_at), isAlwaysOpen: true }
    if (first) return { date: day, opensAt: hhmm(first.opens_at), closesAt: hhmm(first.closes_at) }
  }
  return undefined
}

/** Whether a schedule can never occur again after this date (its validity has passed). */
export function hasEnded(s: Schedule, today: string): boolean {
  const end = [s.valid_to, s.until, s.count === 1 ? s.dtstart : undefined].filter((x): x is string => !!x).sort()[0]
  return end !== undefined && end < today
}

/** A structured, language-neutral description; the app turns it into words. */
export type ScheduleDescription =
  | { kind: 'weekly'; weekdays: Weekday[]; interval: number; opensAt?: string; closesAt?: string }
  | { kind: 'monthly-weekday'; weekday: Weekday; ordinal: number; interval: number; opensAt?: string; closesAt?: string }
  | { kind: 'monthly-day'; days: number[]; opensAt?: string; closesAt?: string }
  | { kind: 'once'; date: string; opensAt?: string; closesAt?: string }
  | { kind: 'daily'; opensAt?: string; closesAt?: string }
  | { kind: 'always' }

export function describeSchedule(s: Schedule): ScheduleDescription[] {
  const opensAt = hhmm(s.opens_at)
  const closesAt = hhmm(s.closes_at)
  const interval = s.interval ?? 1
  const byday = parseByDay(s.byday)
  if (isAlwaysOpen(s)) return [{ kind: 'always' }]
  if (s.count === 1 && s.dtstart) return [{ kind: 'once', date: s.dtstart, opensAt, closesAt }]
  if (s.freq === 'MONTHLY') {
    if (s.bymonthday) return [{ kind: 'monthly-day', days: s.bymonthday.split(',').map(Number), opensAt, closesAt }]
    if (byday.length) {
      return byday.map((b) => ({ kind: 'monthly-weekday', weekday: WEEKDAYS[b.weekday]!, ordinal: b.ordinal, interval, opensAt, closesAt }))
    }
  }
  if (byday.length) return [{ kind: 'weekly', weekdays: byday.map((b) => WEEKDAYS[b.weekday]!), interval, opensAt, closesAt }]
  if (s.freq === 'WEEKLY' && s.dtstart) {
    return [{ kind: 'weekly', weekdays: [WEEKDAYS[weekdayIndex(toDayNumber(s.dtstart))]!], interval, opensAt, closesAt }]
  }
  if (s.dtstart && !s.freq) return [{ kind: 'once', date: s.dtstart, opensAt, closesAt }]
  return [{ kind: 'daily', opensAt, closesAt }]
}
