/**
 * Envelope encryption of case records (and of whatever else opens with the vault). A random
 * AES-GCM data key encrypts every record; a key-encryption key wraps it (AES-KW). That key comes
 * from one of two modes (docs/device-trust.md, "The vault"):
 * - `prf`: the WebAuthn PRF output of a platform authenticator, through HKDF-SHA256
 *   (src/app/core/vault/prf.ts). A copied IndexedDB holds nothing to guess.
 * - `passphrase`: Argon2id (64 MiB, 3 passes) of a passphrase rated strong
 *   (src/app/core/vault/strength.ts). A copied IndexedDB is an offline guessing target, slowed
 *   by Argon2id's memory cost — the failure counter below does not hold against it, because
 *   the attacker copies the counter too.
 * A vault made before issue 11 (PBKDF2 of a PIN) opens once with its old passcode and must at
 * once be upgraded to a new mode. The upgrade makes a NEW data key and seals every case again
 * under it, in one write with the new key record: whoever copied the old PIN database finds the
 * PIN in a minute, and with it only the old key, which opens nothing written after the upgrade
 * (review finding 6). Before issue 11 nothing but the cases was sealed under the data key (the
 * device database kept its one key pair unwrapped and is cleared on open, see
 * src/app/core/deviceIdentity.ts; encryptBytes came with issue 11 and needs an open vault, which
 * an old vault never is before its upgrade), so the cases are all there is to seal again.
 *
 * The unwrapped data key exists only in memory, as a non-extractable CryptoKey (between a right
 * old passcode and the upgrade, the old key is held to open the cases once more, and dropped on
 * lock).
 * Wrong passphrases slow down; after ten the local case data is wiped.
 */
import {
  ARGON2ID_DEFAULTS,
  associatedData,
  keyRecordSchema,
  storedCaseSchema,
  type KeyRecord,
  type LegacyKeyRecord,
  type StoredCase,
  type VaultMode,
} from '../../../shared/crypto/envelope'
import { caseIndexOf } from '../../../shared/cases/caseIndex'
import { caseRecordSchema, storedCaseRecordSchema, type CaseRecord } from '../../../shared/cases/v2'
import type { DerivePassphraseKey } from '../../core/vault/kdf'
import { kekFromPrf, webAuthnPrf, type PrfAuthenticator } from '../../core/vault/prf'
import { PassphraseError, passphraseProblem } from '../../core/vault/strength'
import type { CaseDb } from './caseDb'

export const WIPE_AFTER = 10

/** Seconds to wait after the nth wrong passphrase: none for two, then doubling to five minutes. */
export function passcodeDelay(failures: number): number {
  return failures < 3 ? 0 : Math.min(300, 2 ** (failures - 2))
}

export type DeriveKek = DerivePassphraseKey
/** Derivation on this thread, loaded on first use (the app passes deriveInWorker; hash-wasm stays out of the page's chunks). */
export const deriveKek: DeriveKek = async (passphrase, params, purpose) => (await import('../../core/vault/kdf')).derivePassphraseKey(passphrase, params, purpose)

/** Why the vault stays shut before a passcode is even tried: the device has not reached the server for too long (docs/device-trust.md). */
export type OpenRefusal = { ok: false; reason: 'offline'; days: number }

/**
 * What an unlock attempt gave. `upgrade`: an old (PBKDF2) vault's passcode was right; the vault
 * stays shut until `upgrade()` re-wraps its key under a new mode.
 */
export type UnlockResult =
  | { ok: true }
  | { ok: false; reason: 'wrong'; attemptsLeft: number }
  | { ok: false; reason: 'wait'; seconds: number }
  | { ok: false; reason: 'wiped' }
  | { ok: false; reason: 'upgrade' }
  | OpenRefusal

/** How a vault is set up (or an old one re-wrapped): a passphrase, or the platform authenticator. */
export type VaultTarget = { mode: 'passphrase'; passphrase: string } | { mode: 'prf' }

/** Bytes sealed under the vault key, e.g. the device's wrapped private keys. */
export interface VaultSealed {
  iv: Uint8Array<ArrayBuffer>
  ciphertext: Uint8Array<ArrayBuffer>
}
const vaultContext = (context: string) => new TextEncoder().encode(`samenwerkwijze-vault|${context}`)

export class PasscodeError extends Error {}

const bytes = (b: ArrayBuffer | Uint8Array) => (b instanceof Uint8Array ? new Uint8Array(b) : new Uint8Array(b))
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n))
const DATA_KEY = { name: 'AES-GCM', length: 256 } as const

export class Vault {
  private key: CryptoKey | null = null
  /** An old vault's data key, opened with its old passcode: it opens the cases once more, to seal them under a new key. */
  private pendingUpgrade: CryptoKey | null = null

  constructor(
    private readonly db: CaseDb,
    private readonly derive: DeriveKek = deriveKek,
    private readonly now: () => number = Date.now,
    /** Called after a wipe: the app starts counting under a new id (see wipe). */
    private readonly onWiped: () => void = () => undefined,
    private readonly authenticator: PrfAuthenticator = webAuthnPrf,
  ) {}

