/**
 * Dates and times written the Dutch way, everywhere a person reads one: "14 december 2026",
 * "vandaag om 03:14", "30 november om 03:14" (issue 14: never "2026-12-14" beside a written date).
 *
 * A calendar date (YYYY-MM-DD: a referral's date, an evaluation date) is not a moment: it is written
 * as it is stored, with no time-zone shift (docs/glossary.md, "region's date"). A moment (a sync, a
 * save) is written as on the wall in the region, also on a phone set to another time zone
 * (src/shared/core/clock.ts). The words around the time ("vandaag om") are texts under `dates.*`.
 */
import { useI18n } from 'vue-i18n'
import { localMoment } from '../../shared/core/clock'
import { now as clockNow } from '../core/clock'

/**
 * The Intl locale for an app locale: English is written the British way (day before month, 24 hours);
 * Arabic with the digits used in the Netherlands (0–9), as on the street signs, phones and letters a
 * resident compares them with (docs/languages.md).
 */
const INTL_LOCALES: Record<string, string> = { nl: 'nl-NL', en: 'en-GB', ar: 'ar-u-nu-latn', pl: 'pl-PL', tr: 'tr-TR' }
export const intlLocale = (locale: string): string => INTL_LOCALES[locale] ?? 'nl-NL'

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** The calendar date a value stands for: a YYYY-MM-DD as it is, a moment as the region's date then. */
function calendarDate(value: string): { y: number; m: number; d: number } | undefined {
  const plain = ISO_DATE.exec(value)
  const iso = plain ? value : Number.isNaN(Date.parse(value)) ? undefined : localMoment(new Date(value)).date
  const match = iso ? ISO_DATE.exec(iso) : null
  if (!match) return undefined
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const check = new Date(Date.UTC(y, m - 1, d))
  return check.getUTCMonth() === m - 1 && check.getUTCDate() === d ? { y, m, d } : undefined
}

const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter(locale: string, withYear: boolean): Intl.DateTimeFormat {
  const key = `${locale}|${withYear}`
  let f = formatters.get(key)
  if (!f) {
    // UTC on a date built with Date.UTC: the calendar day written as it is, whatever the device's zone.
    f = new Intl.DateTimeFormat(intlLocale(locale), { day: 'numeric', month: 'long', ...(withYear ? { year: 'numeric' } : {}), timeZone: 'UTC' })
    formatters.set(key, f)
  }
  return f
}

/** "14 december 2026" for "2026-12-14" ("14 December 2026" in English); anything unreadable as it is. */
export function formatDate(iso: string, locale: string, opts: { year?: boolean } = {}): string {
  const c = calendarDate(iso)
  if (!c) return iso
  return formatter(locale, opts.year ?? true).format(new Date(Date.UTC(c.y, c.m - 1, c.d)))
}

export interface StampWords {
  /** "vandaag om {time}" */
  todayAt: (time: string) => string
  /** "gisteren om {time}" */
  yesterdayAt: (time: string) => string
  /** "{day} om {time}" */
  dayAt: (day: string, time: string) => string
}

const pad = (n: number) => String(n).padStart(2, '0')

/** The region's date one day before a YYYY-MM-DD. */
function dayBefore(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number)
  const prev = new Date(Date.UTC(y!, m! - 1, d! - 1))
  return `${prev.getUTCFullYear()}-${pad(prev.getUTCMonth() + 1)}-${pad(prev.getUTCDate())}`
}

/**
 * A moment as on the wall in the region: "vandaag om 03:14", "gisteren om 22:10",
 * "30 november om 03:14", with the year when it is not this year's.
 */
export function formatStamp(at: number | string | Date, locale: string, words: StampWords, now: Date = clockNow()): string {
  const moment = at instanceof Date ? at : new Date(at)
  if (Number.isNaN(moment.getTime())) return String(at)
  const { date, minutes } = localMoment(moment)
  const time = `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`
  const today = localMoment(now).date
  if (date === today) return words.todayAt(time)
  if (date === dayBefore(today)) return words.yesterdayAt(time)
  return words.dayAt(formatDate(date, locale, { year: date.slice(0, 4) !== today.slice(0, 4) }), time)
}

/** "vandaag om 03:14" → "Vandaag om 03:14", for a stamp that starts a line. */
export const capital = (text: string): string => text.charAt(0).toLocaleUpperCase() + text.slice(1)

/**
 * The app's dates in a component: `date('2026-12-14')` → "14 december 2026",
 * `stamp(ms | ISO datetime)` → "vandaag om 03:14" (pass `{ start: true }` at the start of a line).
 */
export function useDates() {
  const { t, locale } = useI18n()
  const words: StampWords = {
    todayAt: (time) => t('dates.todayAt', { time }),
    yesterdayAt: (time) => t('dates.yesterdayAt', { time }),
    dayAt: (day, time) => t('dates.dayAt', { day, time }),
  }
  return {
    date: (iso: string, opts: { year?: boolean } = {}): string => formatDate(iso, locale.value, opts),
    stamp: (at: number | string | Date, opts: { start?: boolean } = {}): string => {
      const text = formatStamp(at, locale.value, words)
      return opts.start ? capital(text) : text
    },
  }
}
