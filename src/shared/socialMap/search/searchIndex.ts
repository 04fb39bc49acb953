/**
 * The social map's search index: an inverted index over folded Dutch words with
 * prefix matching (a sorted term list), compounds (a sorted suffix list: "hulp" finds
 * "schuldhulp"; and query splitting: "schuldhulpverlening" finds "schuldhulp"),
 * typo tolerance (single-deletion neighbourhoods: "eenzamheid" finds "eenzaamheid"),
 * Dutch stop words and stems ("ik zoek wandelingen" finds "wandelgroep"), a need table of
 * synonyms and phrases, field weights and place words ("repair cafe heesch").
 * Pure TypeScript, no DOM: it runs in a Web Worker in the app and in Node for benchmarks.
 */
import { alternativesOf, MIN_INFIX, type Vocabulary } from './alternatives'
import { foldText, tokenize } from './normalise'
import { contentWords, STOP_WORDS } from './stopWords'
import { countAndClear, offerTop } from './ranking'

export interface SearchField {
  text: string
  weight: number
}
export interface SearchDocument {
  id: string
  fields: SearchField[]
  /** Village and municipality names of the service. */
  places: string[]
}
export interface SearchOptions {
  limit?: number
  /** Document positions (as given to build) allowed in the result; undefined means all. */
  allow?: (position: number) => boolean
}
export interface SearchResult {
  /** Positions of the matching documents, best first, at most `limit`. */
  positions: number[]
  ids: string[]
  total: number
  /** Place words found in the query and applied as a filter. */
  places: string[]
  /** True when nothing matched inside the named places and the whole region was searched instead. */
  placeIgnored: boolean
}

function normalisePlace(name: string): string {
  return foldText(name).replace(/[^a-z0-9]/g, '')
}

export class SearchIndex {
  readonly size: number
  private readonly ids: string[]
  private readonly terms: string[]
  private readonly termIds: Map<string, number>
  private readonly postingDocs: Int32Array[]
  private readonly postingWeights: Float32Array[]
  private readonly suffixes: string[]
  private readonly suffixTerm: Int32Array
  private readonly deletions: Map<string, number[]>
  private readonly placeDocs: Map<string, Int32Array>
  private readonly synonyms: Map<string, string[]>
  private readonly vocabulary: Vocabulary
  private readonly termScore: Float32Array
  private readonly total: Float32Array
  private readonly coverage: Uint8Array
  private readonly touchedBuf: Int32Array
  private readonly termTouchedBuf: Int32Array
  /** Per term, its highest field weight: what any listing can score through it (oneWord's early stop). */
  private readonly maxWeight: Float32Array
  /** One bit per listing: the union of a one-word search's matches, for its total (oneWord). */
  private readonly unionBits: Int32Array

  private constructor(
    ids: string[],
    terms: string[],
    postingDocs: Int32Array[],
    postingWeights: Float32Array[],
    placeDocs: Map<string, Int32Array>,
    synonyms: Map<string, string[]>,
  ) {
    this.size = ids.length
    this.ids = ids
    this.terms = terms
    this.termIds = new Map(terms.map((t, i) => [t, i]))
    this.postingDocs = postingDocs
    this.postingWeights = postingWeights
    this.placeDocs = placeDocs
    this.synonyms = synonyms

    // Suffixes starting inside a word, for compounds: "schuldhulp" → "huldhulp"…"hulp".
    const pairs: [string, number][] = []
    terms.forEach((t, i) => {
      for (let k = 2; k <= t.length - MIN_INFIX; k++) pairs.push([t.slice(k), i])
    })
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    this.suffixes = pairs.map((p) => p[0])
    this.suffixTerm = Int32Array.from(pairs, (p) => p[1])

    // Single-deletion neighbourhoods of every word of four letters or more.
    this.deletions = new Map()
    terms.forEach((t, i) => {
      if (t.length < 4) return
      for (let k = 0; k < t.length; k++) {
        const key = t.slice(0, k) + t.slice(k + 1)
        const list = this.deletions.get(key)
        if (list) list.push(i)
        else this.deletions.set(key, [i])
      }
    })

    this.vocabulary = { terms, termIds: this.termIds, suffixes: this.suffixes, suffixTerm: this.suffixTerm, deletions: this.deletions, synonyms }
    this.termScore = new Float32Array(ids.length)
    this.total = new Float32Array(ids.length)
    this.coverage = new Uint8Array(ids.length)
    // Scratch lists of the documents a search touched, reused (no allocation per search).
    this.touchedBuf = new Int32Array(ids.length)
    this.termTouchedBuf = new Int32Array(ids.length)
    this.maxWeight = Float32Array.from(postingWeights, (ws) => ws.reduce((m, w) => Math.max(m, w), 0))
    this.unionBits = new Int32Array((ids.length >>> 5) + 1)
  }

