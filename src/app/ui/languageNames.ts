/**
 * A listing's language in the reader's language: HSDS `languages[].code` through Intl.DisplayNames
 * ("nl" → "Dutch", "Nederlands", "الهولندية"), else the listing's own name for it, which is Dutch.
 */
import { intlLocale } from './dates'

const namers = new Map<string, Intl.DisplayNames | null>()
function namer(locale: string): Intl.DisplayNames | null {
  if (!namers.has(locale)) {
    try {
      namers.set(locale, new Intl.DisplayNames([intlLocale(locale)], { type: 'language', fallback: 'none' }))
    } catch {
      namers.set(locale, null)
    }
  }
  return namers.get(locale)!
}

export interface LanguageName {
  text: string
  /** The language the name is written in: the reader's, or Dutch for the listing's own name. */
  lang: string
}

export function languageName(language: { code?: string; name?: string }, locale: string): LanguageName | undefined {
  const code = language.code?.trim()
  if (code && /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/i.test(code)) {
    try {
      const name = namer(locale)?.of(code)
      if (name) return { text: name, lang: locale }
    } catch {
      // A code Intl does not take: the listing's own name below.
    }
  }
  if (language.name) return { text: language.name, lang: 'nl' }
  return code ? { text: code, lang: 'zxx' } : undefined
}
