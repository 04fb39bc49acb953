/**
 * Dates written the Dutch way (issue 14, src/app/ui/dates.ts): a calendar date as it is stored,
 * a moment as on the wall in Oss, "vandaag"/"gisteren" around the region's midnight, English too.
 * Only Date is faked; the process runs in another time zone than the region to catch shifts.
 */
import { mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import { defineComponent, h } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { formatDate, useDates } from '../../src/app/ui/dates'
import nl from '../../src/app/i18n/nl.json'
import en from '../../src/app/i18n/en.json'

const at = (iso: string) => vi.setSystemTime(new Date(iso))
const zone = process.env.TZ

beforeEach(() => {
  process.env.TZ = 'America/Los_Angeles'
  vi.useFakeTimers({ toFake: ['Date'] })
  // 00:30 on 15 March 2026 in Oss; UTC and Los Angeles still say the 14th.
  at('2026-03-14T23:30:00Z')
})
afterEach(() => {
  vi.useRealTimers()
  process.env.TZ = zone
})

function render(locale: 'nl' | 'en', show: (d: ReturnType<typeof useDates>) => string): string {
  const i18n = createI18n({ legacy: false, locale, messages: { nl, en } })
  const Probe = defineComponent({ setup: () => { const dates = useDates(); return () => h('p', show(dates)) } })
  return mount(Probe, { global: { plugins: [i18n] } }).text()
}

describe('useDates().date: a calendar date, not a moment', () => {
  it('writes 2026-12-14 as "14 december 2026" and in English "14 December 2026"', () => {
    expect(render('nl', (d) => d.date('2026-12-14'))).toBe('14 december 2026')
    expect(render('en', (d) => d.date('2026-12-14'))).toBe('14 December 2026')
  })

  it('never shifts a day: the first and last of the year stay where they are in any time zone', () => {
    expect(render('nl', (d) => d.date('2026-01-01'))).toBe('1 januari 2026')
    expect(render('nl', (d) => d.date('2025-12-31'))).toBe('31 december 2025')
  })

  it('writes a moment given to it as the region\'s date then, and leaves what it cannot read as it is', () => {
    expect(formatDate('2026-03-14T23:30:00Z', 'nl')).toBe('15 maart 2026')
    expect(formatDate('2026-02-30', 'nl')).toBe('2026-02-30')
    expect(formatDate('', 'nl')).toBe('')
  })
})

describe('useDates().stamp: a moment as on the wall in Oss', () => {
  it('says "vandaag om 00:30" just after the region\'s midnight, from ms and from an ISO datetime', () => {
    expect(render('nl', (d) => d.stamp(Date.parse('2026-03-14T23:30:00Z')))).toBe('vandaag om 00:30')
    expect(render('nl', (d) => d.stamp('2026-03-14T23:30:00.000Z'))).toBe('vandaag om 00:30')
    expect(render('en', (d) => d.stamp('2026-03-14T23:30:00.000Z'))).toBe('today at 00:30')
  })

  it('says "gisteren" for the day before in the region, though UTC calls it the same day', () => {
    expect(render('nl', (d) => d.stamp('2026-03-14T22:10:00Z'))).toBe('gisteren om 23:10')
    expect(render('en', (d) => d.stamp('2026-03-14T22:10:00Z', { start: true }))).toBe('Yesterday at 23:10')
  })

  it('writes an older moment this year without the year, one from last year with it, never doubling "om"', () => {
    expect(render('nl', (d) => d.stamp('2026-01-30T02:14:00Z'))).toBe('30 januari om 03:14')
    expect(render('nl', (d) => d.stamp('2025-11-30T02:14:00Z'))).toBe('30 november 2025 om 03:14')
    expect(render('en', (d) => d.stamp('2025-11-30T02:14:00Z'))).toBe('30 November 2025 at 03:14')
    // Summer time: 12:00 UTC on 1 July is 14:00 in Oss.
    expect(render('nl', (d) => d.stamp('2025-07-01T12:00:00Z'))).toBe('1 juli 2025 om 14:00')
  })
})
