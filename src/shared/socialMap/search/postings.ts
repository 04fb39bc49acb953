/**
 * The search index's posting lists and the two paths that read them without a caller's filter
 * (docs/search.md, "Speed"): one word, and several words.
 *
 * A term's postings are ordered by weight (best first), then by position, in weight blocks, so a
 * search can score the best blocks first and stop scoring once the top cannot change. A term, and a
 * weight block, found in more than one listing in 32 also keeps a bit set of its listings (smaller than
 * its posting list): counting a common word's matches is an OR over machine words rather than a walk
 * over its postings, and a few candidates are looked up in a large block rather than the block read.
 */
import { BlockQueue } from './blockQueue'
import { countAndClear, offerTop } from './ranking'

export interface Postings {
  readonly size: number
  readonly docs: readonly Int32Array[]
  readonly weights: readonly Float32Array[]
  /** Per term, where each weight block starts, then the list's length. */
  readonly blocks: readonly Int32Array[]
  /** Per term, its listings as a bit set, for terms in more than one listing in 32. */
  readonly dense: readonly (Int32Array | undefined)[]
  /** Where a term's blocks start in `blockBits`. */
  readonly blockBase: Int32Array
  /** Per block, its listings as a bit set, for blocks of more than one listing in 32 (manyWords looks candidates up in them). */
  readonly blockBits: readonly (Int32Array | undefined)[]
}

/** Reused per search: scores, coverage and lists of touched listings, bit sets (no allocation per search). */
export interface Scratch {
  readonly termScore: Float32Array
  readonly sum: Float32Array
  readonly coverage: Uint8Array
  readonly touched: Int32Array
  readonly termTouched: Int32Array
  /** Bit sets of `size` bits: [0] the union, [1] candidates, [2…] one per word. */
  readonly bits: Int32Array[]
  /** How many words each listing matches, as three bit planes, and those matching the most (manyWords). */
  readonly planes: Int32Array[]
  readonly queue: BlockQueue
  /** The candidates of manyWords as a list. */
  readonly list: Int32Array
}

/** A query word's alternatives: indexed term and how much a match through it counts. */
export type Alternatives = readonly (readonly [term: number, weight: number])[]
export interface TopAndTotal {
  top: number[]
  total: number
}
/** The most words the several-words path counts (three bit planes); longer queries take the general path. */
export const MAX_FAST_WORDS = 7

export const bitWords = (size: number) => (size >>> 5) + 1
export const hasBit = (bits: Int32Array, d: number) => ((bits[d >>> 5]! >>> (d & 31)) & 1) === 1

export function buildPostings(size: number, docsOf: readonly number[][], weightsOf: readonly number[][]): Postings {
  const docs: Int32Array[] = []
  const weights: Float32Array[] = []
  const blocks: Int32Array[] = []
  const dense: (Int32Array | undefined)[] = []
  const blockBase = new Int32Array(docsOf.length + 1)
  const blockBits: (Int32Array | undefined)[] = []
  const bitsOf = (list: Int32Array, start: number, end: number) => {
    const bits = new Int32Array(bitWords(size))
    for (let i = start; i < end; i++) bits[list[i]! >>> 5]! |= 1 << (list[i]! & 31)
    return bits
  }
  const isDense = (n: number) => n * 32 > size
  for (let t = 0; t < docsOf.length; t++) {
    const ds = docsOf[t]!
    const ws = weightsOf[t]!
    // A stable partition by weight, best first: a term has few distinct weights (its fields').
    const distinct = [...new Set(ws)].sort((a, b) => b - a)
    const d = new Int32Array(ds.length)
    const w = new Float32Array(ds.length)
    const b = new Int32Array(distinct.length + 1)
    let n = 0
    distinct.forEach((weight, k) => {
      b[k] = n
      for (let i = 0; i < ds.length; i++) {
        if (ws[i] === weight) {
          d[n] = ds[i]!
          w[n++] = weight
        }
      }
    })
    b[distinct.length] = n
    docs.push(d)
    weights.push(w)
    blocks.push(b)
    blockBase[t] = blockBits.length
    for (let k = 0; k < distinct.length; k++) blockBits.push(isDense(b[k + 1]! - b[k]!) ? bitsOf(d, b[k]!, b[k + 1]!) : undefined)
    // A term of one block shares that block's bit set.
    dense.push(isDense(n) ? (distinct.length === 1 ? blockBits[blockBase[t]!] : bitsOf(d, 0, n)) : undefined)
  }
  blockBase[docsOf.length] = blockBits.length
  return { size, docs, weights, blocks, dense, blockBase, blockBits }
}

