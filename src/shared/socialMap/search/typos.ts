/** Typo tolerance for the search index: the indexed words within one edit of a query word (two for long words). */
import { boundedDistance, withinOneEdit } from './normalise'

/**
 * @param deletions single-deletion neighbourhoods of the indexed words of four letters or more
 * @param one called with each term one edit away; `two` with terms two edits away, tried only
 *   for a long word that found nothing closer (a scan over words of about the same length)
 */
export function typoTerms(
  word: string,
  terms: readonly string[],
  termIds: ReadonlyMap<string, number>,
  deletions: ReadonlyMap<string, number[]>,
  one: (term: number | undefined) => void,
  two: (term: number) => void,
): void {
  let found = false
  const check = (list: number[] | undefined) => {
    for (const t of list ?? []) {
      if (withinOneEdit(word, terms[t]!)) {
        one(t)
        found = true
      }
    }
  }
  check(deletions.get(word))
  for (let k = 0; k < word.length; k++) {
    const del = word.slice(0, k) + word.slice(k + 1)
    check(deletions.get(del))
    // A shorter word only from five letters on: "wand" is no typo of "and".
    if (del.length >= 4) one(termIds.get(del))
  }
  if (!found && word.length >= 8 && !termIds.has(word)) {
    for (let t = 0; t < terms.length; t++) {
      const term = terms[t]!
      if (Math.abs(term.length - word.length) <= 2 && term.charCodeAt(0) === word.charCodeAt(0) && boundedDistance(word, term, 2) <= 2) two(t)
    }
  }
}
