/** Small pieces of the search's ranking, shared by its one-word and general paths (searchIndex.ts). */

/**
 * Offers listing `d` with rank `r` to the best `limit` so far (`top`, `ranks`: best first; ties by
 * position, the lower first), kept sorted by insertion: most offers are turned away by one comparison.
 */
export function offerTop(top: number[], ranks: number[], limit: number, d: number, r: number): void {
  let i = top.length
  if (i === limit) {
    const last = ranks[i - 1]!
    if (r < last || (r === last && d > top[i - 1]!)) return
    i--
  } else {
    top.push(d)
    ranks.push(r)
  }
  while (i > 0 && (ranks[i - 1]! < r || (ranks[i - 1] === r && top[i - 1]! > d))) {
    top[i] = top[i - 1]!
    ranks[i] = ranks[i - 1]!
    i--
  }
  top[i] = d
  ranks[i] = r
}

/** How many bits are set in `bits`, which it leaves all zero for the next search. */
export function countAndClear(bits: Int32Array): number {
  let total = 0
  for (let w = 0; w < bits.length; w++) {
    let x = bits[w]!
    if (x === 0) continue
    bits[w] = 0
    x -= (x >>> 1) & 0x55555555
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
    total += (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
  }
  return total
}
