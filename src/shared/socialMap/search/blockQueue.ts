/**
 * A query word's weight blocks (postings.ts), best first: a max-heap over typed arrays, reused from search to
 * search. A listing's first match in this order is its best, which lets a search stop reading early; only the
 * blocks read are ordered (a prefix such as "wa" has thousands of blocks, and most are only counted).
 */
export interface BlockSource {
  readonly blocks: readonly Int32Array[]
  readonly weights: readonly Float32Array[]
}

export class BlockQueue {
  term = new Int32Array(64)
  start = new Int32Array(64)
  end = new Int32Array(64)
  /** The block's number within its term. */
  block = new Int32Array(64)
  /** The alternative's weight. */
  weight = new Float64Array(64)
  /** What a listing scores through the block: the same for all its postings. */
  best = new Float64Array(64)
  private heap = new Int32Array(64)
  /** Blocks not yet taken: heap[0…left). */
  left = 0

  /** Loads the blocks of a word's alternatives. */
  load(p: BlockSource, alternatives: readonly (readonly [term: number, weight: number])[]): void {
    let n = 0
    for (const [term, weight] of alternatives) {
      const b = p.blocks[term]!
      const ws = p.weights[term]!
      if (n + b.length > this.term.length) this.grow(2 * (n + b.length))
      for (let k = 0; k + 1 < b.length; k++) {
        this.term[n] = term
        this.start[n] = b[k]!
        this.end[n] = b[k + 1]!
        this.block[n] = k
        this.weight[n] = weight
        this.best[n] = ws[b[k]!]! * weight
        this.heap[n] = n
        n++
      }
    }
    this.left = n
    for (let i = (n >>> 1) - 1; i >= 0; i--) this.down(i)
  }

  /** The best block not yet taken, or -1. */
  take(): number {
    if (this.left === 0) return -1
    const top = this.heap[0]!
    this.heap[0] = this.heap[--this.left]!
    this.down(0)
    return top
  }

  /** The blocks not taken (in no order), for counting. */
  rest(): Int32Array {
    return this.heap.subarray(0, this.left)
  }

  private down(i: number): void {
    const { heap, best } = this
    const n = this.left
    for (;;) {
      const l = 2 * i + 1
      if (l >= n) return
      const r = l + 1
      const c = r < n && best[heap[r]!]! > best[heap[l]!]! ? r : l
      if (best[heap[c]!]! <= best[heap[i]!]!) return
      const t = heap[i]!
      heap[i] = heap[c]!
      heap[c] = t
      i = c
    }
  }

  private grow(capacity: number): void {
    const copy = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T) => {
      const b = make(capacity)
      b.set(a)
      return b
    }
    this.term = copy(this.term, (n) => new Int32Array(n))
    this.start = copy(this.start, (n) => new Int32Array(n))
    this.end = copy(this.end, (n) => new Int32Array(n))
    this.block = copy(this.block, (n) => new Int32Array(n))
    this.weight = copy(this.weight, (n) => new Float64Array(n))
    this.best = copy(this.best, (n) => new Float64Array(n))
    this.heap = copy(this.heap, (n) => new Int32Array(n))
  }
}
