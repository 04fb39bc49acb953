/**
 * This phone's identity (issue 11, docs/device-trust.md "The device's three keys"):
 *
 * - an **authentication** key pair (ECDSA P-256). Its private key is a non-extractable CryptoKey
 *   kept in the device database, usable while the vault is locked, and used only to answer the
 *   server's challenges (status without a session, binding a session to this device);
 * - an **encryption** key pair (ECDH P-256) to open boxes sealed to this device, and
 * - a **signing** key pair (ECDSA P-256) to sign boxes, status events and count snapshots.
 *   Their private keys are kept only as PKCS#8 sealed under the vault key
 *   (`vault.encryptBytes(…, 'device-key|encryption' | 'device-key|signing')`). While the vault is
 *   open they are unwrapped into non-extractable CryptoKeys held in memory, and dropped on lock.
 *
 * A copied IndexedDB therefore holds nothing that opens a box or signs for the person: only the
 * authentication key, which can ask the server whether this device is still approved.
 *
 * A device record from before issue 11 (one ECDH key pair, kept unwrapped) is deleted when the
 * database opens; the person is asked to register the phone again.
 */
import { Dexie, type EntityTable } from 'dexie'
import { z } from 'zod'
import { publicJwkSchema } from '../../shared/accounts/schemas'
import { ECDSA_P256, signMessage } from '../../shared/crypto/signatures'
import { challengeMessage, DEFAULT_OFFLINE_DAYS, type ChallengePurpose, type DeviceProof } from '../../shared/devices/deviceTrust'
import type { VaultSealed } from '../features/cases/vault'
import { useCaseVault } from '../features/cases/useCaseVault'
import { DEVICE_DB_NAME, setNotice } from './deviceNotice'
import { WIPED_DATABASES } from './storageNames'

export { DEVICE_DB_NAME }

const ECDH_P256 = { name: 'ECDH', namedCurve: 'P-256' } as const
const ENCRYPTION_CONTEXT = 'device-key|encryption'
const SIGNING_CONTEXT = 'device-key|signing'

export type PublicJwk = z.infer<typeof publicJwkSchema>
/** What is registered: `publicKey` (ECDH) as before, and the two ECDSA keys (deviceRegistrationSchema). */
export interface DevicePublicKeys {
  publicKey: PublicJwk
  authKey: PublicJwk
  signingKey: PublicJwk
}

/** The vault as this module needs it (useCaseVault().vault, or a test's own). */
export interface DeviceVault {
  readonly isUnlocked: boolean
  encryptBytes(plain: Uint8Array<ArrayBuffer>, context: string): Promise<VaultSealed>
  decryptBytes(sealed: VaultSealed, context: string): Promise<Uint8Array<ArrayBuffer>>
}

/** The vault is shut (or was set up again): the encryption and signing keys cannot be used now. */
export class DeviceLockedError extends Error {
  constructor(readonly code: 'locked' | 'unregistered' | 'unreadable') {
    super(code === 'locked' ? 'Unlock the vault first: the device keys are sealed under it' : code === 'unregistered' ? 'This device has no keys yet' : 'The device keys cannot be opened with this vault')
  }
}

const bytesSchema = z.instanceof(Uint8Array)
export const sealedSchema = z.object({ iv: bytesSchema, ciphertext: bytesSchema })
const cryptoKeySchema = z.custom<CryptoKey>((v) => typeof CryptoKey !== 'undefined' && v instanceof CryptoKey, 'not a CryptoKey')
/** The stored record, checked as it comes out of storage: anything else counts as no device. */
const storedDeviceSchema = z.object({
  key: z.literal('device'),
  id: z.guid().optional(),
  organisationId: z.guid().optional(),
  publicKeys: z.object({ publicKey: publicJwkSchema, authKey: publicJwkSchema, signingKey: publicJwkSchema }),
  authPrivateKey: cryptoKeySchema,
  sealedEncryptionKey: sealedSchema,
  sealedSigningKey: sealedSchema,
  createdAt: z.number(),
  /** Last successful status answer (device clock, ms). */
  lastContactAt: z.number().optional(),
  offlineDays: z.number().int().min(1).max(365),
})
type StoredDevice = z.infer<typeof storedDeviceSchema>

