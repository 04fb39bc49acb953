/**
 * Device signatures (issue 11, docs/device-trust.md): ECDSA P-256 with SHA-256 over a message
 * that names what is signed and in which context. Plain WebCrypto, so the phone signs and the
 * server verifies with the same code. Signatures travel as base64 of the 64-byte r‖s form that
 * WebCrypto produces.
 */
import { z } from 'zod'
import { publicJwkSchema } from '../accounts/schemas'
import { fromBase64, toBase64 } from './backup'

export const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const

export const signatureSchema = z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'must be a 64-byte base64 signature')

const enc = new TextEncoder()

/**
 * The bytes that are signed: a fixed label and the parts joined by '|'. A part may not hold '|',
 * so two different lists never give the same message.
 */
export function signedMessage(label: string, parts: readonly (string | number)[]): Uint8Array<ArrayBuffer> {
  for (const p of parts) if (String(p).includes('|')) throw new Error('a signed part may not contain |')
  return enc.encode(['samenwerkwijze', label, ...parts.map(String)].join('|'))
}

/** SHA-256 of the bytes, hex: how a signature covers a ciphertext or a list of counts. */
export async function sha256Hex(data: Uint8Array<ArrayBuffer> | string): Promise<string> {
  const bytes = typeof data === 'string' ? enc.encode(data) : data
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('')
}

export async function signMessage(privateKey: CryptoKey, message: Uint8Array<ArrayBuffer>): Promise<string> {
  return toBase64(new Uint8Array(await crypto.subtle.sign(SIGN, privateKey, message)))
}

// Imported public keys, by their coordinates: a case pull checks hundreds of signatures by a few devices.
const imported = new Map<string, Promise<CryptoKey>>()
function verifyKey({ kty, crv, x, y }: { kty: string; crv: string; x: string; y: string }): Promise<CryptoKey> {
  const id = `${crv}|${x}|${y}`
  let key = imported.get(id)
  if (!key) {
    if (imported.size >= 256) imported.clear()
    key = crypto.subtle.importKey('jwk', { kty, crv, x, y }, ECDSA_P256, false, ['verify'])
    // A key that fails to import is not kept: the next call tries again (and fails the same way).
    key.catch(() => imported.delete(id))
    imported.set(id, key)
  }
  return key
}

/** True only for a valid signature by the key; a malformed key or signature is simply false. */
export async function verifyMessage(publicKey: unknown, message: Uint8Array<ArrayBuffer>, signature: string): Promise<boolean> {
  const jwk = publicJwkSchema.safeParse(publicKey)
  if (!jwk.success || !signatureSchema.safeParse(signature).success) return false
  try {
    return await crypto.subtle.verify(SIGN, await verifyKey(jwk.data), fromBase64(signature), message)
  } catch {
    return false
  }
}