  /**
   * @param knownPlaces every place name of the region, so a place without listings is still
   *   read as a place ("nothing in Venhorst") rather than as a word nobody uses.
   */
  static build(docs: readonly SearchDocument[], synonymList: Record<string, readonly string[]> = {}, knownPlaces: readonly string[] = []): SearchIndex {
    const termIds = new Map<string, number>()
    const terms: string[] = []
    const docsOf: number[][] = []
    const weightsOf: number[][] = []
    const placeLists = new Map<string, number[]>(knownPlaces.map((p) => [normalisePlace(p), []]))
    const local = new Map<number, number>()

    docs.forEach((doc, position) => {
      local.clear()
      const add = (word: string, weight: number) => {
        let t = termIds.get(word)
        if (t === undefined) {
          t = terms.length
          termIds.set(word, t)
          terms.push(word)
          docsOf.push([])
          weightsOf.push([])
        }
        const prev = local.get(t)
        if (prev === undefined || prev < weight) local.set(t, weight)
      }
      for (const field of doc.fields) for (const word of tokenize(field.text)) if (!STOP_WORDS.has(word)) add(word, field.weight)
      for (const place of doc.places) {
        for (const word of tokenize(place)) add(word, 0.8)
        const key = normalisePlace(place)
        const list = placeLists.get(key)
        if (!list) placeLists.set(key, [position])
        else if (list[list.length - 1] !== position) list.push(position)
      }
      for (const [t, w] of local) {
        docsOf[t]!.push(position)
        weightsOf[t]!.push(w)
      }
    })

    // Re-number terms in sorted order so prefix ranges are contiguous.
    const order = terms.map((_, i) => i).sort((a, b) => (terms[a]! < terms[b]! ? -1 : terms[a]! > terms[b]! ? 1 : 0))
    const sortedTerms = order.map((i) => terms[i]!)
    const postingDocs = order.map((i) => Int32Array.from(docsOf[i]!))
    const postingWeights = order.map((i) => Float32Array.from(weightsOf[i]!))
    const placeDocs = new Map([...placeLists].map(([k, v]) => [k, Int32Array.from(v)]))
    const synonyms = new Map(
      Object.entries(synonymList).map(([k, v]) => [tokenize(k).join(' '), v.map((w) => foldText(w))]),
    )
    return new SearchIndex(
      docs.map((d) => d.id),
      sortedTerms,
      postingDocs,
      postingWeights,
      placeDocs,
      synonyms,
    )
  }

  search(query: string, options: SearchOptions = {}): SearchResult {
    const result = this.run(query, options, true)
    if (result.total > 0 || result.places.length === 0) return result
    const wide = this.run(query, options, false)
    return wide.total > 0 ? { ...wide, places: result.places, placeIgnored: true } : result
  }

  private run(query: string, options: SearchOptions, usePlaces: boolean): SearchResult {
    const limit = options.limit ?? 50
    let words = tokenize(query)
    const places: string[] = []

    // Place words: single words or two neighbours joined ("sint oedenrode").
    const placeSets: Int32Array[] = []
    const rest: string[] = []
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!
      const pair = i + 1 < words.length ? w + words[i + 1]! : ''
      if (!usePlaces) rest.push(w)
      else if (pair && this.placeDocs.has(pair)) {
        placeSets.push(this.placeDocs.get(pair)!)
        places.push(pair)
        i++
      } else if (this.placeDocs.has(w) && words.length > 1) {
        placeSets.push(this.placeDocs.get(w)!)
        places.push(w)
      } else rest.push(w)
    }
    words = contentWords(rest, (pair) => this.synonyms.has(pair))

    let allowPlace: Uint8Array | undefined
    if (placeSets.length) {
      allowPlace = new Uint8Array(this.size)
      for (const set of placeSets) for (const p of set) allowPlace[p] = 1
    }
    const allow = options.allow
    const accept = (p: number) => (!allowPlace || allowPlace[p] === 1) && (!allow || allow(p))

    if (words.length === 0) {
      if (!placeSets.length) return { positions: [], ids: [], total: 0, places, placeIgnored: false }
      const all: number[] = []
      for (let p = 0; p < this.size; p++) if (accept(p)) all.push(p)
      return { positions: all.slice(0, limit), ids: all.slice(0, limit).map((p) => this.ids[p]!), total: all.length, places, placeIgnored: false }
    }

    if (words.length === 1 && allow === undefined) {
      const { top, total } = this.oneWord(words[0]!, limit, allowPlace)
      return { positions: top, ids: top.map((p) => this.ids[p]!), total, places, placeIgnored: false }
    }

