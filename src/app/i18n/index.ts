import { createI18n } from 'vue-i18n'
import en from './en.json'
import nl from './nl.json'

export const LOCALES = ['nl', 'en'] as const
export type Locale = (typeof LOCALES)[number]
const STORAGE_KEY = 'samenwerkwijze.locale'

export function initialLocale(): Locale {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null
  return saved === 'en' ? 'en' : 'nl'
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'nl',
  messages: { nl, en },
  datetimeFormats: {
    nl: {
      day: { weekday: 'long', day: 'numeric', month: 'long' },
      date: { day: 'numeric', month: 'long', year: 'numeric' },
      stamp: { day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' },
    },
    en: {
      day: { weekday: 'long', day: 'numeric', month: 'long' },
      date: { day: 'numeric', month: 'long', year: 'numeric' },
      stamp: { day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' },
    },
  },
})

export function setLocale(locale: Locale) {
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
  localStorage.setItem(STORAGE_KEY, locale)
}
