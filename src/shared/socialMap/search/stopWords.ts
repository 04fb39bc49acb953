/**
 * Dutch function words a query leaves out ("ik kan mijn brieven niet lezen" searches for
 * "brieven lezen"), and the index skips. Not in the list on purpose: words that carry a need
 * ("alleen", "thuis", "samen", "hulp", "geld", "zorg", "werk"), so "ik ben vaak alleen" still
 * finds loneliness. English function words go too (the listings carry English translations). A query of stop words only is searched as typed (while typing "bij" for "bijles").
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'de het een en of maar ik je jij u me mij mijn mn jouw uw we wij ons onze hij zij ze hem haar hun zich ' +
    'die dat dit deze er hier daar bij met voor van in op aan naar om over uit tot door als dan te toe ' +
    'is ben bent zijn was waren wordt word worden heb hebt heeft hebben had kan kun kunt kunnen wil wilt willen ' +
    'moet moeten mag zou zal ga gaat gaan doe doet ook nog al wel niet geen zo heel erg veel vaak wat wie waar hoe ' +
    'welke iets iemand graag even echt weer voel voelt mensen ' +
    // English function words, from the listings' English translations.
    'a an and the of to on for with you your are or at by from it this be our'
  ).split(' '),
)

/**
 * The words of a query to search for: two-word phrases of the need table ("uit elkaar") kept
 * together, stop words left out unless nothing else is left, each word once.
 */
export function contentWords(words: readonly string[], isPhrase: (pair: string) => boolean): string[] {
  const phrased: string[] = []
  for (let i = 0; i < words.length; i++) {
    const pair = i + 1 < words.length ? `${words[i]!} ${words[i + 1]!}` : ''
    if (pair && isPhrase(pair)) {
      phrased.push(pair)
      i++
    } else phrased.push(words[i]!)
  }
  const content = phrased.filter((w) => !STOP_WORDS.has(w))
  return [...new Set(content.length ? content : phrased)]
}
