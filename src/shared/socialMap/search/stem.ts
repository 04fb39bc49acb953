/**
 * A light Dutch stemmer for queries, in the spirit of Snowball's Dutch stemmer but smaller:
 * it strips one inflection ending (plural -en/-s, -e, -ingen/-ing, -eren, -heden) and
 * returns the stems a query word may share with the listings' words, each to be used as a
 * prefix: "wandelingen" → "wandel" (finds wandelen, wandelgroep), "brieven" → "brief",
 * "sporten" → "sport", "budgetteren" → "budget", "betalen" → "betal", "betaal".
 * Query-side only: the index keeps whole words, so building it costs nothing more.
 */
const VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'y'])
const SUFFIXES = ['heden', 'ingen', 'eren', 'ing', 'en', 'es', 'e', 's'] as const
const MIN_STEM = 4

const isVowel = (c: string | undefined) => c !== undefined && VOWELS.has(c)

export function stemsOf(word: string): string[] {
  const suffix = SUFFIXES.find((s) => word.endsWith(s) && word.length - s.length >= MIN_STEM - 1)
  if (!suffix) {
    // A singular finds its plural: brief → brieven, huis → huizen.
    const last = word.at(-1)
    if (word.length >= MIN_STEM && (last === 'f' || last === 's') && isVowel(word.at(-2))) return [word.slice(0, -1) + (last === 'f' ? 'v' : 'z')]
    return []
  }
  let stem = word.slice(0, -suffix.length)
  if (suffix === 'heden') stem += 'heid'
  // An ending after a vowel is no inflection ("koffie", "idee").
  if ((suffix === 'e' || suffix === 's') && isVowel(stem.at(-1)) && !isVowel(stem.at(-2))) return []
  // Doubled consonant at the end: budgett → budget, zorgg…
  if (stem.length > MIN_STEM && stem.at(-1) === stem.at(-2) && !isVowel(stem.at(-1))) stem = stem.slice(0, -1)
  const out = new Set<string>()
  const add = (s: string) => {
    if (s.length >= MIN_STEM && s !== word) out.add(s)
  }
  add(stem)
  // brieven → brief, lezen → lees
  const last = stem.at(-1)
  const devoiced = last === 'v' ? stem.slice(0, -1) + 'f' : last === 'z' ? stem.slice(0, -1) + 's' : stem
  add(devoiced)
  // A long vowel written single in an open syllable is doubled when the ending goes: betalen → betaal,
  // lezen → lees. Not for an unstressed e in a longer word (wandel, ouder, budget).
  const v = devoiced.at(-2)
  const opens = suffix === 'en' || suffix === 'e'
  if (opens && v && 'aeou'.includes(v) && !(v === 'e' && devoiced.length > 4) && !isVowel(devoiced.at(-1)) && !isVowel(devoiced.at(-3))) {
    add(devoiced.slice(0, -1) + v + devoiced.slice(-1))
  }
  return [...out]
}
