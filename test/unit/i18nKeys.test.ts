/**
 * The resident's interface in every language (issue 20, docs/languages.md): each text of nl.json
 * (and of the page texts fetched with their page, explainer.nl.json) exists in en, ar, pl and tr,
 * is not empty, has the same placeholders ({name}) and the same number of plural forms
 * ("geen | één | {n}"), and no language carries a key Dutch does not have.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { LOCALES, LOCALE_NAMES, directionOf } from '../../src/app/i18n'

type Messages = { [key: string]: string | Messages }

const read = (file: string): Messages => JSON.parse(readFileSync(new URL(`../../src/app/i18n/${file}.json`, import.meta.url), 'utf8')) as Messages

function flatten(messages: Messages, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  for (const [k, v] of Object.entries(messages)) {
    const path = prefix ? `${prefix}.${k}` : k
    if (v && typeof v === 'object') flatten(v, path, out)
    else out.set(path, v)
  }
  return out
}

const placeholders = (text: string) => [...new Set([...text.matchAll(/\{\s*([\w-]+)\s*\}/g)].map((m) => m[1]!))].sort()
const pluralForms = (text: string) => text.split('|').length

/** What is wrong with `other` measured against the Dutch texts, one line per problem. */
function problems(dutch: Messages, other: Messages): string[] {
  const nl = flatten(dutch)
  const them = flatten(other)
  const out: string[] = []
  for (const [key, source] of nl) {
    const text = them.get(key)
    if (text === undefined) out.push(`${key}: missing`)
    else if (typeof text !== 'string' || !text.trim()) out.push(`${key}: empty`)
    else {
      const want = placeholders(source as string)
      const got = placeholders(text)
      if (want.join() !== got.join()) out.push(`${key}: placeholders ${got.join(',') || '(none)'} instead of ${want.join(',') || '(none)'}`)
      if (pluralForms(text) !== pluralForms(source as string)) out.push(`${key}: ${pluralForms(text)} plural forms instead of ${pluralForms(source as string)}`)
    }
  }
  for (const key of them.keys()) if (!nl.has(key)) out.push(`${key}: not in nl.json`)
  return out
}

const dutch = read('nl')

describe('the languages of the resident interface', () => {
  it('offers Dutch, English, Arabic, Polish and Turkish, each by its own name; Arabic right to left', () => {
    expect(LOCALES).toEqual(['nl', 'en', 'ar', 'pl', 'tr'])
    expect(LOCALES.map((l) => LOCALE_NAMES[l])).toEqual(['Nederlands', 'English', 'العربية', 'Polski', 'Türkçe'])
    expect(LOCALES.filter((l) => directionOf(l) === 'rtl')).toEqual(['ar'])
  })

  for (const locale of LOCALES.filter((l) => l !== 'nl')) {
    it(`${locale}.json has every Dutch text, not empty, with the same placeholders and plural forms`, () => {
      expect(flatten(dutch).size).toBeGreaterThan(300)
      expect(problems(dutch, read(locale))).toEqual([])
    })
    it(`explainer.${locale}.json has every Dutch text of the explainer page`, () => {
      expect(flatten(read('explainer.nl')).size).toBeGreaterThan(25)
      expect(problems(read('explainer.nl'), read(`explainer.${locale}`))).toEqual([])
    })
  }

  it('keeps page texts apart from the start page’s texts (merged, one would overwrite the other)', () => {
    expect(Object.keys(read('explainer.nl')).filter((k) => k in dutch)).toEqual([])
  })

  it('notices a text that is removed, emptied, or loses a placeholder', () => {
    const english = read('en')
    const broken = structuredClone(english) as { search: Record<string, string>; service: Record<string, string> }
    delete broken.search.title
    broken.search.more = ' '
    broken.service.call = 'Call'
    broken.search.count = 'results: {n}'
    expect(problems(dutch, broken as unknown as Messages)).toEqual([
      'search.title: missing',
      'search.count: 1 plural forms instead of 3',
      'search.more: empty',
      'service.call: placeholders (none) instead of number',
    ])
  })
})
