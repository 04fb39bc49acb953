/**
 * What travels between a worker's devices and the server when a case is synced (issue 16,
 * docs/case-sync.md). A case is a Yjs document; the server stores and routes only these signed
 * ciphertexts, never the document itself:
 *
 * - an **update**: a Yjs update (V2 encoding), encrypted under the case's document key (DK) of a
 *   key generation, signed by the device that made it; numbered per device (`clock` = 1, 2, …)
 *   under the snapshot it builds on;
 * - a **snapshot**: the whole document at a moment (garbage-collected, so deleted text is gone),
 *   encrypted and signed the same way; it names its parent snapshot and a hash of it (a chain the
 *   phones check) and the last clock of each device it includes;
 * - a **key box**: the DK of a generation, encrypted under the user key (UK) of a member and
 *   signed by the device that wrapped it.
 *
 * The associated data of each ciphertext is its public part, so a ciphertext moved to another
 * case, snapshot, clock or key generation fails to open, and the signature covers the public part
 * and a hash of the ciphertext, so neither the server nor another device can forge or alter one.
 * Plain WebCrypto: AES-256-GCM, ECDSA P-256 (the device's signing key, docs/device-trust.md).
 */
import { z } from 'zod'
import { fromBase64, toBase64 } from '../crypto/backup'
import { sha256Hex, signatureSchema, signedMessage, signMessage, verifyMessage } from '../crypto/signatures'

const b64 = (max: number) => z.string().regex(/^[A-Za-z0-9+/]*=*$/, 'must be base64').max(max)
const id = z.guid()
/** A key generation: 1 when the case is made, +1 at each re-keying (a member removed). */
export const keyGenSchema = z.number().int().min(1).max(1_000_000)
export const clockSchema = z.number().int().min(1).max(1_000_000_000)
export const hashSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hex digest')

/** Largest ciphertexts accepted (base64 characters): a case is text, a few hundred KB at most. */
export const MAX_UPDATE_CHARS = 700_000
export const MAX_SNAPSHOT_CHARS = 3_000_000
/** Devices a snapshot can name clocks for. */
export const MAX_CLOCKS = 500

export const caseUpdateSchema = z.strictObject({
  /** Random; the server stores an update once (a resend with the same id is a duplicate). */
  id,
  docId: id,
  /** The snapshot this update builds on: the document's active snapshot when it was made. */
  snapshotId: id,
  deviceId: id,
  /** 1, 2, 3 … per device under one snapshot; the server refuses a gap or a repeat. */
  clock: clockSchema,
  keyGen: keyGenSchema,
  iv: b64(24),
  ciphertext: b64(MAX_UPDATE_CHARS),
  signature: signatureSchema,
})
export type CaseUpdate = z.infer<typeof caseUpdateSchema>

export const caseSnapshotSchema = z.strictObject({
  id,
  docId: id,
  /** The snapshot it replaces (null for the first) and that snapshot's hash (snapshotHash). */
  parentId: id.nullable(),
  parentHash: hashSchema.nullable(),
  /** Per device: the last clock under the parent snapshot that this snapshot includes. */
  clocks: z.record(id, clockSchema).refine((c) => Object.keys(c).length <= MAX_CLOCKS, 'too many devices'),
  deviceId: id,
  keyGen: keyGenSchema,
  iv: b64(24),
  ciphertext: b64(MAX_SNAPSHOT_CHARS),
  signature: signatureSchema,
})
export type CaseSnapshot = z.infer<typeof caseSnapshotSchema>

/** A case's document key of one generation, encrypted under a member's user key. */
export const caseKeyBoxSchema = z.strictObject({
  docId: id,
  keyGen: keyGenSchema,
  /** Whose user key opens it. */
  userId: id,
  /** Which of that user's keys (a user key is replaced after a lost device or a recovery). */
  userKeyId: id,
  iv: b64(24),
  wrapped: b64(100),
  /** The device that wrapped it and signed it. */
  deviceId: id,
  signature: signatureSchema,
})
export type CaseKeyBox = z.infer<typeof caseKeyBoxSchema>

const clocksPart = (clocks: Record<string, number>) =>
  Object.entries(clocks)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([d, c]) => `${d}=${c}`)
    .join(',')

