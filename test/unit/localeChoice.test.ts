/**
 * The resident's language choice (docs/languages.md, "Fallback"): read back validated, and
 * professional pages (Dutch and English texts only) open in Dutch for a resident-only language.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { localeForPage, savedLocale } from '../../src/app/i18n'

const stored = new Map<string, string>()
beforeEach(() => {
  stored.clear()
  vi.stubGlobal('localStorage', { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => void stored.set(k, v) })
})
afterEach(() => {
  vi.unstubAllGlobals()
})

describe('the language choice', () => {
  it('reads back a saved language, and Dutch for nothing saved or anything that is not one of ours', () => {
    expect(savedLocale()).toBe('nl')
    stored.set('samenwerkwijze.locale', 'ar')
    expect(savedLocale()).toBe('ar')
    stored.set('samenwerkwijze.locale', 'de')
    expect(savedLocale()).toBe('nl')
    stored.set('samenwerkwijze.locale', '<script>')
    expect(savedLocale()).toBe('nl')
  })

  it('opens professional pages in Dutch when the choice is Arabic, Polish or Turkish, and in English when it is English', () => {
    for (const [choice, resident, professional] of [
      ['ar', 'ar', 'nl'],
      ['pl', 'pl', 'nl'],
      ['tr', 'tr', 'nl'],
      ['en', 'en', 'en'],
      ['nl', 'nl', 'nl'],
    ] as const) {
      stored.set('samenwerkwijze.locale', choice)
      expect([localeForPage(false), localeForPage(true)]).toEqual([resident, professional])
    }
  })
})
