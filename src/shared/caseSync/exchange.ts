/**
 * Colleagues on a case (issue 16 part 2, docs/case-sync.md "The team"): how a case's document key
 * (DK) reaches a colleague.
 *
 * - The **exchange key**: each worker has one ECDH P-256 key pair for receiving case keys. A device
 *   that holds the worker's user key (UK) makes it; the private half is encrypted (AES-GCM) under
 *   the UK and stored on the server with the public half, so every device of the worker can open
 *   it. The record is signed by the certified device that made it: a colleague's phone checks that
 *   signature against that device's certificate (its chain up to the pinned organisation key, and
 *   the certificate naming the same person), so a key the server injects is refused.
 * - An **exchange key box**: the DK of one generation sealed (signed box, src/shared/crypto/sealed.ts)
 *   to a colleague's exchange key, the key's id standing in for a device id. Its context names the
 *   case, the key generation, the colleague and the exchange key, so it cannot be moved.
 *
 * Boxes under a user key (caseKeyBoxSchema, messages.ts) stay as they are; a pull answers both kinds.
 */
import { z } from 'zod'
import { publicJwkSchema } from '../accounts/schemas'
import { fromBase64, toBase64 } from '../crypto/backup'
import { openVerified, sealedV2Schema, sealSigned } from '../crypto/sealed'
import { sha256Hex, signatureSchema, signedMessage, signMessage, verifyMessage } from '../crypto/signatures'
import { caseKeyBoxSchema, CaseSyncError, keyGenSchema, type Signer, type SignerKey } from './messages'

const b64 = (max: number) => z.string().regex(/^[A-Za-z0-9+/]*=*$/, 'must be base64').max(max)
const P256 = { name: 'ECDH', namedCurve: 'P-256' } as const

export const exchangeKeySchema = z.strictObject({
  keyId: z.guid(),
  userId: z.guid(),
  /** ECDH P-256: case keys are sealed to it. */
  publicKey: publicJwkSchema,
  /** The user key the private half is encrypted under. */
  userKeyId: z.guid(),
  iv: b64(24),
  /** The private half (PKCS#8), AES-GCM under the user key, the public part as associated data. */
  wrappedPrivate: b64(400),
  /** The certified device of the same person that made and signed it. */
  deviceId: z.guid(),
  signature: signatureSchema,
})
export type ExchangeKey = z.infer<typeof exchangeKeySchema>

/** The public part: associated data of the private half, and what the signature covers (with the ciphertext's hash). */
const exchangeAad = (k: Pick<ExchangeKey, 'keyId' | 'userId' | 'publicKey' | 'userKeyId' | 'deviceId'>) =>
  signedMessage('exchange-key/v1', [k.keyId, k.userId, k.publicKey.x, k.publicKey.y, k.userKeyId, k.deviceId])
const exchangeSigned = async (k: Omit<ExchangeKey, 'signature'>) =>
  signedMessage('exchange-signed/v1', [encodeURIComponent(new TextDecoder().decode(exchangeAad(k))), k.iv, await sha256Hex(k.wrappedPrivate)])

/** A new exchange key of `userId`, its private half under the user key; returns the record and the private key. */
export async function makeExchangeKey(userId: string, uk: { keyId: string; key: CryptoKey }, signer: Signer): Promise<{ record: ExchangeKey; privateKey: CryptoKey }> {
  const pair = (await crypto.subtle.generateKey(P256, true, ['deriveBits'])) as CryptoKeyPair
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey)
  const pub = { keyId: crypto.randomUUID(), userId, publicKey: publicJwkSchema.parse({ kty, crv, x, y }), userKeyId: uk.keyId, deviceId: signer.deviceId }
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey))
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const wrapped = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: exchangeAad(pub) }, uk.key, pkcs8))
  pkcs8.fill(0)
  const unsigned = { ...pub, iv: toBase64(iv), wrappedPrivate: toBase64(wrapped) }
  const record = { ...unsigned, signature: await signMessage(signer.signingKey, await exchangeSigned(unsigned)) }
  return { record, privateKey: await openExchangeKey(record, uk.key) }
}

/** Whether the record's signature verifies with a public signing key (JWK): the server's check, and the first half of the phone's. */
export async function exchangeKeyVerifies(k: ExchangeKey, signingKey: unknown): Promise<boolean> {
  const { signature, ...rest } = k
  return verifyMessage(signingKey, await exchangeSigned(rest), signature)
}

