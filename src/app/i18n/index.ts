import { createI18n } from 'vue-i18n'
import nl from './nl.json'
import { dateFormatsFor } from './dateFormats'
import { LOCAL_KEYS } from '../core/storageNames'
import { rememberTexts } from './rememberTexts'

/**
 * The resident's interface: Dutch first, then English and three languages spoken in the region
 * (docs/languages.md). Professionals' texts exist in Dutch and English only.
 */
export const LOCALES = ['nl', 'en', 'ar', 'pl', 'tr'] as const
export type Locale = (typeof LOCALES)[number]
/** Languages with professionals' texts; elsewhere professional pages open in Dutch. */
export const PRO_LOCALES = ['nl', 'en'] as const satisfies readonly Locale[]
/** Each language by its own name, as the picker offers it. */
export const LOCALE_NAMES: Record<Locale, string> = { nl: 'Nederlands', en: 'English', ar: 'العربية', pl: 'Polski', tr: 'Türkçe' }
/** Languages written right to left: ours (ar) and those a listing's translation may be in. */
const RIGHT_TO_LEFT: readonly string[] = ['ar', 'fa', 'he', 'ps', 'ur', 'yi']
const STORAGE_KEY = LOCAL_KEYS.locale

export const isLocale = (value: unknown): value is Locale => typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
export const directionOf = (lang: string): 'rtl' | 'ltr' => (RIGHT_TO_LEFT.includes(lang.split('-')[0]!.toLowerCase()) ? 'rtl' : 'ltr')
export const isProLocale = (locale: string): boolean => (PRO_LOCALES as readonly string[]).includes(locale)

/** The saved choice, validated: anything else (an old or tampered value) is Dutch. */
export function savedLocale(): Locale {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null
  return isLocale(saved) ? saved : 'nl'
}

export const i18n = createI18n({
  legacy: false,
  locale: savedLocale(),
  fallbackLocale: 'nl',
  // Dutch is always there; other languages are fetched when someone chooses one (a smaller start page).
  messages: { nl },
  datetimeFormats: Object.fromEntries(LOCALES.map((l) => [l, dateFormatsFor(l)])),
})
// Each text made once per language, not on every render (rememberTexts.ts).
rememberTexts(i18n.global)

const loaders: Record<Exclude<Locale, 'nl'>, () => Promise<{ default: Record<string, unknown> }>> = {
  en: () => import('./en.json'),
  ar: () => import('./ar.json'),
  pl: () => import('./pl.json'),
  tr: () => import('./tr.json'),
}
const loading = new Map<Locale, Promise<void>>()

/**
 * Texts of one resident page, fetched with that page rather than with the start page (its 100 KB
 * budget): `explainer.<locale>.json` for /samenwerkwijze. Checked key by key like nl.json (and, like
 * every JSON file beside it, compiled at build time: vite.config.ts).
 */
const PAGE_TEXTS = {
  explainer: import.meta.glob<{ default: Record<string, unknown> }>('./explainer.*.json'),
}
export type PageTexts = keyof typeof PAGE_TEXTS
const pagesOpened = new Set<PageTexts>()
const pageLoading = new Map<string, Promise<void>>()

function loadPageTextsIn(page: PageTexts, locale: string): Promise<void> {
  const key = `${page}/${locale}`
  let p = pageLoading.get(key)
  if (!p) {
    const load = PAGE_TEXTS[page][`./${page}.${locale}.json`]
    p = load ? load().then((m) => i18n.global.mergeLocaleMessage(locale, m.default)) : Promise.resolve()
    pageLoading.set(key, p)
  }
  return p
}

/** A page's texts in Dutch (the fallback) and the language shown; a language chosen later brings them too. */
export async function loadPageTexts(page: PageTexts): Promise<void> {
  pagesOpened.add(page)
  await Promise.all([loadPageTextsIn(page, 'nl'), loadPageTextsIn(page, i18n.global.locale.value)])
}

/** Makes sure the locale's messages are loaded (call before mounting with a saved choice). */
export async function ensureLocale(locale: Locale): Promise<void> {
  const pages = [...pagesOpened].map((page) => loadPageTextsIn(page, locale))
  if (locale === 'nl') return void (await Promise.all(pages))
  let p = loading.get(locale)
  if (!p) {
    // Merged under what is already there: professional and page texts loaded earlier stay.
    p = loaders[locale]().then((m) => i18n.global.setLocaleMessage(locale, { ...m.default, ...i18n.global.getLocaleMessage(locale) }))
    loading.set(locale, p)
  }
  await Promise.all([p, ...pages])
}

/**
 * `<html lang dir>` follow the language shown. Written only when they change: setting either, even to the value it
 * has, makes the browser match the page's `:lang()` and `[dir]` rules again, a style recalculation of the whole
 * painted start page right after the app starts (docs/performance.md, "No restyling of the painted page"). No `dir`
 * is left to right.
 */
export function applyDocumentLocale(locale: Locale) {
  const root = document.documentElement
  const dir = directionOf(locale)
  if (root.getAttribute('lang') !== locale) root.lang = locale
  if ((root.getAttribute('dir') ?? 'ltr') !== dir) root.dir = dir
}

/** Shows the locale now, without remembering it (a professional page in a resident-only language). */
export async function showLocale(locale: Locale) {
  await ensureLocale(locale)
  i18n.global.locale.value = locale
  applyDocumentLocale(locale)
}

/**
 * The language a page opens in: the saved choice, except on professional pages, which open in
 * Dutch when the choice is a resident-only language (their texts exist in Dutch and English only).
 */
export function localeForPage(isProfessionalPage: boolean): Locale {
  const saved = savedLocale()
  return isProfessionalPage && !isProLocale(saved) ? 'nl' : saved
}

/** The resident's choice: shown and remembered on this device. */
export async function setLocale(locale: Locale) {
  await showLocale(locale)
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
