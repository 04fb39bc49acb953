import { ApiError } from './http'

/** How long to wait, in the unit a person reads most easily. */
export interface Wait {
  unit: 'seconds' | 'minutes'
  count: number
}

/** A server failure as an i18n key the UI shows (Dutch first), with the wait it asks for. */
export interface ErrorText {
  key: string
  values?: Record<string, unknown>
  wait?: Wait
}

/** Seconds under a minute; whole minutes from a minute on, rounded up so nobody comes back too early. */
export function waitIn(seconds: number): Wait {
  if (!Number.isFinite(seconds)) return { unit: 'minutes', count: 1 }
  if (seconds < 60) return { unit: 'seconds', count: Math.max(1, Math.ceil(seconds)) }
  return { unit: 'minutes', count: Math.ceil(seconds / 60) }
}

// Each sign-in step names what was wrong: 'wrong' is the password step (e-mail or password),
// 'wrong-code' the code step.
const KNOWN = new Set([
  'wrong', 'wrong-code', 'locked', 'offline', 'forbidden', 'csrf', 'not-signed-in', 'second-factor-required', 'bad-code',
  'already-bootstrapped', 'already-set-up', 'totp-setup-required', 'exists', 'bad-request', 'recipients-changed', 'conflict', 'not-found',
  'device-required', 'device-revoked', 'register-again',
])
const WAITS = new Set(['wait', 'rate-limited', 'busy'])

export function errorKey(e: unknown): ErrorText {
  if (!(e instanceof ApiError)) return { key: 'pro.error.unknown' }
  if (WAITS.has(e.code)) return { key: `pro.error.${e.code}`, wait: waitIn(e.retryAfter ?? 60) }
  if (e.code.startsWith('password-')) return { key: `pro.error.${e.code}` }
  return { key: KNOWN.has(e.code) ? `pro.error.${e.code}` : 'pro.error.unknown' }
}