export function makeScratch(size: number): Scratch {
  return {
    termScore: new Float32Array(size),
    sum: new Float32Array(size),
    coverage: new Uint8Array(size),
    touched: new Int32Array(size),
    termTouched: new Int32Array(size),
    bits: Array.from({ length: 2 + MAX_FAST_WORDS }, () => new Int32Array(bitWords(size))),
    planes: Array.from({ length: 4 }, () => new Int32Array(bitWords(size))),
    queue: new BlockQueue(),
    list: new Int32Array(size),
  }
}

/** Marks a block's listings in `bits`: a common term whole, by its own bit set (marking it again changes nothing). */
function countBlock(p: Postings, q: BlockQueue, b: number, bits: Int32Array, place: Int32Array | undefined): void {
  const term = q.term[b]!
  if (p.dense[term] === undefined) markRange(p, term, q.start[b]!, q.end[b]!, bits, place)
  else markTerm(p, term, bits, place)
}

/** Marks listings `start`…`end` of a term's postings (inside `place` when given) in `bits`. */
function markRange(p: Postings, term: number, start: number, end: number, bits: Int32Array, place: Int32Array | undefined): void {
  const docs = p.docs[term]!
  for (let i = start; i < end; i++) {
    const d = docs[i]!
    if (place === undefined || hasBit(place, d)) bits[d >>> 5]! |= 1 << (d & 31)
  }
}

/** Marks all of a term's listings (inside `place` when given) in `bits`: a common term by its own bit set. */
function markTerm(p: Postings, term: number, bits: Int32Array, place: Int32Array | undefined): void {
  const dense = p.dense[term]
  if (dense === undefined) markRange(p, term, 0, p.docs[term]!.length, bits, place)
  else if (place === undefined) for (let w = 0; w < bits.length; w++) bits[w]! |= dense[w]!
  else for (let w = 0; w < bits.length; w++) bits[w]! |= dense[w]! & place[w]!
}

/**
 * One word. A listing's score is its best match, so weight blocks are scored best-first, and once
 * `limit` listings score above anything the remaining blocks can give, those only count (marked in a
 * bit set; a common term by its own bit set). The top is the same as scoring them all (a unit test compares).
 */
