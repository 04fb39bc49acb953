/** TOTP (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), as authenticator apps speak it. */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
export const STEP_SECONDS = 30

export function base32Encode(bytes: Uint8Array): string {
  let bits = 0
  let value = 0
  let out = ''
  for (const b of bytes) {
    value = (value << 8) | b
    bits += 8
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31]
  return out
}

export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=-]/g, '').toUpperCase()
  let bits = 0
  let value = 0
  const out: number[] = []
  for (const ch of clean) {
    const i = ALPHABET.indexOf(ch)
    if (i < 0) throw new Error('not base32')
    value = (value << 5) | i
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

export function newTotpSecret(): string {
  return base32Encode(randomBytes(20))
}

export function totpAt(secret: string, counter: number): string {
  const msg = Buffer.alloc(8)
  msg.writeBigUInt64BE(BigInt(counter))
  const mac = createHmac('sha1', base32Decode(secret)).update(msg).digest()
  const offset = mac[mac.length - 1]! & 0x0f
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000
  return String(code).padStart(6, '0')
}

export function counterAt(now: number): number {
  return Math.floor(now / 1000 / STEP_SECONDS)
}

/**
 * Checks a code against the current step and one step either side (clock drift). Returns the
 * step it matched, or null. A step at or before `lastCounter` was already used: refused, so a
 * code seen over someone's shoulder cannot be replayed.
 */
export function verifyTotp(secret: string, code: string, now: number, lastCounter: number): number | null {
  const current = counterAt(now)
  for (const c of [current - 1, current, current + 1]) {
    if (c <= lastCounter) continue
    const expected = Buffer.from(totpAt(secret, c))
    const given = Buffer.from(code.padEnd(6).slice(0, 6))
    if (timingSafeEqual(expected, given)) return c
  }
  return null
}

export function otpauthUri(secret: string, account: string): string {
  const label = encodeURIComponent(`Samenwerkwijze:${account}`)
  return `otpauth://totp/${label}?secret=${secret}&issuer=Samenwerkwijze&algorithm=SHA1&digits=6&period=${STEP_SECONDS}`
}
