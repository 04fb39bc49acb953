/**
 * Which indexed words a query word stands for, and how much each counts (docs/search.md, "How a
 * query is read"): exact, prefix while typing, the need table, stems, compounds, typos.
 */
import { collapseRepeats } from './normalise'
import { stemsOf } from './stem'
import { typoTerms } from './typos'

// How much a kind of match counts, relative to an exact word.
const EXACT = 1
const PREFIX = 0.75
const SYNONYM = 0.8
const COMPOUND = 0.6
const TYPO = 0.55
const STEM = 0.7
const MIN_PREFIX = 2
export const MIN_INFIX = 4

function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! < key) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** What the search index hands over: its sorted words and the lookups built from them. */
export interface Vocabulary {
  readonly terms: readonly string[]
  readonly termIds: ReadonlyMap<string, number>
  /** Suffixes starting inside a word, sorted, and the word each belongs to (compounds). */
  readonly suffixes: readonly string[]
  readonly suffixTerm: Int32Array
  readonly deletions: ReadonlyMap<string, number[]>
  readonly synonyms: ReadonlyMap<string, string[]>
}

export function alternativesOf(word: string, v: Vocabulary): Map<number, number> {
  const out = new Map<number, number>()
  const put = (term: number | undefined, weight: number) => {
    if (term === undefined) return
    if ((out.get(term) ?? 0) < weight) out.set(term, weight)
  }
  const exactAndPrefix = (w: string, exact: number, prefix: number) => {
    put(v.termIds.get(w), exact)
    if (w.length >= MIN_PREFIX) {
      for (let i = lowerBound(v.terms, w); i < v.terms.length && v.terms[i]!.startsWith(w); i++) put(i, prefix)
    }
  }
  const synonymsOf = (w: string) => {
    for (const syn of v.synonyms.get(w) ?? []) exactAndPrefix(syn, SYNONYM, SYNONYM * PREFIX)
  }
  synonymsOf(word)
  if (word.includes(' ')) return out // a phrase: its synonyms only
  const collapsed = collapseRepeats(word)
  exactAndPrefix(word, EXACT, PREFIX)
  if (collapsed !== word) exactAndPrefix(collapsed, EXACT, PREFIX)
  // Inflections: the stem as a prefix ("wandelingen" → wandel…), and the stem's synonyms.
  const stems = stemsOf(collapsed)
  for (const stem of stems) {
    exactAndPrefix(stem, STEM, STEM)
    if (!v.synonyms.has(word)) synonymsOf(stem)
  }

  if (word.length >= MIN_INFIX) {
    // The word inside a compound: "hulp" in "schuldhulp".
    // Only where the word ends the compound or starts a known word inside it, so that
    // "taal" finds "taalcafe" and "hulp" finds "schuldhulp", but "taal" skips "betaalt".
    for (let i = lowerBound(v.suffixes, word); i < v.suffixes.length && v.suffixes[i]!.startsWith(word); i++) {
      const suffix = v.suffixes[i]!
      if (suffix === word || v.termIds.has(suffix)) put(v.suffixTerm[i], COMPOUND)
    }
    // A compound query: the longest known head ("schuldhulp" in "schuldhulpverlening") and its tail.
    for (let k = word.length - 3; k >= MIN_INFIX; k--) {
      const head = v.termIds.get(word.slice(0, k))
      if (head !== undefined) {
        put(head, COMPOUND)
        const tail = v.termIds.get(word.slice(k))
        if (word.length - k >= MIN_INFIX) put(tail, COMPOUND * 0.8)
        break
      }
    }
  }

  if (collapsed.length >= 4) typoTerms(collapsed, v.terms, v.termIds, v.deletions, (t) => put(t, TYPO), (t) => put(t, TYPO * 0.8))
  return out
}