export function oneWord(p: Postings, s: Scratch, alternatives: Alternatives, limit: number, place: Int32Array | undefined): TopAndTotal {
  const q = s.queue
  q.load(p, alternatives)
  const { termScore, termTouched: touched } = s
  const bits = s.bits[0]!
  let touchedCount = 0
  let previous = Infinity
  for (let b = q.take(); b !== -1; b = q.take()) {
    const term = q.term[b]!
    const weight = q.weight[b]!
    const best = q.best[b]!
    // Stop scoring when `limit` listings already score more than this block (and every later one) can give.
    if (touchedCount >= limit && best < previous) {
      let above = 0
      for (let j = 0; j < touchedCount && above < limit; j++) if (termScore[touched[j]!]! > best) above++
      if (above >= limit) {
        countBlock(p, q, b, bits, place)
        break
      }
    }
    previous = best
    const docs = p.docs[term]!
    const ws = p.weights[term]!
    for (let i = q.start[b]!, end = q.end[b]!; i < end; i++) {
      const d = docs[i]!
      if (place !== undefined && !hasBit(place, d)) continue
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
  for (const b of q.rest()) countBlock(p, q, b, bits, place)
  const total = countAndClear(bits)
  const top: number[] = []
  const topScore: number[] = []
  for (let j = 0; j < touchedCount; j++) {
    const d = touched[j]!
    offerTop(top, topScore, limit, d, termScore[d]!)
    termScore[d] = 0
  }
  return { top, total }
}

/**
 * Several words (at most MAX_FAST_WORDS), ranked as the general path ranks them: the listings that match the
 * most words first, then those missing one; within that, the sum of the words' best matches. First each
 * word's listings are marked (bit sets), and the number of words each listing matches is added up a
 * machine word at a time in three bit planes; that gives the total and which listings can reach the top
 * (those matching the most words, when there are `limit` of them); only those are scored.
 */
export function manyWords(p: Postings, s: Scratch, words: readonly Alternatives[], limit: number, place: Int32Array | undefined): TopAndTotal {
  const k = words.length
  const wordBits = s.bits.slice(2)
  words.forEach((alternatives, i) => {
    for (const [term] of alternatives) markTerm(p, term, wordBits[i]!, place)
  })
  // How many words each listing matches, a machine word at a time, in three bit planes (x0 + 2·x1 + 4·x2).
  const [x0, x1, x2, mostBits] = s.planes as [Int32Array, Int32Array, Int32Array, Int32Array]
  x0.set(wordBits[0]!)
  x1.fill(0)
  x2.fill(0)
  for (let i = 1; i < k; i++) addPlane(wordBits[i]!, x0, x1, x2)
  let best = k
  while (best > 0 && !anyExactly(best, x0, x1, x2)) best--
  if (best === 0) {
    for (let i = 0; i < k; i++) wordBits[i]!.fill(0)
    return { top: [], total: 0 }
  }
  const least = Math.max(1, best - 1)
  // The total: listings matching at least `least` words. Which listings can reach the top: those matching
  // the most words when there are `limit` of them, else all counted.
  const [total, atBest] = markLevels(least, best, x0, x1, x2, s.bits[1]!, mostBits)
  // (Both are written whole here, so neither needs clearing after.)
  const candidates = least < best && atBest >= limit ? mostBits : s.bits[1]!
  // Once a word has seen all its candidates, its remaining blocks can give them nothing better (blocks go
  // best first), so they are not read.
  const needed: number[] = []
  for (let i = 0; i < k; i++) needed.push(countBothAndClear(wordBits[i]!, candidates))
  const listed = listBits(candidates, s.list)

  // Score the candidates: per word its best match, summed over the words.
  const { termScore, sum, coverage, touched, termTouched, list } = s
  let touchedCount = 0
  for (let w = 0; w < k; w++) {
    let seen = 0
    const q = s.queue
    q.load(p, words[w]!)
    for (let b = q.take(); b !== -1 && seen < needed[w]!; b = q.take()) {
      const term = q.term[b]!
      const bits = p.blockBits[p.blockBase[term]! + q.block[b]!]
      // A large block is looked up candidate by candidate when they are fewer than its postings.
      if (bits !== undefined && listed < q.end[b]! - q.start[b]!) seen = scoreListed(list, listed, bits, q.best[b]!, termScore, termTouched, seen)
      else seen = scoreMarked(p.docs[term]!, p.weights[term]!, q.start[b]!, q.end[b]!, q.weight[b]!, candidates, termScore, termTouched, seen)
    }
    touchedCount = addWordScores(termTouched, seen, s, touchedCount)
  }
  const top: number[] = []
  const ranks: number[] = []
  let floor = -Infinity // below the last of a full top: turned away without a call
  for (let j = 0; j < touchedCount; j++) {
    const d = touched[j]!
    const rank = coverage[d]! * 1000 + sum[d]!
    coverage[d] = 0
    sum[d] = 0
    if (rank < floor) continue
    offerTop(top, ranks, limit, d, rank)
    if (top.length === limit) floor = ranks[limit - 1]!
  }
  return { top, total }
}

/** Scores the listed candidates found in a block's bit set and not seen yet for this word (all score `best`). */
function scoreListed(list: Int32Array, n: number, bits: Int32Array, best: number, score: Float32Array, touched: Int32Array, count: number): number {
  for (let j = 0; j < n; j++) {
    const d = list[j]!
    if (score[d] === 0 && ((bits[d >>> 5]! >>> (d & 31)) & 1) === 1) {
      score[d] = best
      touched[count++] = d
    }
  }
  return count
}

/** Writes the marked listings to `out`, in order; returns how many. */
function listBits(bits: Int32Array, out: Int32Array): number {
  let n = 0
  for (let w = 0; w < bits.length; w++) {
    let x = bits[w]!
    while (x !== 0) {
      const low = x & -x
      out[n++] = (w << 5) + 31 - Math.clz32(low)
      x ^= low
    }
  }
  return n
}

/**
 * After a word is scored: each listing it touched counts one word more and adds the word's score to its sum
 * (the word's scores are cleared for the next word); returns the new count of listings touched by any word.
 */
export function addWordScores(termTouched: Int32Array, n: number, s: Pick<Scratch, 'termScore' | 'coverage' | 'sum' | 'touched'>, touchedCount: number): number {
  const { termScore, coverage, sum, touched } = s
  for (let i = 0; i < n; i++) {
    const d = termTouched[i]!
    if (coverage[d] === 0) touched[touchedCount++] = d
    coverage[d]! += 1
    sum[d]! += termScore[d]!
    termScore[d] = 0
  }
  return touchedCount
}

/**
 * Scores postings `start`…`end` of listings marked in `marked` (all when undefined), the best match kept in
 * `score`; returns the new touched count.
 */
export function scoreMarked(docs: Int32Array, ws: Float32Array, start: number, end: number, weight: number, marked: Int32Array | undefined, score: Float32Array, touched: Int32Array, count: number): number {
  for (let i = start; i < end; i++) {
    const d = docs[i]!
    if (marked !== undefined && ((marked[d >>> 5]! >>> (d & 31)) & 1) === 0) continue
    const v = ws[i]! * weight
    const old = score[d]!
    if (v > old) {
      if (old === 0) touched[count++] = d
      score[d] = v
    }
  }
  return count
}

/** Adds one word's bit set to the planes (at most 7 words). */
function addPlane(b: Int32Array, x0: Int32Array, x1: Int32Array, x2: Int32Array): void {
  for (let w = 0; w < b.length; w++) {
    const v = b[w]!
    if (v === 0) continue
    const c0 = x0[w]! & v
    x0[w]! ^= v
    x2[w]! |= x1[w]! & c0
    x1[w]! ^= c0
  }
}

/** Whether some listing matches exactly `c` words. */
function anyExactly(c: number, x0: Int32Array, x1: Int32Array, x2: Int32Array): boolean {
  const m0 = c & 1 ? 0 : -1
  const m1 = c & 2 ? 0 : -1
  const m2 = c & 4 ? 0 : -1
  for (let w = 0; w < x0.length; w++) if (((x0[w]! ^ m0) & (x1[w]! ^ m1) & (x2[w]! ^ m2)) !== 0) return true
  return false
}

/**
 * Marks the listings matching `least`…`best` words (best − least ≤ 1) in `all`, those matching `best` in `most`;
 * returns how many are in each.
 */
function markLevels(least: number, best: number, x0: Int32Array, x1: Int32Array, x2: Int32Array, all: Int32Array, most: Int32Array): [number, number] {
  const b0 = best & 1 ? 0 : -1
  const b1 = best & 2 ? 0 : -1
  const b2 = best & 4 ? 0 : -1
  const l0 = least & 1 ? 0 : -1
  const l1 = least & 2 ? 0 : -1
  const l2 = least & 4 ? 0 : -1
  const two = least < best
  let n = 0
  let m = 0
  for (let w = 0; w < x0.length; w++) {
    const a0 = x0[w]!
    const a1 = x1[w]!
    const a2 = x2[w]!
    const atBest = (a0 ^ b0) & (a1 ^ b1) & (a2 ^ b2)
    const e = two ? atBest | ((a0 ^ l0) & (a1 ^ l1) & (a2 ^ l2)) : atBest
    most[w] = atBest
    all[w] = e
    if (e === 0) continue
    n += popcount(e)
    if (two && atBest !== 0) m += popcount(atBest)
  }
  return [n, two ? m : n]
}

/** How many listings are marked in both bit sets; clears `a`. */
function countBothAndClear(a: Int32Array, b: Int32Array): number {
  let n = 0
  for (let w = 0; w < a.length; w++) {
    const e = a[w]! & b[w]!
    a[w] = 0
    if (e !== 0) n += popcount(e)
  }
  return n
}

function popcount(x: number): number {
  x = (x - ((x >>> 1) & 0x55555555)) | 0
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
  x = (x + (x >>> 4)) & 0x0f0f0f0f
  return Math.imul(x, 0x01010101) >>> 24
}
