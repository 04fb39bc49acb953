/** Password hashing with scrypt (Node's own crypto): a random salt per password, constant-time compare. */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/** Too many password checks at once: the caller answers 503 with Retry-After instead of queueing without end. */
export class HashingBusyError extends Error {
  constructor() {
    super('Too many sign-ins at once.')
  }
}

/**
 * At most MAX_RUNNING scrypt runs at a time in this process (each takes 64 MB and a core for
 * ~80 ms), and at most MAX_WAITING waiting: a flood of sign-ins cannot exhaust memory or starve
 * every other request. Per process on purpose: it guards this process's CPU and memory.
 */
export const MAX_RUNNING = 4
export const MAX_WAITING = 64
let running = 0
const waiting: (() => void)[] = []

async function withHashingSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_RUNNING) {
    if (waiting.length >= MAX_WAITING) throw new HashingBusyError()
    await new Promise<void>((resolve) => waiting.push(resolve))
  } else running++
  try {
    return await work()
  } finally {
    const next = waiting.shift()
    if (next) next()
    else running--
  }
}

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  withHashingSlot(() => new Promise<Buffer>((resolve, reject) => scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)))))

// N = 2^15, r = 8, p = 1: OWASP's scrypt minimum; about 50–100 ms here.
export const PRODUCTION_COST = 2 ** 15
const PARAMS = { N: PRODUCTION_COST, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }
const KEY_LENGTH = 32

const dummyHashFor = (n: number) => `scrypt$${n}$${PARAMS.r}$${PARAMS.p}$${randomBytes(16).toString('base64url')}$${randomBytes(32).toString('base64url')}`
/** A hash of nothing, checked against unknown e-mail addresses so they take as long as known ones. */
export let DUMMY_HASH = dummyHashFor(PARAMS.N)

/**
 * For the test process only (test/server/setup.ts): new hashes use scrypt with a smaller N, so the
 * hundreds of sign-ins the server tests make take milliseconds each instead of ~100 ms. The
 * algorithm, the stored format and every check stay the same (a stored hash carries its own N);
 * the servers and command-line tools the tests start as processes keep PRODUCTION_COST, and a test
 * reads a hash one of them wrote. Nothing in src/ calls this.
 */
export function lowerCostForTests(n: number): void {
  if (process.env.NODE_ENV === 'production') throw new Error('The password cost is never lowered in production.')
  PARAMS.N = n
  DUMMY_HASH = dummyHashFor(n)
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await scrypt(password.normalize('NFC'), salt, KEY_LENGTH, PARAMS)
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64url')}$${key.toString('base64url')}`
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64url')
  const key = await scrypt(password.normalize('NFC'), Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: PARAMS.maxmem })
  return key.length === expected.length && timingSafeEqual(key, expected)
}