    const { termScore, coverage, total: sum, touchedBuf, termTouchedBuf } = this // typed arrays in locals for the hot loops
    // One word (most searches while typing): its best match per listing is the listing's score, so the
    // per-word bookkeeping below (coverage, sums) is skipped and the ranking reads termScore directly.
    const single = words.length === 1
    let touchedCount = 0
    let termTouchedCount = 0
    for (const word of words) {
      termTouchedCount = 0
      for (const [term, weight] of this.alternatives(word)) {
        const docs = this.postingDocs[term]!
        const ws = this.postingWeights[term]!
        for (let i = 0, n = docs.length; i < n; i++) {
          const d = docs[i]!
          if (allowPlace !== undefined && allowPlace[d] === 0) continue // outside the named places
          const v = ws[i]! * weight
          const old = termScore[d]!
          if (v > old) {
            if (old === 0) termTouchedBuf[termTouchedCount++] = d
            termScore[d] = v
          }
        }
      }
      if (single) break
      for (let i = 0; i < termTouchedCount; i++) {
        const d = termTouchedBuf[i]!
        if (coverage[d] === 0) touchedBuf[touchedCount++] = d
        coverage[d]! += 1
        sum[d]! += termScore[d]!
        termScore[d] = 0
      }
    }
    const list = single ? termTouchedBuf : touchedBuf
    const count = single ? termTouchedCount : touchedCount
    const scores = single ? termScore : sum

    // Documents that match the most words come first; one word may miss (everyday wording
    // carries words no listing uses), so those that match all words but one follow.
    // (`allowPlace` was applied while scoring; only the caller's own filter is left to ask.)
    let best = 1
    if (!single) {
      best = 0
      for (let j = 0; j < count; j++) {
        const d = list[j]!
        if (coverage[d]! > best && (allow === undefined || allow(d))) best = coverage[d]!
      }
    }
    const least = Math.max(1, best - 1)
    // Top `limit` by rank (coverage first, then score; ties by position), kept sorted by insertion.
    const top: number[] = []
    const topRank: number[] = []
    let total = 0
    for (let j = 0; j < count; j++) {
      const d = list[j]!
      const covered = single ? 1 : coverage[d]!
      if (covered < least || (allow !== undefined && !allow(d))) continue
      total++
      offerTop(top, topRank, limit, d, covered * 1000 + scores[d]!)
    }
    for (let j = 0; j < count; j++) {
      const d = list[j]!
      coverage[d] = 0
      scores[d] = 0
    }
    return { positions: top, ids: top.map((p) => this.ids[p]!), total, places, placeIgnored: false }
  }

  /**
   * One word without a caller's filter (most searches while typing). A listing's score is its best
   * match, so the word's alternatives are scored best-first, and once `limit` listings score above
   * anything the remaining alternatives can give, those only add to the count: their listings are
   * marked in a bit set (no scoring) and the total is the number of marked listings. "cafe" at 50,000
   * listings: about 1,300 scored of 16,000 matches (the rest are compounds such as "taalcafé", which
   * rank below the word itself). The top is the same as scoring them all (a unit test compares).
   */
  private oneWord(word: string, limit: number, allowPlace: Uint8Array | undefined): { top: number[]; total: number } {
    const alternatives = [...this.alternatives(word)].map(([term, weight]) => ({ term, weight, best: this.maxWeight[term]! * weight }))
    alternatives.sort((a, b) => b.best - a.best)
    const { termScore, termTouchedBuf: touched, unionBits: bits } = this
    let touchedCount = 0
    let a = 0
    for (; a < alternatives.length; a++) {
      const { term, weight, best } = alternatives[a]!
      // Stop scoring when `limit` listings already score more than this alternative (and every later one) can give.
      if (touchedCount >= limit && (a === 0 || best < alternatives[a - 1]!.best)) {
        let above = 0
        for (let j = 0; j < touchedCount && above < limit; j++) if (termScore[touched[j]!]! > best) above++
        if (above >= limit) break
      }
      const docs = this.postingDocs[term]!
      const ws = this.postingWeights[term]!
      for (let i = 0, n = docs.length; i < n; i++) {
        const d = docs[i]!
        if (allowPlace !== undefined && allowPlace[d] === 0) continue
        bits[d >>> 5]! |= 1 << (d & 31)
        const v = ws[i]! * weight
        const old = termScore[d]!
        if (v > old) {
          if (old === 0) touched[touchedCount++] = d
          termScore[d] = v
        }
      }
    }
    // The rest only count.
    for (; a < alternatives.length; a++) {
      const docs = this.postingDocs[alternatives[a]!.term]!
      for (let i = 0, n = docs.length; i < n; i++) {
        const d = docs[i]!
        if (allowPlace === undefined || allowPlace[d] === 1) bits[d >>> 5]! |= 1 << (d & 31)
      }
    }
    const total = countAndClear(bits)
    // Top `limit` by score, ties by position, kept sorted by insertion.
    const top: number[] = []
    const topScore: number[] = []
    for (let j = 0; j < touchedCount; j++) {
      const d = touched[j]!
      offerTop(top, topScore, limit, d, termScore[d]!)
      termScore[d] = 0
    }
    return { top, total }
  }

  /** Indexed words that a query word stands for, with how much each counts (alternatives.ts). */
  private alternatives(word: string): Map<number, number> {
    return alternativesOf(word, this.vocabulary)
  }
}
