/**
 * Password sign-in and the second factor (docs/security.md, "Accounts and sign-in").
 *
 * - Limits per address and per account, counted in the database (auth/rateLimit.ts), so they
 *   hold across server processes.
 * - Failed attempts per *account key*: an HMAC of the e-mail address under the server key. An
 *   unknown address gets a row like a known one, so both answer alike (status, wait, timing).
 * - Each attempt is counted *before* it is checked, in one statement that also refuses it while
 *   the account must wait. 300 parallel guesses therefore cost 300 failures, not one.
 * - The wait grows with the failures and ends by itself; it never ends live sessions. Only a
 *   beheerder locks an account (users.locked_at).
 * - A browser that completed a sign-in for the account carries a *known-device* cookie (signed
 *   under the server key) and counts its own failures and limits: someone who only knows the
 *   e-mail address cannot keep the person out by failing on purpose (OWASP's device cookies).
 * - A TOTP step is used once: the counter only moves forward, in a conditional UPDATE.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Queryable } from '../db/types'
import { isSealedSecret, openSecret, purposeKey, sealSecret } from '../secrets/serverKey'
import { audit } from './audit'
import { DUMMY_HASH, HashingBusyError, verifyPassword } from './passwords'
import { hashedAddress } from '../http/client'
import { countHit } from './rateLimit'
import { verifyTotp } from './totp'

/** Seconds an account waits after its nth failed attempt: none for two, then doubling to a minute; from ten, a lock of 15 minutes doubling to a day. */
export function waitAfter(failures: number): number {
  if (failures < 3) return 0
  if (failures < 10) return Math.min(60, 2 ** (failures - 3))
  return Math.min(86_400, 900 * 2 ** Math.min(failures - 10, 7))
}
const WAIT_SQL = (f: string) =>
  `CASE WHEN ${f} < 3 THEN 0 WHEN ${f} < 10 THEN least(60, power(2, ${f} - 3)) ELSE least(86400, 900 * power(2, least(${f} - 10, 7))) END`

export type Refusal = 'wrong' | 'wrong-code' | 'locked' | 'wait' | 'rate-limited' | 'busy'
export type SignInOutcome = { ok: true; userId: string; totpEnabled: boolean } | { ok: false; reason: Refusal; retryAfter?: number }
export type SecondFactorOutcome = { ok: true; failedAttempts: number } | { ok: false; reason: Refusal; retryAfter?: number }

export interface GuardKeys {
  accountKey: Buffer
  totpKey: Buffer
}
export function guardKeys(serverKey: Buffer): GuardKeys {
  return { accountKey: purposeKey(serverKey, 'account-key'), totpKey: purposeKey(serverKey, 'totp-secret') }
}

const totpContext = (userId: string) => `totp:${userId}`
export function sealTotpSecret(keys: GuardKeys, userId: string, secret: string): string {
  return sealSecret(keys.totpKey, secret, totpContext(userId))
}

interface UserRow {
  id: string
  password_hash: string
  totp_secret: string | null
  totp_enabled: boolean
  locked_at: Date | null
  home_organisation_id: string | null
}

export class SignInGuard {
  constructor(
    readonly now: () => number = Date.now,
    readonly limits: readonly [perAddress: number, perAccount: number] = [30, 10],
  ) {}

  accountKey(keys: GuardKeys, email: string): string {
    return createHmac('sha256', keys.accountKey).update(email.toLowerCase()).digest('base64url')
  }
  private addressKey(keys: GuardKeys, address: string): string {
    return hashedAddress(keys.accountKey, address)
  }

  /** The per-address and per-account limits of one step; seconds to wait, or 0. */
  private async limited(db: Queryable, step: 'sign-in' | 'totp' | 'link', accountKey: string | null, addressKey: string): Promise<number> {
    const t = this.now()
    const byAddress = await countHit(db, `${step}:address:${addressKey}`, this.limits[0], 60, t)
    // An address over its limit counts nothing more: made-up e-mail addresses leave no rows.
    if (byAddress || !accountKey) return byAddress
    return countHit(db, `${step}:account:${accountKey}`, this.limits[1], 60, t)
  }

