/**
 * Envelope encryption of case records. A random AES-GCM data key encrypts every record; a key
 * derived from the device passcode (PBKDF2-SHA256, 600,000 iterations) wraps it (AES-KW).
 * The unwrapped data key exists only in memory, as a non-extractable CryptoKey.
 * Wrong passcodes slow down; after ten the local case data is wiped.
 */
import { associatedData, keyRecordSchema, passcodeProblem, PBKDF2_ITERATIONS, storedCaseSchema, type KeyRecord, type StoredCase } from '../../../shared/crypto/envelope'
import { caseIndexOf } from '../../../shared/cases/caseIndex'
import { caseRecordSchema, type CaseRecord } from '../../../shared/cases/v1'
import type { CaseDb } from './caseDb'

export const WIPE_AFTER = 10

/** Seconds to wait after the nth wrong passcode: none for two, then doubling to five minutes. */
export function passcodeDelay(failures: number): number {
  return failures < 3 ? 0 : Math.min(300, 2 ** (failures - 2))
}

/**
 * Derives a key from a passcode or passphrase: AES-KW to wrap the data key, or AES-GCM for a
 * backup file. Heavy: the app runs it in a Web Worker (kdfWorker.ts).
 */
export async function deriveKek(passcode: string, salt: Uint8Array<ArrayBuffer>, iterations: number, purpose: 'wrap' | 'encrypt' = 'wrap'): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(passcode), 'PBKDF2', false, ['deriveKey'])
  const params = { name: 'PBKDF2', hash: 'SHA-256', salt, iterations }
  return purpose === 'wrap'
    ? crypto.subtle.deriveKey(params, material, { name: 'AES-KW', length: 256 }, false, ['wrapKey', 'unwrapKey'])
    : crypto.subtle.deriveKey(params, material, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])
}
export type DeriveKek = typeof deriveKek

/** Why the vault stays shut before a passcode is even tried: the device has not reached the server for too long (docs/device-trust.md). */
export type OpenRefusal = { ok: false; reason: 'offline'; days: number }

export type UnlockResult = { ok: true } | { ok: false; reason: 'wrong'; attemptsLeft: number } | { ok: false; reason: 'wait'; seconds: number } | { ok: false; reason: 'wiped' } | OpenRefusal

/** Bytes sealed under the vault key, e.g. the device's wrapped private keys. */
export interface VaultSealed {
  iv: Uint8Array<ArrayBuffer>
  ciphertext: Uint8Array<ArrayBuffer>
}
const vaultContext = (context: string) => new TextEncoder().encode(`samenwerkwijze-vault|${context}`)

export class PasscodeError extends Error {}

const bytes = (b: ArrayBuffer | Uint8Array) => (b instanceof Uint8Array ? new Uint8Array(b) : new Uint8Array(b))

export class Vault {
  private key: CryptoKey | null = null

  constructor(
    private readonly db: CaseDb,
    private readonly derive: DeriveKek = deriveKek,
    private readonly now: () => number = Date.now,
    /** Called after a wipe: the app starts counting under a new id (see wipe). */
    private readonly onWiped: () => void = () => undefined,
  ) {}

  get isUnlocked(): boolean {
    return this.key !== null
  }

  async isSetUp(): Promise<boolean> {
    return (await this.db.keys.get('data-key')) !== undefined
  }

  async setUp(passcode: string): Promise<void> {
    if (passcodeProblem(passcode)) throw new PasscodeError('passcode too short')
    const salt = crypto.getRandomValues(new Uint8Array(16))
    const kek = await this.derive(passcode, salt, PBKDF2_ITERATIONS)
    // Extractable only for the moment it is wrapped; the key kept in memory is not.
    const fresh = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt'])
    const wrappedKey = bytes(await crypto.subtle.wrapKey('raw', fresh, kek, 'AES-KW'))
    await this.db.keys.put({ name: 'data-key', salt, iterations: PBKDF2_ITERATIONS, wrappedKey, failedAttempts: 0 })
    this.key = await crypto.subtle.unwrapKey('raw', wrappedKey, kek, 'AES-KW', 'AES-GCM', false, ['encrypt', 'decrypt'])
  }

