/**
 * Dates written in the data worker, with the page's own formats (i18n/dateFormats.ts): a result's next
 * day and the map's "bijgewerkt op". The first date formatter a thread makes loads the language's
 * calendar data (tens of milliseconds on a cheap phone); made here, the page's thread shows the start
 * page without one (docs/performance.md, "Start page").
 */
import { dateFormatsFor, type DateFormatName } from '../../../i18n/dateFormats'

const formatters = new Map<string, Intl.DateTimeFormat>()

export function formatIn(lang: string, format: DateFormatName, at: Date): string {
  const key = `${lang}/${format}`
  let f = formatters.get(key)
  if (!f) {
    f = new Intl.DateTimeFormat(lang, dateFormatsFor(lang)[format])
    formatters.set(key, f)
  }
  return f.format(at)
}