/** The public part of an update: its associated data. */
export const updateAad = (u: Omit<CaseUpdate, 'iv' | 'ciphertext' | 'signature'>) =>
  signedMessage('case-update/v1', [u.docId, u.id, u.snapshotId, u.deviceId, u.clock, u.keyGen])
/** The public part of a snapshot: its associated data. */
export const snapshotAad = (s: Omit<CaseSnapshot, 'iv' | 'ciphertext' | 'signature'>) =>
  signedMessage('case-snapshot/v1', [s.docId, s.id, s.parentId ?? '-', s.parentHash ?? '-', clocksPart(s.clocks), s.deviceId, s.keyGen])
export const keyBoxAad = (b: Pick<CaseKeyBox, 'docId' | 'keyGen' | 'userId' | 'userKeyId'>) =>
  signedMessage('case-key/v1', [b.docId, b.keyGen, b.userId, b.userKeyId])

const bytesOf = (m: Uint8Array<ArrayBuffer>) => new TextDecoder().decode(m)
/** What the device signs: the public part, the iv and a hash of the ciphertext. */
async function signed(aad: Uint8Array<ArrayBuffer>, iv: string, ciphertext: string): Promise<Uint8Array<ArrayBuffer>> {
  return signedMessage('case-signed/v1', [encodeURIComponent(bytesOf(aad)), iv, await sha256Hex(ciphertext)])
}

/**
 * A snapshot's hash: what the next snapshot names as `parentHash`. It covers the snapshot's id, its
 * own parent hash and its ciphertext, so the chain cannot be rewritten without breaking a link.
 */
export async function snapshotHash(s: Pick<CaseSnapshot, 'id' | 'parentHash' | 'ciphertext'>): Promise<string> {
  return sha256Hex(`case-snapshot-hash/v1|${s.id}|${s.parentHash ?? '-'}|${await sha256Hex(s.ciphertext)}`)
}

/**
 * Padding (metadata leaks through sizes, docs/case-sync.md): the plaintext is prefixed with its
 * length (4 bytes) and filled with zeros up to the next multiple of 256 bytes.
 */
export function pad(plain: Uint8Array): Uint8Array<ArrayBuffer> {
  const size = Math.ceil((plain.length + 4) / 256) * 256
  const out = new Uint8Array(size)
  new DataView(out.buffer).setUint32(0, plain.length)
  out.set(plain, 4)
  return out
}
export function unpad(padded: Uint8Array): Uint8Array {
  if (padded.length < 4) throw new CaseSyncError('tampered')
  const length = new DataView(padded.buffer, padded.byteOffset, padded.byteLength).getUint32(0)
  if (length > padded.length - 4) throw new CaseSyncError('tampered')
  return padded.subarray(4, 4 + length)
}

export class CaseSyncError extends Error {
  constructor(readonly code: 'tampered' | 'bad-signature' | 'unknown-signer' | 'no-key' | 'broken-chain') {
    super(code)
  }
}

async function encrypt(key: CryptoKey, aad: Uint8Array<ArrayBuffer>, plain: Uint8Array) {
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad }, key, pad(plain)))
  return { iv: toBase64(iv), ciphertext: toBase64(ciphertext) }
}
async function decrypt(key: CryptoKey, aad: Uint8Array<ArrayBuffer>, iv: string, ciphertext: string): Promise<Uint8Array> {
  try {
    return unpad(new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(iv), additionalData: aad }, key, fromBase64(ciphertext))))
  } catch {
    throw new CaseSyncError('tampered')
  }
}

export interface Signer {
  deviceId: string
  signingKey: CryptoKey
}

export async function makeUpdate(key: CryptoKey, signer: Signer, publicPart: Omit<CaseUpdate, 'iv' | 'ciphertext' | 'signature' | 'deviceId'>, yUpdate: Uint8Array): Promise<CaseUpdate> {
  const pub = { ...publicPart, deviceId: signer.deviceId }
  const aad = updateAad(pub)
  const { iv, ciphertext } = await encrypt(key, aad, yUpdate)
  return { ...pub, iv, ciphertext, signature: await signMessage(signer.signingKey, await signed(aad, iv, ciphertext)) }
}