  async unlock(passcode: string): Promise<UnlockResult> {
    const raw = await this.db.keys.get('data-key')
    const parsed = keyRecordSchema.safeParse(raw)
    if (!parsed.success) return { ok: false, reason: 'wiped' }
    const record: KeyRecord = parsed.data
    const wait = record.lastFailedAt ? record.lastFailedAt + passcodeDelay(record.failedAttempts) * 1000 - this.now() : 0
    if (wait > 0) return { ok: false, reason: 'wait', seconds: Math.ceil(wait / 1000) }
    const kek = await this.derive(passcode, new Uint8Array(record.salt), record.iterations)
    try {
      this.key = await crypto.subtle.unwrapKey('raw', new Uint8Array(record.wrappedKey), kek, 'AES-KW', 'AES-GCM', false, ['encrypt', 'decrypt'])
    } catch {
      const failures = record.failedAttempts + 1
      if (failures >= WIPE_AFTER) {
        await this.wipe()
        return { ok: false, reason: 'wiped' }
      }
      await this.db.keys.update('data-key', { failedAttempts: failures, lastFailedAt: this.now() })
      return { ok: false, reason: 'wrong', attemptsLeft: WIPE_AFTER - failures }
    }
    await this.db.keys.update('data-key', { failedAttempts: 0, lastFailedAt: undefined })
    return { ok: true }
  }

  lock(): void {
    this.key = null
  }

  /** Removes every case and the key: what a lost, locked-out or revoked phone must do. */
  async wipe(): Promise<void> {
    this.key = null
    // Nothing of the cases stays, not even what they count. The server keeps the counts last sent;
    // the device counts on under a new id, so nothing it sends later replaces those.
    await this.db.transaction('rw', [this.db.keys, this.db.cases, this.db.countedCases, this.db.kpiOutbox], async () => {
      await this.db.cases.clear()
      await this.db.countedCases.clear()
      await this.db.kpiOutbox.clear()
      await this.db.keys.clear()
    })
    this.onWiped()
  }

  async seal(record: CaseRecord): Promise<StoredCase> {
    const key = this.requireKey()
    const checked = caseRecordSchema.parse(record)
    const iv = crypto.getRandomValues(new Uint8Array(12))
    const plain = new TextEncoder().encode(JSON.stringify(checked))
    const ciphertext = bytes(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: associatedData(checked.id, checked.schemaVersion) }, key, plain))
    return { ...caseIndexOf(checked), iv, ciphertext }
  }

  async open(stored: unknown): Promise<CaseRecord> {
    const key = this.requireKey()
    const envelope = storedCaseSchema.parse(stored)
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: new Uint8Array(envelope.iv), additionalData: associatedData(envelope.id, envelope.schemaVersion) },
      key,
      new Uint8Array(envelope.ciphertext),
    )
    return caseRecordSchema.parse(JSON.parse(new TextDecoder().decode(plain)))
  }

  /** Encrypts bytes under the vault key; `context` (e.g. "device-key|signing") is bound as associated data. */
  async encryptBytes(plain: Uint8Array<ArrayBuffer>, context: string): Promise<VaultSealed> {
    const key = this.requireKey()
    const iv = crypto.getRandomValues(new Uint8Array(12))
    return { iv, ciphertext: bytes(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: vaultContext(context) }, key, plain)) }
  }

  /** Opens what encryptBytes sealed with the same context; throws when locked, moved or changed. */
  async decryptBytes(sealed: VaultSealed, context: string): Promise<Uint8Array<ArrayBuffer>> {
    const key = this.requireKey()
    return bytes(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: new Uint8Array(sealed.iv), additionalData: vaultContext(context) }, key, new Uint8Array(sealed.ciphertext)))
  }

  private requireKey(): CryptoKey {
    if (!this.key) throw new PasscodeError('locked')
    return this.key
  }
}
