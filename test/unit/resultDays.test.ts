import { createI18n } from 'vue-i18n'
import { describe, expect, it } from 'vitest'
import { dateFormatsFor } from '../../src/app/i18n/dateFormats'
import { formatIn } from '../../src/app/features/socialMap/data/dateLabels'
import { MapSearch } from '../../src/app/features/socialMap/data/search'
import { buildExampleMap } from '../../src/server/seed/exampleMap'

// The data worker writes the day of a result's next time (docs/performance.md, "Start page"): the page's
// thread shows the first results without making a date formatter.
describe("a result's next day, written in the data worker", () => {
  const map = new MapSearch()
  map.load(buildExampleMap({ referenceDate: '2026-11-01' }))
  // Monday 2 November 2026, 09:00 in the region.
  const now = new Date('2026-11-02T08:00:00Z')
  const withNext = (lang: string) => map.search('', {}, 200, lang, now).items.filter((i) => i.next)

  it('says "today" for a time later today, and the day in the asked language otherwise', () => {
    const items = withNext('nl')
    expect(items.length).toBeGreaterThan(10)
    for (const item of items) {
      if (item.next!.date === '2026-11-02') expect(item.nextDay).toEqual({ today: true })
      else expect(item.nextDay).toEqual({ label: new Intl.DateTimeFormat('nl', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'Europe/Amsterdam' }).format(new Date(`${item.next!.date}T12:00:00Z`)) })
    }
    const later = items.find((i) => i.next!.date === '2026-11-03')
    expect(later?.nextDay).toEqual({ label: 'dinsdag 3 november' })
  })

  it('reads as the page writes the same day (vue-i18n, i18n/dateFormats.ts) in every language; Arabic with the digits 0–9', () => {
    const locales = ['nl', 'en', 'ar', 'pl', 'tr'] as const
    const i18n = createI18n({ legacy: false, locale: 'nl', datetimeFormats: Object.fromEntries(locales.map((l) => [l, dateFormatsFor(l)])) })
    for (const lang of locales) {
      const item = withNext(lang).find((i) => i.next!.date === '2026-11-03')
      expect(item?.nextDay, lang).toEqual({ label: i18n.global.d(new Date('2026-11-03T12:00:00Z'), 'day', lang) })
    }
    const ar = withNext('ar').find((i) => i.next!.date === '2026-11-03')
    expect(ar && 'label' in ar.nextDay! ? ar.nextDay.label : '').toMatch(/^\D*3\D*$/)
  })

  it("writes the map's \"bijgewerkt op\" as the page would, in every language", () => {
    const locales = ['nl', 'en', 'ar', 'pl', 'tr'] as const
    const i18n = createI18n({ legacy: false, locale: 'nl', datetimeFormats: Object.fromEntries(locales.map((l) => [l, dateFormatsFor(l)])) })
    const at = new Date('2026-07-14T22:30:00Z') // 15 July, 00:30 in the region (summer time)
    for (const lang of locales) expect(formatIn(lang, 'stamp', at), lang).toBe(i18n.global.d(at, 'stamp', lang))
    expect(formatIn('nl', 'stamp', at)).toBe('15 juli om 00:30')
  })
})
