/**
 * Dutch text normalisation for search: lower case, diacritics folded (café → cafe,
 * coördinator → coordinator), punctuation to spaces. Pure and allocation-light,
 * because it runs on every keystroke and on every indexed field.
 */
const COMBINING = /[\u0300-\u036f]/g
const NON_WORD = /[^a-z0-9]+/g

export function foldText(text: string): string {
  return text.normalize('NFKD').replace(COMBINING, '').toLowerCase()
}

/** Splits text into folded words. Hyphenated words also yield their joined form (sint-oedenrode → sintoedenrode). */
export function tokenize(text: string): string[] {
  const folded = foldText(text)
  const words = folded.split(NON_WORD).filter(Boolean)
  if (folded.includes('-')) {
    for (const m of folded.matchAll(/[a-z0-9]+(?:-[a-z0-9]+)+/g)) words.push(m[0].replace(/-/g, ''))
  }
  return words
}

/** Collapses runs of one letter repeated three or more times ("cooordinator" → "coordinator"). */
export function collapseRepeats(word: string): string {
  return word.replace(/(.)\1{2,}/g, '$1$1')
}

/**
 * boundedDistance(a, b, 1) <= 1 without its table: equal, or one letter replaced, added, dropped, or two
 * neighbours swapped. Linear and allocation-free: the typo check runs for every near word of every query word.
 */
export function withinOneEdit(a: string, b: string): boolean {
  const la = a.length
  const lb = b.length
  if (la - lb > 1 || lb - la > 1) return false
  const shorter = Math.min(la, lb)
  let i = 0
  while (i < shorter && a.charCodeAt(i) === b.charCodeAt(i)) i++
  let j = 0
  while (j < shorter - i && a.charCodeAt(la - 1 - j) === b.charCodeAt(lb - 1 - j)) j++
  // What is left between the common start and end: at most one letter on either side, or a swapped pair.
  const restA = la - i - j
  const restB = lb - i - j
  if (restA <= 1 && restB <= 1) return true
  return restA === 2 && restB === 2 && a.charCodeAt(i) === b.charCodeAt(i + 1) && a.charCodeAt(i + 1) === b.charCodeAt(i)
}

/**
 * Edit distance (Damerau: a swap of two neighbours counts as one) with an early exit:
 * returns max + 1 as soon as the distance must exceed `max`.
 */
export function boundedDistance(a: string, b: string, max: number): number {
  const la = a.length
  const lb = b.length
  if (Math.abs(la - lb) > max) return max + 1
  let prevPrev = new Array<number>(lb + 1).fill(0)
  let prev = Array.from({ length: lb + 1 }, (_, j) => j)
  let cur = new Array<number>(lb + 1).fill(0)
  for (let i = 1; i <= la; i++) {
    cur[0] = i
    let rowMin = cur[0]
    for (let j = 1; j <= lb; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prevPrev[j - 2]! + 1)
      cur[j] = v
      if (v < rowMin) rowMin = v
    }
    if (rowMin > max) return max + 1
    ;[prevPrev, prev, cur] = [prev, cur, prevPrev]
  }
  return prev[lb]!
}
