import { ApiError } from './api'

/** A server failure as an i18n key the UI shows (Dutch first). */
export function errorKey(e: unknown): { key: string; values?: Record<string, unknown> } {
  if (!(e instanceof ApiError)) return { key: 'pro.error.unknown' }
  if (e.code === 'rate-limited' || e.code === 'wait') return { key: 'pro.error.wait', values: { seconds: e.retryAfter ?? 60 } }
  if (e.code.startsWith('password-')) return { key: `pro.error.${e.code}` }
  const known = ['wrong', 'locked', 'offline', 'forbidden', 'csrf', 'not-signed-in', 'second-factor-required', 'bad-code', 'already-bootstrapped', 'exists', 'bad-request', 'recipients-changed', 'conflict', 'not-found']
  return { key: known.includes(e.code) ? `pro.error.${e.code}` : 'pro.error.unknown' }
}
