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
  // Each part of the person's name or e-mail address ("piet", "janssen") counts on its own.
  const parts = personal.flatMap((p) => p.toLowerCase().split('@')[0]!.split(/[^a-z]+/))
  if (parts.some((part) => part.length >= 4 && letters.includes(part))) return 'contains-name'
  return null
}