  /** A new known-device cookie value for the account: a random id and its MAC. */
  knownDeviceToken(keys: GuardKeys, email: string): string {
    const id = randomBytes(16).toString('base64url')
    return `${id}.${this.deviceMac(keys, this.accountKey(keys, email), id)}`
  }
  private deviceMac(keys: GuardKeys, accountKey: string, id: string): string {
    return createHmac('sha256', keys.accountKey).update(`known-device:${accountKey}:${id}`).digest('base64url')
  }
  /**
   * The key failures and limits count under: the account's own, or, from a browser that proved
   * itself before (a valid known-device cookie for this account), one of that browser's own.
   */
  private guardKey(keys: GuardKeys, email: string, knownDevice: string | undefined): { accountKey: string; guardKey: string } {
    const accountKey = this.accountKey(keys, email)
    const [id, mac] = (knownDevice ?? '').split('.')
    if (id && mac && /^[A-Za-z0-9_-]{22}$/.test(id)) {
      const expected = Buffer.from(this.deviceMac(keys, accountKey, id))
      const given = Buffer.from(mac)
      if (given.length === expected.length && timingSafeEqual(given, expected)) return { accountKey, guardKey: `${accountKey}:${id}` }
    }
    return { accountKey, guardKey: accountKey }
  }

  /** Counts the attempt before it is checked; refuses (with the wait) while the account must wait. */
  private async claimAttempt(db: Queryable, accountKey: string): Promise<number> {
    const at = new Date(this.now())
    const { rows } = await db.query(
      `INSERT INTO sign_in_guard AS g (account_key, failures, blocked_until, unreported, updated_at) VALUES ($1, 1, $2, 0, $2)
       ON CONFLICT (account_key) DO UPDATE SET
         failures = g.failures + 1,
         blocked_until = $2::timestamptz + make_interval(secs => ${WAIT_SQL('(g.failures + 1)')}),
         updated_at = $2
       WHERE g.blocked_until <= $2
       RETURNING failures`,
      [accountKey, at],
    )
    if (rows.length) return 0
    const blocked = await db.query<{ blocked_until: Date | string }>('SELECT blocked_until FROM sign_in_guard WHERE account_key = $1', [accountKey])
    return Math.max(1, Math.ceil((new Date(blocked.rows[0]!.blocked_until).getTime() - at.getTime()) / 1000))
  }

  private async failed(db: Queryable, accountKey: string, user: UserRow | undefined, what: 'password' | 'totp'): Promise<void> {
    await db.query('UPDATE sign_in_guard SET unreported = unreported + 1 WHERE account_key = $1', [accountKey])
    if (user) await audit(db, { actorId: user.id, organisationId: user.home_organisation_id, action: `sign-in-failed:${what}`, entity: 'user', entityId: user.id })
  }

  /**
   * A right password ends the wait it started, but keeps the failures: only a completed second
   * factor clears them, or someone who knows the password could guess codes forever by signing
   * in again between guesses.
   */
  private async passwordRight(db: Queryable, guardKey: string): Promise<void> {
    await db.query('UPDATE sign_in_guard SET blocked_until = $2 WHERE account_key = $1', [guardKey, new Date(this.now())])
  }