export async function makeSnapshot(key: CryptoKey, signer: Signer, publicPart: Omit<CaseSnapshot, 'iv' | 'ciphertext' | 'signature' | 'deviceId'>, yState: Uint8Array): Promise<CaseSnapshot> {
  const pub = { ...publicPart, deviceId: signer.deviceId }
  const aad = snapshotAad(pub)
  const { iv, ciphertext } = await encrypt(key, aad, yState)
  return { ...pub, iv, ciphertext, signature: await signMessage(signer.signingKey, await signed(aad, iv, ciphertext)) }
}

/**
 * Who may have signed: the certified public signing key (JWK) of a device whose chain this phone
 * checked and which belongs to a member of the case, or null. The server's word is never enough.
 */
export type SignerKey = (deviceId: string) => Promise<unknown>

async function verifySigned(aad: Uint8Array<ArrayBuffer>, m: { deviceId: string; iv: string; ciphertext: string; signature: string }, signerKey: SignerKey) {
  const key = await signerKey(m.deviceId)
  if (key === null || key === undefined) throw new CaseSyncError('unknown-signer')
  if (!(await verifyMessage(key, await signed(aad, m.iv, m.ciphertext), m.signature))) throw new CaseSyncError('bad-signature')
}

/**
 * Whether a message's signature verifies with a public signing key (JWK), without opening it: the
 * server's check (src/server/caseSync/checks.ts), which holds no document key.
 */
export async function signatureVerifies(m: CaseUpdate | CaseSnapshot | CaseKeyBox, signingKey: unknown): Promise<boolean> {
  if ('wrapped' in m) return verifyMessage(signingKey, await signed(keyBoxAad(m), m.iv, m.wrapped), m.signature)
  const aad = 'clock' in m ? updateAad(m) : snapshotAad(m)
  return verifyMessage(signingKey, await signed(aad, m.iv, m.ciphertext), m.signature)
}

/** The Yjs update inside, after its signature is checked (before anything is decrypted). */
export async function openUpdate(u: CaseUpdate, key: CryptoKey, signerKey: SignerKey): Promise<Uint8Array> {
  const aad = updateAad(u)
  await verifySigned(aad, u, signerKey)
  return decrypt(key, aad, u.iv, u.ciphertext)
}

export async function openSnapshot(s: CaseSnapshot, key: CryptoKey, signerKey: SignerKey): Promise<Uint8Array> {
  const aad = snapshotAad(s)
  await verifySigned(aad, s, signerKey)
  return decrypt(key, aad, s.iv, s.ciphertext)
}

/** A fresh document key (AES-256-GCM, extractable only so it can be wrapped under user keys). */
export const newDocumentKey = () => crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt'])

/** Wraps a document key under a user key (AES-GCM) and signs the box. */
export async function wrapDocumentKey(dk: CryptoKey, userKey: CryptoKey, signer: Signer, to: Pick<CaseKeyBox, 'docId' | 'keyGen' | 'userId' | 'userKeyId'>): Promise<CaseKeyBox> {
  const aad = keyBoxAad(to)
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', dk))
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const wrapped = toBase64(new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad }, userKey, raw)))
  raw.fill(0)
  const ivText = toBase64(iv)
  const box = { docId: to.docId, keyGen: to.keyGen, userId: to.userId, userKeyId: to.userKeyId, iv: ivText, wrapped, deviceId: signer.deviceId }
  return { ...box, signature: await signMessage(signer.signingKey, await signed(aad, ivText, wrapped)) }
}

/** The document key in a box, after its signature is checked. Extractable so it can be wrapped again (to a colleague, after a recovery). */
export async function openDocumentKey(box: CaseKeyBox, userKey: CryptoKey, signerKey: SignerKey): Promise<CryptoKey> {
  const aad = keyBoxAad(box)
  await verifySigned(aad, { deviceId: box.deviceId, iv: box.iv, ciphertext: box.wrapped, signature: box.signature }, signerKey)
  let raw: ArrayBuffer
  try {
    raw = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(box.iv), additionalData: aad }, userKey, fromBase64(box.wrapped))
  } catch {
    throw new CaseSyncError('tampered')
  }
  if (raw.byteLength !== 32) throw new CaseSyncError('tampered')
  return crypto.subtle.importKey('raw', raw, 'AES-GCM', true, ['encrypt', 'decrypt'])
}
