/** The password rule, shared so the app can say what is wrong before sending. */
import { COMMON_PASSWORDS, COMMON_WORDS } from './commonPasswords'

export const MIN_PASSWORD_LENGTH = 12
export const MAX_PASSWORD_LENGTH = 256

export type PasswordProblem = 'too-short' | 'too-long' | 'too-common' | 'contains-name'

const common = new Set<string>(COMMON_PASSWORDS)
const words = new Set<string>(COMMON_WORDS)

export function passwordProblem(password: string, personal: readonly string[] = []): PasswordProblem | null {
  if (password.length < MIN_PASSWORD_LENGTH) return 'too-short'
  if (password.length > MAX_PASSWORD_LENGTH) return 'too-long'
  const lower = password.toLowerCase()
  if (common.has(lower)) return 'too-common'
  const letters = lower.replace(/[^a-z]/g, '')
  if (letters.length === 0 || words.has(letters) || /^(.)\1+$/.test(lower) || new Set(lower).size <= 3) return 'too-common'
  if (containsName(password, personal)) return 'contains-name'
  return null
}

/** Lower case without accents, so "Müller" and "muller" are the same name. */
const plain = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()

/**
 * Whole words only: "dijk" inside "Maasdijk" is another word, not the name van Dijk. A word of
 * the password (split on anything but letters and where a capital starts a word), or all its
 * letters run together, is the name when it is made only of name parts with at least one of
 * 4+ letters: "janssen", "PietJanssen", "vandijk".
 */
function containsName(password: string, personal: readonly string[]): boolean {
  const parts = new Set(personal.flatMap((p) => plain(p).split('@')[0]!.split(/\P{L}+/u)).filter(Boolean))
  if (![...parts].some((p) => p.length >= 4)) return false
  const split = password.replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
  const candidates = [...plain(split).split(/\P{L}+/u), plain(password).replace(/\P{L}/gu, '')]
  return candidates.some((word) => word.length >= 4 && isMadeOfParts(word, parts))
}

/** Word break: can `word` be cut into name parts, at least one of them 4+ letters long? */
function isMadeOfParts(word: string, parts: ReadonlySet<string>): boolean {
  // reach[i]: 0 = the first i letters cannot be cut into parts, 1 = only into short parts, 2 = with a long one.
  const reach = new Uint8Array(word.length + 1)
  reach[0] = 1
  for (let end = 1; end <= word.length; end++) {
    for (let start = 0; start < end; start++) {
      if (!reach[start]) continue
      const piece = word.slice(start, end)
      if (!parts.has(piece)) continue
      reach[end] = Math.max(reach[end]!, piece.length >= 4 ? 2 : reach[start]!)
    }
  }
  return reach[word.length] === 2
}
