/**
 * A listing in the resident's language (issue 20, docs/hsds-extensions.md "Translations"): the
 * `x_translations` of a service, its locations' accessibility notes and its cost options, with
 * Dutch as the fallback and the language each text is in; languages named through Intl.
 */
import { describe, expect, it } from 'vitest'
import { accessibilitySchema, costOptionSchema, serviceSchema, type Service } from '../../src/shared/socialMap/hsds'
import { textIn, translated, translatedText } from '../../src/shared/socialMap/serviceFacts'
import { languageName } from '../../src/app/ui/languageNames'
import { formatDate } from '../../src/app/ui/dates'

const id = (n: number) => `5a1d0000-0000-4000-8000-${String(n).padStart(12, '0')}`
const service = serviceSchema.parse({
  id: id(1),
  name: 'Wandelgroep Oss',
  description: 'Een uur wandelen met anderen.',
  status: 'active',
  wait_time: 'Geen wachttijd.',
  x_translations: { en: { name: 'Walking group Oss', description: '', wait_time: 'No waiting.' }, 'pl-PL': { name: 'Grupa spacerowa Oss' } },
}) as Service

describe('a listing in the reader’s language', () => {
  it('shows the English translation, marked English, and Dutch where a field has none or it is empty', () => {
    expect(translatedText(service, 'name', 'en')).toEqual({ text: 'Walking group Oss', lang: 'en' })
    expect(translatedText(service, 'wait_time', 'en')).toEqual({ text: 'No waiting.', lang: 'en' })
    expect(translatedText(service, 'description', 'en')).toEqual({ text: 'Een uur wandelen met anderen.', lang: 'nl' })
    expect(translated(service, 'name', 'nl')).toBe('Wandelgroep Oss')
  })

  it('falls back to Dutch for a language without a translation, and finds a regional code (pl-PL for pl)', () => {
    expect(translatedText(service, 'name', 'ar')).toEqual({ text: 'Wandelgroep Oss', lang: 'nl' })
    expect(translatedText(service, 'name', 'pl')).toEqual({ text: 'Grupa spacerowa Oss', lang: 'pl-PL' })
    expect(translatedText(service, 'alert', 'en')).toBeUndefined()
  })

  it('translates an accessibility note and a cost option; other fields inside a translation are refused', () => {
    const note = accessibilitySchema.parse({ id: id(2), description: 'Rolstoeltoegankelijk, aangepast toilet aanwezig', x_translations: { en: { description: 'Wheelchair accessible, accessible toilet available' } } })
    expect(textIn(note, 'description', 'en')).toEqual({ text: 'Wheelchair accessible, accessible toilet available', lang: 'en' })
    expect(textIn(note, 'description', 'tr')).toEqual({ text: 'Rolstoeltoegankelijk, aangepast toilet aanwezig', lang: 'nl' })
    const cost = costOptionSchema.parse({ id: id(3), option: 'Eigen bijdrage', amount: 2, x_translations: { en: { option: 'Contribution' } } })
    expect(textIn(cost, 'option', 'en')?.text).toBe('Contribution')
    expect(accessibilitySchema.safeParse({ id: id(2), x_translations: { en: { url: 'https://x.example' } } }).success).toBe(false)
    expect(costOptionSchema.safeParse({ id: id(3), x_translations: { English: { option: 'x' } } }).success).toBe(false)
  })
})

describe('names and dates in the reader’s language', () => {
  it('names a listing’s languages by their codes in the reader’s language, else by the listing’s own (Dutch) name', () => {
    expect(languageName({ code: 'nl', name: 'Nederlands' }, 'en')).toEqual({ text: 'Dutch', lang: 'en' })
    expect(languageName({ code: 'nl', name: 'Nederlands' }, 'ar')).toEqual({ text: 'الهولندية', lang: 'ar' })
    expect(languageName({ code: 'tr' }, 'pl')?.text).toBe('turecki')
    expect(languageName({ code: 'nl', name: 'Nederlands' }, 'nl')).toEqual({ text: 'Nederlands', lang: 'nl' })
    expect(languageName({ name: 'Brabants' }, 'en')).toEqual({ text: 'Brabants', lang: 'nl' })
  })

  it('writes dates per language, Arabic with the digits used on Dutch letters', () => {
    expect(formatDate('2026-12-14', 'pl')).toBe('14 grudnia 2026')
    expect(formatDate('2026-12-14', 'tr')).toBe('14 Aralık 2026')
    expect(formatDate('2026-12-14', 'ar')).toMatch(/^14 ديسمبر 2026$/)
  })
})