  get isUnlocked(): boolean {
    return this.key !== null
  }

  /** True between a right old passcode and the upgrade to a new key and mode. */
  get awaitsUpgrade(): boolean {
    return this.pendingUpgrade !== null
  }

  async isSetUp(): Promise<boolean> {
    return (await this.db.keys.get('data-key')) !== undefined
  }

  /** The mode of the stored record: 'legacy' for one made before issue 11; null when there is none (or it is unreadable). */
  async mode(): Promise<VaultMode | 'legacy' | null> {
    const parsed = keyRecordSchema.safeParse(await this.db.keys.get('data-key'))
    if (!parsed.success) return null
    return 'mode' in parsed.data ? parsed.data.mode : 'legacy'
  }

  /** Sets up a new vault: a passphrase (a string is one) or the platform authenticator. Throws PassphraseError for a weak passphrase. */
  async setUp(target: VaultTarget | string): Promise<void> {
    const t: VaultTarget = typeof target === 'string' ? { mode: 'passphrase', passphrase: target } : target
    // Extractable only for the moment it is wrapped; the key kept in memory is not.
    const fresh = await crypto.subtle.generateKey(DATA_KEY, true, ['encrypt', 'decrypt'])
    const { record, key } = await this.wrapUnder(t, fresh)
    await this.db.keys.put(record)
    this.key = key
  }

  /**
   * Upgrades an old vault (opened by unlock, which answered 'upgrade') to a new mode and opens it:
   * a new data key, wrapped under the new mode, and every case sealed again under it, written in
   * one transaction with the new key record (all or nothing). A row the old key does not open
   * (damaged before) stays as it was: no key opens it, before or after. Throws PassphraseError
   * (weak passphrase) or PrfError before anything is written.
   */
  async upgrade(target: VaultTarget): Promise<void> {
    const oldKey = this.pendingUpgrade
    if (!oldKey) throw new PasscodeError('no old vault is waiting to be upgraded')
    const oldRecord = await this.db.keys.get('data-key')
    const fresh = await crypto.subtle.generateKey(DATA_KEY, true, ['encrypt', 'decrypt'])
    const { record, key } = await this.wrapUnder(target, fresh)
    // Sealed again outside the transaction: IndexedDB ends a transaction that waits on WebCrypto.
    const rows = await this.db.cases.toArray()
    const read = new Set<unknown>(rows.map((r) => r.id))
    const resealed: StoredCase[] = []
    for (const row of rows) {
      const again = await reseal(row, oldKey, key)
      if (again) resealed.push(again)
    }
    await this.db
      .transaction('rw', [this.db.keys, this.db.cases], async () => {
        // Nothing may have changed meanwhile (another tab upgrading or wiping): else nothing is written.
        const now = await this.db.keys.get('data-key')
        const ids = await this.db.cases.toCollection().primaryKeys()
        if (!sameRecord(now, oldRecord) || ids.length !== rows.length || ids.some((id) => !read.has(id))) {
          throw new PasscodeError('the vault changed during the upgrade: open it again')
        }
        await this.db.cases.bulkPut(resealed)
        await this.db.keys.put(record)
      })
      .catch((e: unknown) => {
        // The old key is dropped: the vault is opened again from what is stored now.
        if (e instanceof PasscodeError) this.lock()
        throw e
      })
    this.key = key
    this.pendingUpgrade = null
  }

  /** The key record for a new data key under the target mode, and the data key as it is kept (not extractable). Writes nothing. */
  private async wrapUnder(target: VaultTarget, dataKey: CryptoKey): Promise<{ record: KeyRecord; key: CryptoKey }> {
    let record: KeyRecord
    let kek: CryptoKey
    if (target.mode === 'passphrase') {
      const problem = await passphraseProblem(target.passphrase)
      if (problem) throw new PassphraseError(problem)
      const kdf = { algorithm: 'argon2id' as const, salt: random(16), ...ARGON2ID_DEFAULTS }
      kek = await this.derive(target.passphrase, kdf, 'wrap')
      const wrappedKey = bytes(await crypto.subtle.wrapKey('raw', dataKey, kek, 'AES-KW'))
      record = { name: 'data-key', mode: 'passphrase', kdf, wrappedKey, failedAttempts: 0 }
    } else {
      const credentialId = await this.authenticator.create()
      const prfSalt = random(32)
      const hkdfSalt = random(32)
      // The person verifies a second time here: creating a credential gives no PRF output everywhere.
      kek = await kekFromPrf(await this.authenticator.evaluate(credentialId, prfSalt), hkdfSalt)
      const wrappedKey = bytes(await crypto.subtle.wrapKey('raw', dataKey, kek, 'AES-KW'))
      record = { name: 'data-key', mode: 'prf', credentialId, prfSalt, hkdfSalt, wrappedKey, failedAttempts: 0 }
    }
    keyRecordSchema.parse(record)
    return { record, key: await crypto.subtle.unwrapKey('raw', record.wrappedKey, kek, 'AES-KW', DATA_KEY, false, ['encrypt', 'decrypt']) }
  }