class DeviceDb extends Dexie {
  device!: EntityTable<StoredDevice, 'key'>
  constructor() {
    super(DEVICE_DB_NAME)
    this.version(1).stores({ device: 'key' })
    // Version 2 (issue 11): three keys, two of them sealed under the vault. An older record holds an
    // unwrapped ECDH key pair: it goes, and the person registers again.
    this.version(2)
      .stores({ device: 'key' })
      .upgrade(async (tx) => {
        const old: unknown = await tx.table('device').get('device')
        if (old && typeof old === 'object' && 'keyPair' in old) {
          await tx.table('device').delete('device')
          setNotice('legacy-removed')
        }
      })
  }
}

/** Opens the device database for one task (organisationKey.ts keeps its records here too). */
export async function withDb<T>(fn: (db: DeviceDb) => Promise<T>): Promise<T> {
  const db = new DeviceDb()
  try {
    return await fn(db)
  } finally {
    db.close()
  }
}

async function stored(): Promise<StoredDevice | undefined> {
  // A phone that never registered has no device database; do not make one just to look.
  if (!(await Dexie.exists(DEVICE_DB_NAME))) return undefined
  return withDb(async (db) => storedDeviceSchema.safeParse(await db.device.get('device')).data)
}

/** What may be said about this device without unlocking. */
export interface DeviceInfo {
  /** Set once the server accepted the registration. */
  id?: string
  organisationId?: string
  publicKeys: DevicePublicKeys
  createdAt: number
  lastContactAt?: number
  offlineDays: number
}

export async function deviceRecord(): Promise<DeviceInfo | undefined> {
  const d = await stored()
  if (!d) return undefined
  return { id: d.id, organisationId: d.organisationId, publicKeys: d.publicKeys, createdAt: d.createdAt, lastContactAt: d.lastContactAt, offlineDays: d.offlineDays }
}

// —— the vault, and what was unwrapped with it ——

let vaultSource: (() => DeviceVault) | undefined
const hooked = new WeakSet<object>()
/** For tests: the vault to seal the keys under (the app uses useCaseVault().vault). */
export function useDeviceVault(source: (() => DeviceVault) | undefined): void {
  vaultSource = source
  forgetUnwrappedKeys()
}

function currentVault(): DeviceVault {
  if (vaultSource) return vaultSource()
  const store = useCaseVault()
  if (!hooked.has(store)) {
    hooked.add(store)
    store.onLock(forgetUnwrappedKeys)
  }
  return store.vault
}

let unwrapped: { encryption?: CryptoKey; signing?: CryptoKey } = {}

/** Drops the unwrapped keys: called on lock and wipe (useCaseVault().onLock). */
export function forgetUnwrappedKeys(): void {
  unwrapped = {}
}

/** The open vault, or DeviceLockedError('locked'). */
export function openVault(): DeviceVault {
  const vault = currentVault()
  if (!vault.isUnlocked) {
    forgetUnwrappedKeys()
    throw new DeviceLockedError('locked')
  }
  return vault
}

async function unwrap(kind: 'encryption' | 'signing'): Promise<CryptoKey> {
  const vault = openVault()
  const cached = unwrapped[kind]
  if (cached) return cached
  const d = await stored()
  if (!d) throw new DeviceLockedError('unregistered')
  let pkcs8: Uint8Array<ArrayBuffer>
  try {
    pkcs8 = await vault.decryptBytes(kind === 'encryption' ? d.sealedEncryptionKey : d.sealedSigningKey, kind === 'encryption' ? ENCRYPTION_CONTEXT : SIGNING_CONTEXT)
  } catch {
    // Sealed under another vault (the vault was wiped and set up again): register again.
    throw new DeviceLockedError(vault.isUnlocked ? 'unreadable' : 'locked')
  }
  try {
    const key =
      kind === 'encryption'
        ? await crypto.subtle.importKey('pkcs8', pkcs8, ECDH_P256, false, ['deriveKey', 'deriveBits'])
        : await crypto.subtle.importKey('pkcs8', pkcs8, ECDSA_P256, false, ['sign'])
    // Locked meanwhile: keep nothing.
    if (vault.isUnlocked) unwrapped[kind] = key
    return key
  } finally {
    pkcs8.fill(0)
  }
}