/**
 * A colleague's exchange key as a recipient, after its signer is checked: `signerKey` resolves the
 * signing device to its certified key (null for a device not certified to `k.userId` under a
 * pinned organisation key — the caller's resolver checks the person too). Throws CaseSyncError.
 */
export async function verifiedExchangeKey(k: ExchangeKey, signerKey: SignerKey): Promise<{ deviceId: string; publicKey: JsonWebKey }> {
  const key = await signerKey(k.deviceId)
  if (key === null || key === undefined) throw new CaseSyncError('unknown-signer')
  if (!(await exchangeKeyVerifies(k, key))) throw new CaseSyncError('bad-signature')
  return { deviceId: k.keyId, publicKey: k.publicKey }
}

/** The private half, opened with the user key it is under (the caller checked it is the own person's record). */
export async function openExchangeKey(k: ExchangeKey, userKey: CryptoKey): Promise<CryptoKey> {
  let pkcs8: ArrayBuffer
  try {
    pkcs8 = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(k.iv), additionalData: exchangeAad(k) }, userKey, fromBase64(k.wrappedPrivate))
  } catch {
    throw new CaseSyncError('tampered')
  }
  return crypto.subtle.importKey('pkcs8', pkcs8, P256, false, ['deriveBits'])
}

/** The context a document key is sealed under to an exchange key. */
export const exchangeBoxContext = (b: { docId: string; keyGen: number; userId: string; exchangeKeyId: string }) => `case-key-exchange|${b.docId}|${b.keyGen}|${b.userId}|${b.exchangeKeyId}`

/** A document key of one generation sealed to a colleague's exchange key (signed by the sealing device: `box.sender`). */
export const exchangeKeyBoxSchema = z.strictObject({
  docId: z.guid(),
  keyGen: keyGenSchema,
  userId: z.guid(),
  exchangeKeyId: z.guid(),
  box: sealedV2Schema,
})
export type ExchangeKeyBox = z.infer<typeof exchangeKeyBoxSchema>

/** Either kind of key box: under a user key (the worker's own devices) or to an exchange key (a colleague). */
export const anyKeyBoxSchema = z.union([caseKeyBoxSchema, exchangeKeyBoxSchema])
export type AnyKeyBox = z.infer<typeof anyKeyBoxSchema>
export const isExchangeBox = (b: AnyKeyBox): b is ExchangeKeyBox => 'exchangeKeyId' in b
/** The key id a box is stored under on the server (sync_key_boxes.user_key_id). */
export const boxKeyId = (b: AnyKeyBox) => (isExchangeBox(b) ? b.exchangeKeyId : b.userKeyId)

const contentSchema = z.strictObject({ docId: z.guid(), keyGen: keyGenSchema, userId: z.guid(), key: z.string().regex(/^[A-Za-z0-9+/]{43}=$/) })

/** Seals a document key to a colleague's exchange key (checked with verifiedExchangeKey first). */
export async function sealDocumentKey(
  dk: CryptoKey,
  to: { docId: string; keyGen: number; userId: string; exchangeKey: { deviceId: string; publicKey: JsonWebKey } },
  signer: Signer,
  at: string,
): Promise<ExchangeKeyBox> {
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', dk))
  const b = { docId: to.docId, keyGen: to.keyGen, userId: to.userId, exchangeKeyId: to.exchangeKey.deviceId }
  try {
    const box = await sealSigned({ docId: b.docId, keyGen: b.keyGen, userId: b.userId, key: toBase64(raw) }, [to.exchangeKey], exchangeBoxContext(b), signer, at)
    return { ...b, box }
  } finally {
    raw.fill(0)
  }
}

/** The document key in an exchange box, after its sender is checked (`senderKey`, as for openVerified). Throws. */
export async function openExchangeBox(b: ExchangeKeyBox, privateKey: CryptoKey, senderKey: SignerKey): Promise<CryptoKey> {
  const content = contentSchema.parse(await openVerified(b.box, b.exchangeKeyId, privateKey, exchangeBoxContext(b), senderKey))
  if (content.docId !== b.docId || content.keyGen !== b.keyGen || content.userId !== b.userId) throw new CaseSyncError('tampered')
  const raw = fromBase64(content.key)
  try {
    return await crypto.subtle.importKey('raw', raw, 'AES-GCM', true, ['encrypt', 'decrypt'])
  } finally {
    raw.fill(0)
  }
}