  /**
   * Opens the vault: with the passphrase, or (prf mode) by asking the platform authenticator,
   * which may throw PrfError when the person cancels. An old vault answers 'upgrade' instead of
   * opening. The stored record is parsed against its bounds before any key is derived.
   */
  async unlock(passphrase = ''): Promise<UnlockResult> {
    const parsed = keyRecordSchema.safeParse(await this.db.keys.get('data-key'))
    if (!parsed.success) return { ok: false, reason: 'wiped' }
    const record = parsed.data
    const wait = record.lastFailedAt ? record.lastFailedAt + passcodeDelay(record.failedAttempts) * 1000 - this.now() : 0
    if (wait > 0) return { ok: false, reason: 'wait', seconds: Math.ceil(wait / 1000) }
    let kek: CryptoKey
    if (!('mode' in record)) kek = await this.derive(passphrase, legacyParams(record), 'wrap')
    else if (record.mode === 'passphrase') kek = await this.derive(passphrase, record.kdf, 'wrap')
    else kek = await kekFromPrf(await this.authenticator.evaluate(record.credentialId, record.prfSalt), record.hkdfSalt)
    const legacy = !('mode' in record)
    let key: CryptoKey
    try {
      key = await crypto.subtle.unwrapKey('raw', new Uint8Array(record.wrappedKey), kek, 'AES-KW', DATA_KEY, false, legacy ? ['decrypt'] : ['encrypt', 'decrypt'])
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
    if (legacy) {
      // Not open: the old passcode may not keep guarding the data (issue 11, item 1).
      this.pendingUpgrade = key
      return { ok: false, reason: 'upgrade' }
    }
    this.key = key
    return { ok: true }
  }

  lock(): void {
    this.key = null
    this.pendingUpgrade = null
  }

  /** Removes every case and the key: what a lost, locked-out or revoked phone must do. */
  async wipe(): Promise<void> {
    this.lock()
    // Nothing of the cases stays, not even what they count. The server keeps the counts last sent;
    // the device counts on under a new id, so nothing it sends later replaces those.
    // The synced cases' documents, sync states and keys go too (features/caseSync, docs/case-sync.md).
    const db = this.db
    await db.transaction('rw', [db.keys, db.cases, db.countedCases, db.outbox, db.userKeys, db.docUpdates, db.docSync, db.docKeys, db.caseFacts], async () => {
      await Promise.all([db.cases, db.countedCases, db.outbox, db.keys, db.userKeys, db.docUpdates, db.docSync, db.docKeys, db.caseFacts].map((t) => (t as typeof db.cases).clear()))
    })
    this.onWiped()
  }

  async seal(record: CaseRecord): Promise<StoredCase> {
    const key = this.requireKey()
    const checked = caseRecordSchema.parse(record)
    const iv = random(12)
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
    // A version-1 case is read as version 2 (v2.ts upgradeV1) and written back as such at its next save.
    return storedCaseRecordSchema.parse(JSON.parse(new TextDecoder().decode(plain)))
  }

  /** Encrypts bytes under the vault key; `context` (e.g. "device-key|signing") is bound as associated data. */
  async encryptBytes(plain: Uint8Array<ArrayBuffer>, context: string): Promise<VaultSealed> {
    const key = this.requireKey()
    const iv = random(12)
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

/**
 * A stored case sealed under `to`: the same plaintext and clear index, a new iv, the same
 * associated data (id and schema version). Undefined when `from` does not open it.
 */
async function reseal(row: unknown, from: CryptoKey, to: CryptoKey): Promise<StoredCase | undefined> {
  const parsed = storedCaseSchema.safeParse(row)
  if (!parsed.success) return undefined
  const envelope = parsed.data
  const additionalData = associatedData(envelope.id, envelope.schemaVersion)
  let plain: Uint8Array<ArrayBuffer>
  try {
    plain = bytes(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: new Uint8Array(envelope.iv), additionalData }, from, new Uint8Array(envelope.ciphertext)))
  } catch {
    return undefined
  }
  try {
    const iv = random(12)
    return { ...(row as StoredCase), iv, ciphertext: bytes(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, to, plain)) }
  } finally {
    plain.fill(0)
  }
}

/** The same stored key record (its wrapped key and salt), so an upgrade writes over what it opened and nothing else. */
function sameRecord(a: unknown, b: unknown): boolean {
  const wrapped = (r: unknown) => (r && typeof r === 'object' && 'wrappedKey' in r && r.wrappedKey instanceof Uint8Array ? r.wrappedKey : null)
  const x = wrapped(a)
  const y = wrapped(b)
  return !!x && !!y && x.length === y.length && x.every((v, i) => v === y[i])
}

function legacyParams(record: LegacyKeyRecord) {
  return { algorithm: 'pbkdf2-sha256' as const, salt: new Uint8Array(record.salt), iterations: record.iterations }
}
