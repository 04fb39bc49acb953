import { createI18n } from 'vue-i18n'
import nl from './nl.json'
import { TIME_ZONE } from '../../shared/core/clock'
import { LOCAL_KEYS } from '../core/storageNames'

export const LOCALES = ['nl', 'en'] as const
export type Locale = (typeof LOCALES)[number]
const STORAGE_KEY = LOCAL_KEYS.locale

export function initialLocale(): Locale {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null
  return saved === 'en' ? 'en' : 'nl'
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'nl',
  // Dutch is always there; English is fetched when someone chooses it (a smaller start page).
  messages: { nl },
  // Days and times as on the wall in the region, also on a phone set to another time zone (docs/glossary.md).
  datetimeFormats: {
    nl: {
      day: { weekday: 'long', day: 'numeric', month: 'long', timeZone: TIME_ZONE },
      date: { day: 'numeric', month: 'long', year: 'numeric', timeZone: TIME_ZONE },
      stamp: { day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', timeZone: TIME_ZONE },
    },
    en: {
      day: { weekday: 'long', day: 'numeric', month: 'long', timeZone: TIME_ZONE },
      date: { day: 'numeric', month: 'long', year: 'numeric', timeZone: TIME_ZONE },
      stamp: { day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', timeZone: TIME_ZONE },
    },
  },
})

let english: Promise<void> | undefined
function loadEnglish(): Promise<void> {
  english ??= import('./en.json').then((m) => i18n.global.setLocaleMessage('en', { ...m.default, ...i18n.global.getLocaleMessage('en') }))
  return english
}

/** Makes sure the locale's messages are loaded (call before mounting with a saved choice). */
export async function ensureLocale(locale: Locale): Promise<void> {
  if (locale === 'en') await loadEnglish()
}

export async function setLocale(locale: Locale) {
  await ensureLocale(locale)
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
  localStorage.setItem(STORAGE_KEY, locale)
}

let professionalMessages: Promise<void> | undefined

/** The professionals' texts: loaded when a /beheer page opens, so residents never download them. */
export function loadProfessionalMessages(): Promise<void> {
  professionalMessages ??= Promise.all([import('./pro.nl.json'), import('./pro.en.json')]).then(([proNl, proEn]) => {
    i18n.global.mergeLocaleMessage('nl', proNl.default)
    i18n.global.mergeLocaleMessage('en', proEn.default)
  })
  return professionalMessages
}