/** The private ECDH key that opens boxes sealed to this device. Throws DeviceLockedError when the vault is shut. */
export function encryptionKey(): Promise<CryptoKey> {
  return unwrap('encryption')
}

/** The private ECDSA key that signs for this device (sealSigned). Throws DeviceLockedError when the vault is shut. */
export function signingKey(): Promise<CryptoKey> {
  return unwrap('signing')
}

/** Signs with the device's signing key (base64 r‖s, see shared/crypto/signatures.ts). Throws DeviceLockedError when the vault is shut. */
export async function signWithDevice(message: Uint8Array<ArrayBuffer>): Promise<string> {
  return signMessage(await unwrap('signing'), message)
}

/** This device's id and the key to open boxes with, if it is registered; throws DeviceLockedError when the vault is shut. */
export async function thisDevice(): Promise<{ id: string; privateKey: CryptoKey } | undefined> {
  const d = await deviceRecord()
  if (!d?.id) return undefined
  return { id: d.id, privateKey: await encryptionKey() }
}

// —— registration ——

export const publicJwk = async (key: CryptoKey): Promise<PublicJwk> => {
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', key)
  return publicJwkSchema.parse({ kty, crv, x, y })
}

/** A private key as PKCS#8 sealed under the vault; the plain bytes are zeroed. */
export async function sealPrivate(vault: DeviceVault, key: CryptoKey, context: string): Promise<VaultSealed> {
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', key))
  try {
    return await vault.encryptBytes(pkcs8, context)
  } finally {
    pkcs8.fill(0)
  }
}

/**
 * Makes the three key pairs for a registration (the vault must be open) and stores them, replacing
 * any earlier record. Returns the public keys to send; rememberRegistration keeps the server's id.
 */
export async function prepareRegistration(now = Date.now()): Promise<DevicePublicKeys> {
  const vault = openVault()
  const auth = (await crypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify'])) as CryptoKeyPair
  // Extractable only so that their PKCS#8 can be sealed under the vault; the copies used later are not.
  const encryption = (await crypto.subtle.generateKey(ECDH_P256, true, ['deriveKey', 'deriveBits'])) as CryptoKeyPair
  const signing = (await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair
  const publicKeys: DevicePublicKeys = { publicKey: await publicJwk(encryption.publicKey), authKey: await publicJwk(auth.publicKey), signingKey: await publicJwk(signing.publicKey) }
  const record: StoredDevice = {
    key: 'device',
    publicKeys,
    authPrivateKey: auth.privateKey,
    sealedEncryptionKey: await sealPrivate(vault, encryption.privateKey, ENCRYPTION_CONTEXT),
    sealedSigningKey: await sealPrivate(vault, signing.privateKey, SIGNING_CONTEXT),
    createdAt: now,
    offlineDays: DEFAULT_OFFLINE_DAYS,
  }
  await withDb((db) => db.device.put(record))
  forgetUnwrappedKeys()
  setNotice(null)
  return publicKeys
}

/** Keeps the id the server gave; registering counts as contact with the server. */
export async function rememberRegistration(id: string, organisationId: string, now = Date.now()): Promise<void> {
  await withDb((db) => db.device.update('device', { id, organisationId, lastContactAt: now }))
}

/** After a successful status answer: when, and how many days offline the server allows. */
export async function recordContact(offlineDays: number, now = Date.now()): Promise<void> {
  await withDb((db) => db.device.update('device', { lastContactAt: now, offlineDays }))
}

/** Signs the server's one-time challenge with the authentication key: works while the vault is locked. */
export async function proveDevice(purpose: ChallengePurpose, challenge: string): Promise<DeviceProof> {
  const d = await stored()
  if (!d?.id) throw new DeviceLockedError('unregistered')
  return { challenge, signature: await signMessage(d.authPrivateKey, challengeMessage(d.id, purpose, challenge)) }
}

/** A revoked device forgets everything: its keys, its cases, its referrals, its pinned keys (storageNames.ts, WIPED_DATABASES). */
export async function wipeDevice(): Promise<void> {
  forgetUnwrappedKeys()
  for (const name of WIPED_DATABASES) await Dexie.delete(name)
}
