/**
 * Password sign-in and the second factor, with a limit per address and per account,
 * a growing wait after each failure, and a lock after ten that a beheerder lifts.
 */
import type { Queryable } from '../db/database'
import { audit } from './audit'
import { DUMMY_HASH, verifyPassword } from './passwords'
import { RateLimiter } from './rateLimit'
import { verifyTotp } from './totp'

export const LOCK_AFTER = 10
/** Seconds to wait after the nth failure: none for the first two, then doubling to at most a minute. */
export function delayAfter(failures: number): number {
  return failures < 3 ? 0 : Math.min(60, 2 ** (failures - 3))
}

export type SignInOutcome =
  | { ok: true; userId: string; totpEnabled: boolean }
  | { ok: false; reason: 'wrong' | 'locked' | 'wait' | 'rate-limited'; retryAfter?: number }

interface UserRow {
  id: string
  password_hash: string
  totp_secret: string | null
  totp_enabled: boolean
  totp_last_counter: string | number
  failed_attempts: number
  last_failed_at: Date | null
  locked_at: Date | null
}

export class SignInGuard {
  readonly perAddress: RateLimiter
  readonly perAccount: RateLimiter
  constructor(
    private readonly now: () => number = Date.now,
    limits: readonly [perAddress: number, perAccount: number] = [30, 10],
  ) {
    this.perAddress = new RateLimiter(limits[0], 60_000, now)
    this.perAccount = new RateLimiter(limits[1], 60_000, now)
  }

  async signIn(db: Queryable, email: string, password: string, address: string): Promise<SignInOutcome> {
    const limited = Math.max(this.perAddress.hit(address), this.perAccount.hit(email))
    if (limited) return { ok: false, reason: 'rate-limited', retryAfter: limited }
    const user = (await db.query<UserRow>('SELECT * FROM users WHERE email = $1', [email])).rows[0]
    if (!user) {
      await verifyPassword(password, DUMMY_HASH) // same time as a known address
      return { ok: false, reason: 'wrong' }
    }
    const waiting = this.waitFor(user)
    if (user.locked_at) return { ok: false, reason: 'locked' }
    if (waiting) return { ok: false, reason: 'wait', retryAfter: waiting }
    if (!(await verifyPassword(password, user.password_hash))) return this.fail(db, user, 'password')
    await db.query('UPDATE users SET failed_attempts = 0, last_failed_at = NULL WHERE id = $1', [user.id])
    await audit(db, { actorId: user.id, action: 'sign-in-password', entity: 'user', entityId: user.id })
    return { ok: true, userId: user.id, totpEnabled: user.totp_enabled }
  }

  /** Checks a TOTP code for a user whose password was right; failures count like wrong passwords. */
  async secondFactor(db: Queryable, userId: string, code: string, secretOverride?: string): Promise<SignInOutcome> {
    const user = (await db.query<UserRow>('SELECT * FROM users WHERE id = $1', [userId])).rows[0]
    if (!user) return { ok: false, reason: 'wrong' }
    if (user.locked_at) return { ok: false, reason: 'locked' }
    const waiting = this.waitFor(user)
    if (waiting) return { ok: false, reason: 'wait', retryAfter: waiting }
    const secret = secretOverride ?? user.totp_secret
    const counter = secret ? verifyTotp(secret, code, this.now(), Number(user.totp_last_counter)) : null
    if (counter === null) return this.fail(db, user, 'totp')
    await db.query('UPDATE users SET totp_last_counter = $2, failed_attempts = 0, last_failed_at = NULL WHERE id = $1', [user.id, counter])
    await audit(db, { actorId: user.id, action: 'sign-in-totp', entity: 'user', entityId: user.id })
    return { ok: true, userId: user.id, totpEnabled: true }
  }

  private waitFor(user: UserRow): number {
    if (!user.last_failed_at) return 0
    const until = new Date(user.last_failed_at).getTime() + delayAfter(user.failed_attempts) * 1000
    return until > this.now() ? Math.ceil((until - this.now()) / 1000) : 0
  }

  private async fail(db: Queryable, user: UserRow, what: 'password' | 'totp'): Promise<SignInOutcome> {
    const failures = user.failed_attempts + 1
    const lock = failures >= LOCK_AFTER
    await db.query(`UPDATE users SET failed_attempts = $2, last_failed_at = $3, locked_at = CASE WHEN $4::boolean THEN now() ELSE locked_at END WHERE id = $1`, [
      user.id,
      failures,
      new Date(this.now()),
      lock,
    ])
    await audit(db, { actorId: user.id, action: lock ? 'locked' : `sign-in-failed:${what}`, entity: 'user', entityId: user.id })
    return lock ? { ok: false, reason: 'locked' } : { ok: false, reason: 'wrong' }
  }
}
