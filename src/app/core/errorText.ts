import { PASSWORD_CODE_PREFIX, type ServerErrorCode } from '../../shared/api/errors'
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

/** The client's own codes: no connection, and an answer that does not fit its schema. */
type ClientCode = 'offline' | 'bad-answer'

// Each sign-in step names what was wrong: 'wrong' is the password step (e-mail or password),
// 'wrong-code' the code step. Every code the server sends (src/shared/api/errors.ts) has words
// here, several sharing one text; test/unit/serverErrorCodes.test.ts checks nl and en have them.
const TEXT: Record<ServerErrorCode | ClientCode, string> = {
  'bad-request': 'pro.error.bad-request',
  'bad-path': 'pro.error.not-found',
  'not-found': 'pro.error.not-found',
  'no-organisation': 'pro.error.not-found',
  'too-large': 'pro.error.too-large',
  'server-error': 'pro.error.server-error',
  'not-built': 'pro.error.server-error',
  stopping: 'pro.error.server-error',
  database: 'pro.error.server-error',
  'cross-site': 'pro.error.csrf',
  csrf: 'pro.error.csrf',
  forbidden: 'pro.error.forbidden',
  'not-signed-in': 'pro.error.not-signed-in',
  'second-factor-required': 'pro.error.second-factor-required',
  wrong: 'pro.error.wrong',
  'wrong-code': 'pro.error.wrong-code',
  locked: 'pro.error.locked',
  wait: 'pro.error.wait',
  'rate-limited': 'pro.error.rate-limited',
  busy: 'pro.error.busy',
  'already-set-up': 'pro.error.already-set-up',
  'totp-setup-required': 'pro.error.totp-setup-required',
  'already-bootstrapped': 'pro.error.already-bootstrapped',
  'bad-code': 'pro.error.bad-code',
  exists: 'pro.error.exists',
  'region-exists': 'pro.error.exists',
  conflict: 'pro.error.conflict',
  'password-required': 'pro.error.password-required',
  'reset-chain': 'pro.error.reset-chain',
  'link-invalid': 'pro.accountError.link-invalid',
  'sign-in-first': 'pro.accountError.sign-in-first',
  'name-required': 'pro.accountError.name-required',
  'region-role': 'pro.accountError.region-role',
  'region-only': 'pro.accountError.region-only',
  'not-home-organisation': 'pro.accountError.not-home-organisation',
  self: 'pro.accountError.self',
  'last-beheerder': 'pro.accountError.last-beheerder',
  'device-required': 'pro.error.device-required',
  'device-revoked': 'pro.error.device-revoked',
  'register-again': 'pro.error.register-again',
  'bad-proof': 'pro.error.bad-proof',
  'already-bound': 'pro.error.already-bound',
  'certificate-required': 'pro.error.bad-certificate',
  'bad-certificate': 'pro.error.bad-certificate',
  'certificate-mismatch': 'pro.error.bad-certificate',
  'certificate-keys-mismatch': 'pro.error.bad-certificate',
  'certificate-roles-mismatch': 'pro.error.bad-certificate',
  'no-organisation-key': 'pro.error.no-organisation-key',
  'key-exists': 'pro.error.key-exists',
  'counter-unknown': 'cases.counts.refused.counter-not-bound',
  'counter-not-bound': 'cases.counts.refused.counter-not-bound',
  'counter-not-yours': 'cases.counts.refused.adopt-refused',
  'counter-moved': 'cases.counts.refused.counter-moved',
  'counter-elsewhere': 'cases.counts.refused.counter-moved',
  'version-in-future': 'cases.counts.refused.version-in-future',
  'implausible-counts': 'cases.counts.refused.implausible-counts',
  'bad-signature': 'pro.error.bad-signature',
  'wrong-sender': 'pro.error.bad-signature',
  'device-not-certified': 'pro.error.device-not-certified',
  'recipients-changed': 'pro.error.recipients-changed',
  'no-route': 'pro.error.no-route',
  'wrong-recipient': 'pro.error.forbidden',
  'wrong-organisation': 'pro.error.forbidden',
  'no-recovery-key': 'caseSync.recovery.none',
  'recovery-key-exists': 'caseSync.recovery.errors.key-exists',
  'recovery-group-too-small': 'caseSync.recovery.errors.group-too-small',
  'not-a-beheerder-device': 'caseSync.recovery.errors.not-in-group',
  'not-in-recovery-group': 'caseSync.recovery.errors.not-in-group',
  'unknown-recovery-key': 'caseSync.recovery.errors.untrusted-key',
  'nothing-to-recover': 'caseSync.recovery.errors.nothing-to-recover',
  'request-closed': 'caseSync.recovery.errors.request-closed',
  'same-beheerder': 'caseSync.recovery.errors.same-beheerder',
  'clock-skew': 'caseSync.recovery.errors.clock-skew',
  'too-many': 'caseSync.team.invite.tooMany',
  'unknown-key': 'caseSync.recovery.errors.nothing-opened',
  'doc-mismatch': 'pro.error.case-sync-refused',
  'key-outdated': 'pro.error.case-sync-refused',
  'snapshot-required': 'pro.error.case-sync-refused',
  'bad-key-box': 'pro.error.case-sync-refused',
  'wrong-person': 'pro.error.forbidden',
  'not-lead': 'pro.error.not-lead',
  'not-a-member': 'pro.error.not-a-member',
  'not-a-colleague': 'pro.error.not-a-colleague',
  'already-member': 'pro.error.already-member',
  'lead-stays': 'pro.error.lead-stays',
  'no-exchange-key': 'pro.error.no-exchange-key',
  'not-a-first-snapshot': 'pro.error.case-sync-refused',
  'bad-parent-hash': 'pro.error.case-sync-refused',
  'bad-key-generation': 'pro.error.case-sync-refused',
  'id-reused': 'pro.error.case-sync-refused',
  'duplicate-route': 'pro.error.duplicate-route',
  'bad-expiry': 'pro.error.bad-expiry',
  'link-withdrawn': 'pro.error.link-withdrawn',
  'link-expired': 'pro.error.link-expired',
  'version-outdated': 'pro.error.version-outdated',
  'not-invited': 'pro.error.not-invited',
  retired: 'pro.room.retired',
  'queue-full': 'pro.error.queue-full',
  unreadable: 'pro.error.unreadable',
  offline: 'pro.error.offline',
  'bad-answer': 'pro.error.unknown',
}
/** The i18n key of a code; an unknown one (a newer server) says "something went wrong". */
export const errorTextKey = (code: string): string => (Object.hasOwn(TEXT, code) ? TEXT[code as keyof typeof TEXT] : 'pro.error.unknown')
const WAITS = new Set(['wait', 'rate-limited', 'busy'])

export function errorKey(e: unknown): ErrorText {
  if (!(e instanceof ApiError)) return { key: 'pro.error.unknown' }
  if (WAITS.has(e.code)) return { key: `pro.error.${e.code}`, wait: waitIn(e.retryAfter ?? 60) }
  if (e.code.startsWith(PASSWORD_CODE_PREFIX) && e.code !== 'password-required') return { key: `pro.error.${e.code}` }
  return { key: errorTextKey(e.code) }
}
