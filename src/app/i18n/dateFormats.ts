/**
 * How dates are written, per language: vue-i18n's datetime formats (i18n/index.ts) and the data
 * worker's day labels (features/socialMap/data/search.ts) use these same options, so a result's
 * "Volgende keer: maandag 7 december" reads the same whichever thread wrote it.
 */
import { TIME_ZONE } from '../../shared/core/clock'

// Days and times as on the wall in the region, also on a phone set to another time zone (docs/glossary.md).
const FORMATS = {
  day: { weekday: 'long', day: 'numeric', month: 'long', timeZone: TIME_ZONE },
  date: { day: 'numeric', month: 'long', year: 'numeric', timeZone: TIME_ZONE },
  // The 24-hour clock of the region in every language (Arabic and English would otherwise say 05:24 ص / AM).
  stamp: { day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: TIME_ZONE },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>

export type DateFormatName = keyof typeof FORMATS

/** The formats of one language: Arabic with the digits 0–9, as on Dutch letters and street signs (the same as ui/dates.ts, intlLocale). */
export function dateFormatsFor(locale: string): Record<DateFormatName, Intl.DateTimeFormatOptions> {
  if (locale !== 'ar') return FORMATS
  return Object.fromEntries(Object.entries(FORMATS).map(([k, f]) => [k, { ...f, numberingSystem: 'latn' }])) as Record<DateFormatName, Intl.DateTimeFormatOptions>
}
