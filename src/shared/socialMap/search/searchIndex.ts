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
import { offerTop } from './ranking'
import { addWordScores, bitWords, buildPostings, hasBit, makeScratch, scoreMarked, manyWords, MAX_FAST_WORDS, oneWord, type Postings, type Scratch } from './postings'

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
  private readonly postings: Postings
  private readonly suffixes: string[]
  private readonly suffixTerm: Int32Array
  private readonly deletions: Map<string, number[]>
  private readonly placeDocs: Map<string, Int32Array>
  private readonly synonyms: Map<string, string[]>
  private readonly vocabulary: Vocabulary
  private readonly scratch: Scratch

  private constructor(
    ids: string[],
    terms: string[],
    postings: Postings,
    placeDocs: Map<string, Int32Array>,
    synonyms: Map<string, string[]>,
  ) {
    this.size = ids.length
    this.ids = ids
    this.terms = terms
    this.termIds = new Map(terms.map((t, i) => [t, i]))
    this.postings = postings
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
    this.scratch = makeScratch(ids.length)
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
    const postings = buildPostings(docs.length, order.map((i) => docsOf[i]!), order.map((i) => weightsOf[i]!))
    const placeDocs = new Map([...placeLists].map(([k, v]) => [k, Int32Array.from(v)]))
    const synonyms = new Map(
      Object.entries(synonymList).map(([k, v]) => [tokenize(k).join(' '), v.map((w) => foldText(w))]),
    )
    return new SearchIndex(
      docs.map((d) => d.id),
      sortedTerms,
      postings,
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

    let place: Int32Array | undefined
    if (placeSets.length) {
      place = new Int32Array(bitWords(this.size))
      for (const set of placeSets) for (const p of set) place[p >>> 5]! |= 1 << (p & 31)
    }
    const allow = options.allow
    const done = ({ top, total }: { top: number[]; total: number }): SearchResult => ({ positions: top, ids: top.map((p) => this.ids[p]!), total, places, placeIgnored: false })

    if (words.length === 0) {
      if (!placeSets.length) return done({ top: [], total: 0 })
      const all: number[] = []
      for (let p = 0; p < this.size; p++) if (hasBit(place!, p) && (!allow || allow(p))) all.push(p)
      return done({ top: all.slice(0, limit), total: all.length })
    }
    // Without a caller's filter (searching while typing): the paths of postings.ts.
    if (allow === undefined && words.length <= MAX_FAST_WORDS) {
      const alternatives = words.map((w) => [...this.alternatives(w)])
      return done(words.length === 1 ? oneWord(this.postings, this.scratch, alternatives[0]!, limit, place) : manyWords(this.postings, this.scratch, alternatives, limit, place))
    }
    return done(this.general(words, limit, place, allow))
  }

  /** Any number of words, with a caller's filter: every match is scored. */
  private general(words: string[], limit: number, place: Int32Array | undefined, allow: ((position: number) => boolean) | undefined): { top: number[]; total: number } {
    const { termScore, coverage, sum, touched: touchedBuf, termTouched: termTouchedBuf } = this.scratch // typed arrays in locals for the hot loops
    // One word: its best match per listing is the listing's score, so the per-word bookkeeping
    // below (coverage, sums) is skipped and the ranking reads termScore directly.
    const single = words.length === 1
    let touchedCount = 0
    let termTouchedCount = 0
    for (const word of words) {
      termTouchedCount = 0
      for (const [term, weight] of this.alternatives(word)) {
        const docs = this.postings.docs[term]!
        termTouchedCount = scoreMarked(docs, this.postings.weights[term]!, 0, docs.length, weight, place, termScore, termTouchedBuf, termTouchedCount)
      }
      if (single) break
      touchedCount = addWordScores(termTouchedBuf, termTouchedCount, this.scratch, touchedCount)
    }
    const list = single ? termTouchedBuf : touchedBuf
    const count = single ? termTouchedCount : touchedCount
    const scores = single ? termScore : sum

    // Documents that match the most words come first; one word may miss (everyday wording
    // carries words no listing uses), so those that match all words but one follow.
    // (`place` was applied while scoring; only the caller's own filter is left to ask.)
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
    return { top, total }
  }

  /** Indexed words that a query word stands for, with how much each counts (alternatives.ts). */
  private alternatives(word: string): Map<number, number> {
    return alternativesOf(word, this.vocabulary)
  }
}