  /** Checks a password with every rule above; the same for sign-in, changing a password and redeeming a reset link. */
  async checkPassword(db: Queryable, keys: GuardKeys, email: string, password: string, address: string, knownDevice?: string): Promise<SignInOutcome> {
    const { guardKey: accountKey } = this.guardKey(keys, email, knownDevice)
    const limited = await this.limited(db, 'sign-in', accountKey, this.addressKey(keys, address))
    if (limited) return { ok: false, reason: 'rate-limited', retryAfter: limited }
    const wait = await this.claimAttempt(db, accountKey)
    if (wait) return { ok: false, reason: 'wait', retryAfter: wait }
    const user = (await db.query<UserRow>('SELECT id, password_hash, totp_secret, totp_enabled, locked_at, home_organisation_id FROM users WHERE email = $1', [email.toLowerCase()])).rows[0]
    let right: boolean
    try {
      // An unknown address takes the same scrypt time as a known one.
      right = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH)
    } catch (e) {
      if (e instanceof HashingBusyError) return { ok: false, reason: 'busy', retryAfter: 2 }
      throw e
    }
    if (!user || !right) {
      await this.failed(db, accountKey, user, 'password')
      return { ok: false, reason: 'wrong' }
    }
    await this.passwordRight(db, accountKey)
    // Only someone who knows the password learns that a beheerder locked the account.
    if (user.locked_at) return { ok: false, reason: 'locked' }
    return { ok: true, userId: user.id, totpEnabled: user.totp_enabled }
  }

  async signIn(db: Queryable, keys: GuardKeys, email: string, password: string, address: string, knownDevice?: string): Promise<SignInOutcome> {
    const outcome = await this.checkPassword(db, keys, email, password, address, knownDevice)
    if (outcome.ok) {
      const home = await db.query<{ home_organisation_id: string | null }>('SELECT home_organisation_id FROM users WHERE id = $1', [outcome.userId])
      await audit(db, { actorId: outcome.userId, organisationId: home.rows[0]?.home_organisation_id ?? null, action: 'sign-in-password', entity: 'user', entityId: outcome.userId })
    }
    return outcome
  }

  /**
   * Checks a TOTP code of a person whose password was right. `confirm` finishes setting up the
   * authenticator; `sign-in` uses it. A step is accepted once, even by parallel requests.
   */
  async secondFactor(
    db: Queryable,
    keys: GuardKeys,
    user: { userId: string; email: string },
    code: string,
    address: string,
    mode: 'sign-in' | 'confirm',
    knownDevice?: string,
  ): Promise<SecondFactorOutcome> {
    const { accountKey: mainKey, guardKey: accountKey } = this.guardKey(keys, user.email, knownDevice)
    const limited = await this.limited(db, 'totp', accountKey, this.addressKey(keys, address))
    if (limited) return { ok: false, reason: 'rate-limited', retryAfter: limited }
    const wait = await this.claimAttempt(db, accountKey)
    if (wait) return { ok: false, reason: 'wait', retryAfter: wait }
    const row = (
      await db.query<UserRow & { totp_last_counter: string | number }>(
        'SELECT id, password_hash, totp_secret, totp_enabled, totp_last_counter, locked_at, home_organisation_id FROM users WHERE id = $1',
        [user.userId],
      )
    ).rows[0]
    if (!row) return { ok: false, reason: 'wrong-code' }
    if (row.locked_at) return { ok: false, reason: 'locked' }
    const secret = row.totp_secret === null ? null : isSealedSecret(row.totp_secret) ? openSecret(keys.totpKey, row.totp_secret, totpContext(row.id)) : row.totp_secret
    const step = secret ? verifyTotp(secret, code, this.now(), Number(row.totp_last_counter)) : null
    // The counter moves only forward: of two requests with the same code, one wins.
    const used =
      step === null
        ? { rows: [] }
        : await db.query(
            `UPDATE users SET totp_last_counter = $2, totp_enabled = true, totp_secret = $3
             WHERE id = $1 AND totp_last_counter < $2 AND totp_enabled = $4 RETURNING id`,
            [row.id, step, sealTotpSecret(keys, row.id, secret!), mode === 'sign-in'],
          )
    if (!used.rows.length) {
      await this.failed(db, accountKey, row, 'totp')
      return { ok: false, reason: 'wrong-code' }
    }
    // The failures of this browser's own counter and of the account's (where others failed) are told and cleared.
    const reported = await db.query<{ unreported: number }>(
      `UPDATE sign_in_guard g SET failures = 0, blocked_until = $2, unreported = 0
       FROM (SELECT account_key, unreported FROM sign_in_guard WHERE account_key = ANY($1::text[]) FOR UPDATE) before
       WHERE g.account_key = before.account_key RETURNING before.unreported`,
      [[...new Set([accountKey, mainKey])], new Date(this.now())],
    )
    await audit(db, { actorId: row.id, organisationId: row.home_organisation_id, action: mode === 'confirm' ? 'totp-enabled' : 'sign-in-totp', entity: 'user', entityId: row.id })
    return { ok: true, failedAttempts: reported.rows.reduce((n, r) => n + r.unreported, 0) }
  }

  /** The per-address limit for redeeming one-time links (guessing tokens is pointless, flooding is not). */
  async linkLimited(db: Queryable, keys: GuardKeys, address: string): Promise<number> {
    return this.limited(db, 'link', null, this.addressKey(keys, address))
  }
}
