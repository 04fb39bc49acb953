/**
 * src/app/i18n/rememberTexts.ts: the app's texts come out word for word as vue-i18n's own `t` makes them,
 * in every language and with values, from messages compiled as the build compiles them (syntax trees,
 * @intlify/message-compiler with jit, minify, optimize); plain texts skip vue-i18n; nothing kept outlives
 * a language change or new messages; a component reading a text still follows the language.
 */
import { readFileSync } from 'node:fs'
import { baseCompile } from '@intlify/message-compiler'
import { describe, expect, it } from 'vitest'
import { computed } from 'vue'
import { createI18n, type Composer } from 'vue-i18n'
import { MAX_REMEMBERED, rememberTexts } from '../../src/app/i18n/rememberTexts'

type Messages = { [key: string]: string | Messages }
type Compiled = { [key: string]: unknown }

const read = (file: string): Messages => JSON.parse(readFileSync(new URL(`../../src/app/i18n/${file}.json`, import.meta.url), 'utf8')) as Messages

/** As the build compiles JSON messages (vite.config.ts: @intlify/unplugin-vue-i18n, production). */
function compile(messages: Messages): Compiled {
  return Object.fromEntries(
    Object.entries(messages).map(([k, v]) => [k, typeof v === 'string' ? baseCompile(v, { jit: true, minify: true, optimize: true, location: false }).ast : compile(v)]),
  )
}

function keys(messages: Messages, prefix = ''): [string, string][] {
  return Object.entries(messages).flatMap(([k, v]): [string, string][] => (typeof v === 'string' ? [[`${prefix}${k}`, v]] : keys(v, `${prefix}${k}.`)))
}

const LANGUAGES = ['nl', 'en', 'ar', 'pl', 'tr'] as const
const source = Object.fromEntries(LANGUAGES.map((l) => [l, read(l)])) as Record<(typeof LANGUAGES)[number], Messages>
// Syntax trees where vue-i18n's types expect message text: what the build hands it.
const make = (messages: Record<string, Compiled>): { global: Composer } =>
  createI18n({ legacy: false, locale: 'nl', fallbackLocale: 'nl', missingWarn: false, fallbackWarn: false, messages: messages as Record<string, Record<string, string>> }) as unknown as {
    global: Composer
  }

/** vue-i18n's own `t`, counted, under rememberTexts. */
function remembering(messages: Record<string, Compiled>) {
  const i18n = make(messages)
  const own = i18n.global.t
  let calls = 0
  i18n.global.t = ((...args: Parameters<typeof own>) => {
    calls++
    return own(...args)
  }) as typeof own
  rememberTexts(i18n.global)
  return { i18n, t: i18n.global.t as (...args: unknown[]) => string, calls: () => calls }
}

describe('rememberTexts', () => {
  const compiled = Object.fromEntries(LANGUAGES.map((l) => [l, compile(source[l])]))
  const all = keys(source.nl)

  it('makes every text of every language as vue-i18n does, plain, with values and plural', () => {
    const reference = make(compiled)
    const { i18n, t } = remembering(compiled)
    const ref = reference.global.t as (...args: unknown[]) => string
    let plain = 0
    for (const locale of LANGUAGES) {
      reference.global.locale.value = locale
      i18n.global.locale.value = locale
      // Twice: made, then kept.
      for (const round of [1, 2]) {
        for (const [key, text] of all) {
          const names = [...new Set([...text.matchAll(/\{\s*([\w-]+)\s*\}/g)].map((m) => m[1]!))]
          const values = Object.fromEntries(names.map((n, i) => [n, n === 'n' || n === 'count' ? 3 : `waarde${i}`]))
          expect(t(key), `${locale} ${key} (${round})`).toBe(ref(key))
          if (names.length) expect(t(key, values), `${locale} ${key} with values`).toBe(ref(key, values))
          if (text.includes('|')) for (const n of [0, 1, 7]) expect(t(key, n), `${locale} ${key} plural ${n}`).toBe(ref(key, n))
          if (round === 1 && locale === 'nl' && !names.length && !text.includes('|') && !text.includes('@')) plain++
        }
      }
    }
    expect(plain).toBeGreaterThan(100)
  })

  it('reads plain texts without vue-i18n and makes the rest once', () => {
    const { t, calls } = remembering(compiled)
    const plainKey = all.find(([, text]) => !/[{|@]/.test(text))![0]
    const withValue = all.find(([, text]) => /\{\s*[\w-]+\s*\}/.test(text) && !text.includes('|'))!
    t(plainKey)
    t(plainKey)
    expect(calls()).toBe(0)
    const name = /\{\s*([\w-]+)\s*\}/.exec(withValue[1])![1]!
    t(withValue[0], { [name]: 'x' })
    t(withValue[0], { [name]: 'x' })
    expect(calls()).toBe(1)
    t(withValue[0], { [name]: 'y' })
    expect(calls()).toBe(2)
    // Values that are not plain (an object): vue-i18n every time.
    t(withValue[0], { [name]: { toString: () => 'z' } })
    t(withValue[0], { [name]: { toString: () => 'z' } })
    expect(calls()).toBe(4)
  })

  it("falls back to Dutch where a language lacks a text, and to the key where none has it", () => {
    const { i18n, t } = remembering({ nl: compile({ a: 'Alleen Nederlands', b: 'B nl' }), en: compile({ b: 'B en' }) })
    i18n.global.locale.value = 'en'
    expect(t('a')).toBe('Alleen Nederlands')
    expect(t('b')).toBe('B en')
    expect(t('nergens.te.vinden')).toBe('nergens.te.vinden')
  })

  it('forgets what it kept when messages are set or merged, or the language changes', () => {
    const { i18n, t } = remembering({ nl: compile({ a: 'Eerst' }) })
    expect(t('later')).toBe('later')
    expect(t('a')).toBe('Eerst')
    i18n.global.mergeLocaleMessage('nl', compile({ later: 'Er nu wel', a: 'Daarna' }))
    expect(t('later')).toBe('Er nu wel')
    expect(t('a')).toBe('Daarna')
    i18n.global.setLocaleMessage('en', compile({ a: 'English' }))
    i18n.global.locale.value = 'en'
    expect(t('a')).toBe('English')
  })

  it('keeps a reader of a text following the language', () => {
    const { i18n, t } = remembering({ nl: compile({ a: 'Hallo' }), en: compile({ a: 'Hello' }) })
    const shown = computed(() => t('a'))
    expect(shown.value).toBe('Hallo')
    i18n.global.locale.value = 'en'
    expect(shown.value).toBe('Hello')
  })

  it('forgets everything once it holds its most', () => {
    const { t, calls } = remembering({ nl: compile({ n: 'Nummer {n}' }) })
    for (let i = 0; i < MAX_REMEMBERED; i++) t('n', { n: i })
    const made = calls()
    t('n', { n: 0 })
    expect(calls()).toBe(made)
    t('n', { n: MAX_REMEMBERED })
    t('n', { n: 0 })
    expect(calls()).toBe(made + 2)
  })
})
