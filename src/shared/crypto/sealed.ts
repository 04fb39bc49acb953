/**
 * End-to-end encryption to a set of devices (issue 5): the content is encrypted once with a fresh
 * AES-256-GCM content key; that key is wrapped for every recipient device with a key derived by
 * HKDF-SHA256 from the ECDH (P-256) secret between a one-time sender key pair and the device's
 * public key. Only a device holding a recipient's private key can read it; the server stores the
 * sealed box and cannot. Associated data binds the box to its referral and kind: a box moved to
 * another referral, or changed in any byte, fails to open.
 * Plain WebCrypto: the same code runs in the browser and in Node.
 */
import { z } from 'zod'
import { publicJwkSchema } from '../accounts/schemas'
import { fromBase64, toBase64 } from './backup'

export const SEALED_ALG = 'ECDH-P256+HKDF-SHA256+A256GCM'
const b64 = (max: number) => z.string().regex(/^[A-Za-z0-9+/]+=*$/, 'must be base64').max(max)

export const sealedSchema = z.strictObject({
  v: z.literal(1),
  alg: z.literal(SEALED_ALG),
  epk: publicJwkSchema,
  salt: b64(32),
  iv: b64(24),
  ciphertext: b64(200_000),
  recipients: z
    .array(z.strictObject({ deviceId: z.guid(), iv: b64(24), wrappedKey: b64(100) }))
    .min(1)
    .max(500)
    .refine((r) => new Set(r.map((x) => x.deviceId)).size === r.length, 'a device may appear only once'),
})
export type Sealed = z.infer<typeof sealedSchema>

export interface Recipient {
  deviceId: string
  publicKey: JsonWebKey
}

export class SealError extends Error {
  constructor(readonly code: 'not-for-this-device' | 'tampered') {
    super(code)
  }
}

const enc = new TextEncoder()
const P256 = { name: 'ECDH', namedCurve: 'P-256' } as const

async function wrappingKey(own: CryptoKey, other: CryptoKey, salt: Uint8Array<ArrayBuffer>, deviceId: string, context: string): Promise<CryptoKey> {
  const secret = await crypto.subtle.deriveBits({ name: 'ECDH', public: other }, own, 256)
  const hkdf = await crypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveKey'])
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt, info: enc.encode(`samenwerkwijze/sealed/v1|${deviceId}|${context}`) },
    hkdf,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  )
}

/** Seals `content` for every recipient. `context` (e.g. "referral|<id>") is bound as associated data. */
export async function seal(content: unknown, recipients: readonly Recipient[], context: string): Promise<Sealed> {
  if (recipients.length === 0) throw new Error('no recipients')
  const cek = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt'])
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', cek))
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: enc.encode(context) }, cek, enc.encode(JSON.stringify(content))))
  const ephemeral = (await crypto.subtle.generateKey(P256, true, ['deriveBits'])) as CryptoKeyPair
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const wrapped = await Promise.all(
    recipients.map(async (r) => {
      const pub = await crypto.subtle.importKey('jwk', publicJwkSchema.parse({ kty: r.publicKey.kty, crv: r.publicKey.crv, x: r.publicKey.x, y: r.publicKey.y }), P256, false, [])
      const kek = await wrappingKey(ephemeral.privateKey, pub, salt, r.deviceId, context)
      const wiv = crypto.getRandomValues(new Uint8Array(12))
      const wrappedKey = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: wiv, additionalData: enc.encode(r.deviceId) }, kek, raw))
      return { deviceId: r.deviceId, iv: toBase64(wiv), wrappedKey: toBase64(wrappedKey) }
    }),
  )
  raw.fill(0)
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', ephemeral.publicKey)
  return { v: 1, alg: SEALED_ALG, epk: publicJwkSchema.parse({ kty, crv, x, y }), salt: toBase64(salt), iv: toBase64(iv), ciphertext: toBase64(ciphertext), recipients: wrapped }
}

/** Opens a sealed box with this device's private key; throws SealError when it cannot. */
export async function openSealed(sealed: Sealed, deviceId: string, privateKey: CryptoKey, context: string): Promise<unknown> {
  const mine = sealed.recipients.find((r) => r.deviceId === deviceId)
  if (!mine) throw new SealError('not-for-this-device')
  try {
    const epk = await crypto.subtle.importKey('jwk', sealed.epk, P256, false, [])
    const kek = await wrappingKey(privateKey, epk, fromBase64(sealed.salt), deviceId, context)
    const raw = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(mine.iv), additionalData: enc.encode(deviceId) }, kek, fromBase64(mine.wrappedKey))
    const cek = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['decrypt'])
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(sealed.iv), additionalData: enc.encode(context) }, cek, fromBase64(sealed.ciphertext))
    return JSON.parse(new TextDecoder().decode(plain)) as unknown
  } catch {
    throw new SealError('tampered')
  }
}
