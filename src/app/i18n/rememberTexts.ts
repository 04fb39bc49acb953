/**
 * Faster texts from vue-i18n's `t`, same words (docs/performance.md, "Texts made once").
 *
 * vue-i18n makes a text on every call: it parses the key's path, resolves the message in the language and
 * its fallback, compiles the message's syntax tree into a function the first time, and builds a context to
 * run it in. On the start page that was a fifth of Vue's rendering time, most of it in the mount, where
 * nearly every text is used for the first time. Two shortcuts, each falling back to vue-i18n's own `t`:
 *
 * - a text without values whose message is plain text (build-time compiled messages mark those with their
 *   words, `s`) is read straight from the messages: nothing to compile or run;
 * - every other text with simple values is kept the first time it is made, per language, key and values.
 *
 * Both forget what they kept whenever messages are set or merged (a language or a page's texts arriving).
 */
import { toRaw } from 'vue'

/** The part of vue-i18n's composer this touches: its `t`, the values `t` reads, and what changes messages. */
interface ComposerLike {
  t: (...args: never[]) => string
  locale: { value: string }
  fallbackLocale: { value: unknown }
  messages: { value: unknown }
  setLocaleMessage: (...args: never[]) => void
  mergeLocaleMessage: (...args: never[]) => void
}

/** Kept texts at most; past it they are all forgotten at once (the cache stays small, the lookups cheap). */
export const MAX_REMEMBERED = 5_000

type Primitive = string | number | boolean
const isPrimitive = (v: unknown): v is Primitive => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

/** The cache's key for these arguments, or undefined where the text may depend on more than they show (options, objects). */
function keyOf(languages: string, args: readonly unknown[]): string | undefined {
  const [key, values] = args
  if (typeof key !== 'string') return undefined
  if (args.length === 1) return `${languages}\u0000${key}`
  if (args.length !== 2) return undefined
  // t(key, n): the plural form of n. t(key, { named }): the named values, primitives only.
  if (typeof values === 'number') return `${languages}\u0000${key}\u0000#${values}`
  if (!isRecord(values) || Array.isArray(values) || Object.getPrototypeOf(values) !== Object.prototype) return undefined
  const entries = Object.entries(values)
  if (!entries.every(([, v]) => isPrimitive(v))) return undefined
  return `${languages}\u0000${key}\u0000${JSON.stringify(entries)}`
}

const MISSING = Symbol('missing')

/** What the messages hold at this path, or MISSING. */
function at(messages: unknown, path: readonly string[]): unknown {
  let node = messages
  for (const part of path) {
    if (!isRecord(node) || !Object.hasOwn(node, part)) return MISSING
    node = node[part]
  }
  return node
}

/**
 * The words of a plain-text message, as the build compiled it (@intlify/message-compiler: a resource node,
 * type 0, whose body is a message node, type 2, with its static words in `s`); undefined for anything else.
 */
function plainWords(node: unknown): string | undefined {
  if (!isRecord(node) || node.t !== 0 || !isRecord(node.b)) return undefined
  const body = node.b
  return body.t === 2 && typeof body.s === 'string' ? body.s : undefined
}

export function rememberTexts<C extends ComposerLike>(composer: C): C {
  const translate = composer.t as (...args: unknown[]) => string
  const cache = new Map<string, string>()
  composer.t = ((...args: unknown[]) => {
    // The reactive values vue-i18n's own `t` reads, read here too: a component still renders again when they change.
    const locale = composer.locale.value
    const fallback = composer.fallbackLocale.value
    const messages = composer.messages.value
    const id = keyOf(typeof fallback === 'string' ? `${locale}>${fallback}` : `${locale}>${JSON.stringify(fallback)}`, args)
    if (id === undefined) return translate(...args)
    let text = cache.get(id)
    if (text !== undefined) return text
    if (args.length === 1 && typeof fallback === 'string' && isRecord(messages)) {
      // The language's message, else the fallback's (as vue-i18n looks): plain text is taken as it is.
      const all = toRaw(messages)
      const path = (args[0] as string).split('.')
      const own = at(all[locale], path)
      text = plainWords(own === MISSING ? at(all[fallback], path) : own)
    }
    text ??= translate(...args)
    if (cache.size >= MAX_REMEMBERED) cache.clear()
    cache.set(id, text)
    return text
  }) as C['t']
  for (const name of ['setLocaleMessage', 'mergeLocaleMessage'] as const) {
    const change = composer[name] as (...args: unknown[]) => void
    composer[name] = ((...args: unknown[]) => {
      cache.clear()
      change(...args)
    }) as C[typeof name]
  }
  return composer
}
