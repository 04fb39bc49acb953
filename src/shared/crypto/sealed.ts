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
import { sha256Hex, signatureSchema, signedMessage, signMessage, verifyMessage } from './signatures'

export const SEALED_ALG = 'ECDH-P256+HKDF-SHA256+A256GCM'
const b64 = (max: number) => z.string().regex(/^[A-Za-z0-9+/]+=*$/, 'must be base64').max(max)

const sealedV1Fields = {
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
}
/** Base64 characters of a v3 box's ciphertext: its content's fields (help request) stay far below this. */
export const MAX_UNAUTHENTICATED_CIPHERTEXT = 24_000
/** Version 1: anonymous ECDH, no sender. Still read (stored boxes), never trusted as from anyone. */
export const sealedV1Schema = z.strictObject(sealedV1Fields)
export type SealedV1 = z.infer<typeof sealedV1Schema>

/**
 * Version 2 (issue 11, docs/device-trust.md): the same box, signed by the sender's device over its
 * context, the time it was recorded, the ciphertext and the recipient list (sealedSignedMessage).
 */
export const sealedV2Schema = z.strictObject({
  ...sealedV1Fields,
  v: z.literal(2),
  sender: z.strictObject({ deviceId: z.guid(), at: z.iso.datetime(), signature: signatureSchema }),
})
export type SealedV2 = z.infer<typeof sealedV2Schema>

/**
 * Version 3 (issue 20, docs/help-request.md): sealed like v1 by someone who has no device key — a
 * resident asking for help. It says so explicitly (`sender.kind`), so an inbox shows it as "van een
 * inwoner, niet geverifieerd" and never as a signed box whose signature failed. Never accepted
 * where a signed box is required (referrals, events): those take sealedV2Schema only.
 */
export const sealedUnauthenticatedSchema = z.strictObject({
  ...sealedV1Fields,
  // What a resident writes is short (docs/help-request.md): a box far larger is not theirs, and
  // would only fill the organisation's inbox (review of issue 20).
  ciphertext: b64(MAX_UNAUTHENTICATED_CIPHERTEXT),
  v: z.literal(3),
  sender: z.strictObject({ kind: z.literal('unauthenticated') }),
})
export type SealedUnauthenticated = z.infer<typeof sealedUnauthenticatedSchema>

/** Seals for the recipients with no sender key (v3): anyone could have made it; only the recipients can read it. */
export async function sealUnauthenticated(content: unknown, recipients: readonly Recipient[], context: string): Promise<SealedUnauthenticated> {
  return { ...(await seal(content, recipients, context)), v: 3, sender: { kind: 'unauthenticated' } }
}

/** Opens a v3 box with this device's key. What it says is the sender's own word: nothing about who sent it is verified. */
export async function openUnauthenticated(sealed: SealedUnauthenticated, deviceId: string, privateKey: CryptoKey, context: string): Promise<unknown> {
  const { alg, epk, salt, iv, ciphertext, recipients } = sealed
  return openSealed({ v: 1, alg, epk, salt, iv, ciphertext, recipients }, deviceId, privateKey, context)
}

/** Any stored box. What is posted now must be v2 (sealedV2Schema). */
export const sealedSchema = z.discriminatedUnion('v', [sealedV1Schema, sealedV2Schema])
export type Sealed = z.infer<typeof sealedSchema>

export interface Recipient {
  deviceId: string
  publicKey: JsonWebKey
}

export class SealError extends Error {
  constructor(readonly code: 'not-for-this-device' | 'tampered' | 'unsigned' | 'unverified-sender') {
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

/**
 * Seals `content` for every recipient. `context` (e.g. "referral|<id>") is bound as associated data.
 * Unsigned (v1): kept until the app uses sealSigned everywhere; the server accepts only v2.
 */
export async function seal(content: unknown, recipients: readonly Recipient[], context: string): Promise<SealedV1> {
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

/** Opens a sealed box with this device's private key, WITHOUT checking who sent it; throws SealError when it cannot. Prefer openVerified. */
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

/**
 * What the sender's signing key signs (docs/device-trust.md): the context (URI-encoded, since it
 * holds '|'), the sender device, the time it was recorded, and hashes of the ciphertext, the
 * header (alg, one-time key, salt, iv) and the recipient list. A box moved to another context,
 * re-targeted to other devices or changed in any byte no longer verifies.
 */
export async function sealedSignedMessage(box: Omit<SealedV2, 'sender' | 'v'> & { v?: number }, context: string, senderDeviceId: string, at: string): Promise<Uint8Array<ArrayBuffer>> {
  const header = [box.alg, box.epk.x, box.epk.y, box.salt, box.iv].join(',')
  const recipients = box.recipients.map((r) => [r.deviceId, r.iv, r.wrappedKey].join(',')).join(';')
  return signedMessage('sealed/v2', [encodeURIComponent(context), senderDeviceId, at, await sha256Hex(box.ciphertext), await sha256Hex(header), await sha256Hex(recipients)])
}

/** Seals like `seal` and signs the box with the sender device's signing key (ECDSA P-256). `at`: when the device recorded it (ISO). */
export async function sealSigned(content: unknown, recipients: readonly Recipient[], context: string, sender: { deviceId: string; signingKey: CryptoKey }, at: string): Promise<SealedV2> {
  const box = await seal(content, recipients, context)
  const signature = await signMessage(sender.signingKey, await sealedSignedMessage(box, context, sender.deviceId, at))
  return { ...box, v: 2, sender: { deviceId: sender.deviceId, at, signature } }
}

/** True when a v2 box's signature verifies with the given public signing key (JWK) for this context. */
export async function verifySealedSender(sealed: SealedV2, context: string, senderSigningKey: unknown): Promise<boolean> {
  const { sender, ...box } = sealed
  return verifyMessage(senderSigningKey, await sealedSignedMessage(box, context, sender.deviceId, sender.at), sender.signature)
}

/**
 * Opens a box only when its sender is verified: `senderSigningKey` resolves the sender device's
 * certified public signing key (null when the device has no certificate this phone trusts). The
 * signature is checked BEFORE anything is decrypted. Throws SealError: `unsigned` for a v1 box,
 * `unverified-sender` when the key is unknown or the signature does not verify.
 */
export async function openVerified(
  sealed: Sealed,
  deviceId: string,
  privateKey: CryptoKey,
  context: string,
  senderSigningKey: (senderDeviceId: string) => Promise<unknown>,
): Promise<unknown> {
  if (sealed.v !== 2) throw new SealError('unsigned')
  const key = await senderSigningKey(sealed.sender.deviceId)
  if (key === null || key === undefined || !(await verifySealedSender(sealed, context, key))) throw new SealError('unverified-sender')
  return openSealed(sealed, deviceId, privateKey, context)
}
