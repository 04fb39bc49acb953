/**
 * The device's keys at rest (issue 11 finding 2, docs/device-trust.md "The device's three keys"):
 * someone who copies the phone's IndexedDB — or picks it up while the vault is locked — finds no
 * key that opens a box sealed to the device or signs for it. Real WebCrypto, a real vault and a
 * real (in-memory) IndexedDB.
 */
import 'fake-indexeddb/auto'
import { Dexie } from 'dexie'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { CaseDb } from '../../src/app/features/cases/caseDb'
import { Vault } from '../../src/app/features/cases/vault'
import {
  DEVICE_DB_NAME,
  DeviceLockedError,
  deviceRecord,
  encryptionKey,
  prepareRegistration,
  proveDevice,
  recordContact,
  rememberRegistration,
  signWithDevice,
  useDeviceVault,
} from '../../src/app/core/deviceIdentity'
import { notice, setNotice } from '../../src/app/core/deviceNotice'
import { offlineDecision, offlineGuard, setDeviceClock, type StatusCheck } from '../../src/app/core/deviceStatus'
import { openSealed, seal } from '../../src/shared/crypto/sealed'
import { verifyMessage } from '../../src/shared/crypto/signatures'
import { challengeMessage } from '../../src/shared/devices/deviceTrust'

const DEVICE_ID = '0b6a5f0e-6f3b-4b8e-9d57-1c2d3e4f5a6b'
const ORG_ID = '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6'
const PASSPHRASE = 'wandelcafé bij de Maas op dinsdag'
const DAY = 24 * 60 * 60 * 1000
const T0 = Date.UTC(2026, 10, 30, 9, 0)

let n = 0
let caseDb: CaseDb
let vault: Vault

beforeAll(() => {
  useDeviceVault(() => vault)
})
afterAll(() => useDeviceVault(undefined))
beforeEach(async () => {
  await Dexie.delete(DEVICE_DB_NAME)
  caseDb = new CaseDb(`device-identity-test-${n++}`)
  vault = new Vault(caseDb)
  await vault.setUp(PASSPHRASE)
})
afterEach(() => caseDb.close())

/** What a copy of the device database holds: every CryptoKey in any record, at any depth. */
async function keysInCopiedDatabase(): Promise<CryptoKey[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(DEVICE_DB_NAME)
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error as Error)
  })
  const found: CryptoKey[] = []
  const walk = (v: unknown) => {
    if (v instanceof CryptoKey) found.push(v)
    else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x)
  }
  for (const name of [...db.objectStoreNames]) {
    const rows = await new Promise<unknown[]>((resolve, reject) => {
      const req = db.transaction(name).objectStore(name).getAll()
      req.onsuccess = () => resolve(req.result as unknown[])
      req.onerror = () => reject(req.error as Error)
    })
    rows.forEach(walk)
  }
  db.close()
  return found
}

/** Tries every key on the box, as an attacker with the copy would. */
async function opensWithAny(keys: CryptoKey[], box: Awaited<ReturnType<typeof seal>>, context: string): Promise<unknown> {
  for (const key of keys) {
    try {
      return await openSealed(box, DEVICE_ID, key, context)
    } catch {
      // not this one
    }
  }
  return undefined
}

async function registered() {
  const keys = await prepareRegistration(T0)
  await rememberRegistration(DEVICE_ID, ORG_ID, T0)
  return keys
}

describe("the device's keys at rest", () => {
  it('a copied device database, or a locked phone, opens no box sealed to the device', async () => {
    const keys = await registered()
    const context = `referral|${crypto.randomUUID()}`
    const box = await seal({ patient: 'Geertruida Zonneveld' }, [{ deviceId: DEVICE_ID, publicKey: keys.publicKey }], context)
    vault.lock()

    const copied = await keysInCopiedDatabase()
    // What is there is the authentication key only: it signs challenges, it opens nothing.
    expect(copied.map((k) => `${k.type}:${k.algorithm.name}:${k.extractable}`)).toEqual(['private:ECDSA:false'])
    expect(await opensWithAny(copied, box, context)).toBeUndefined()
    await expect(encryptionKey()).rejects.toBeInstanceOf(DeviceLockedError)
    await expect(signWithDevice(new Uint8Array(8))).rejects.toBeInstanceOf(DeviceLockedError)

    // Unlocked, the device opens it (so the test above could have seen the box opened).
    expect((await vault.unlock(PASSPHRASE)).ok).toBe(true)
    const key = await encryptionKey()
    expect(key.extractable).toBe(false)
    expect(await openSealed(box, DEVICE_ID, key, context)).toEqual({ patient: 'Geertruida Zonneveld' })

    // Locked again: the unwrapped copy is not handed out any more.
    vault.lock()
    await expect(encryptionKey()).rejects.toBeInstanceOf(DeviceLockedError)
  })

  it('signs with the registered signing key while open, and answers challenges with the authentication key while locked', async () => {
    const keys = await registered()
    const message = new TextEncoder().encode('samenwerkwijze|kpi-snapshot/v1|x')
    const signature = await signWithDevice(message)
    expect(await verifyMessage(keys.signingKey, message, signature)).toBe(true)
    expect(await verifyMessage(keys.authKey, message, signature)).toBe(false)

    vault.lock()
    const challenge = 'A'.repeat(43)
    const proof = await proveDevice('status', challenge)
    expect(await verifyMessage(keys.authKey, challengeMessage(DEVICE_ID, 'status', challenge), proof.signature)).toBe(true)
    expect(await verifyMessage(keys.signingKey, challengeMessage(DEVICE_ID, 'status', challenge), proof.signature)).toBe(false)
  })

  it('keys sealed under another vault (the vault was set up again) are refused, not half-used', async () => {
    await registered()
    const other = new CaseDb(`device-identity-other-${n++}`)
    vault = new Vault(other)
    await vault.setUp(PASSPHRASE)
    await expect(encryptionKey()).rejects.toMatchObject({ code: 'unreadable' })
    other.close()
  })

  it('deletes a device record from before issue 11 (an unwrapped ECDH key pair) and asks the person to register again', async () => {
    setNotice(null)
    const old = new Dexie(DEVICE_DB_NAME)
    old.version(1).stores({ device: 'key' })
    const keyPair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveKey', 'deriveBits'])
    await old.table('device').put({ key: 'device', id: DEVICE_ID, organisationId: ORG_ID, keyPair })
    old.close()

    expect(await deviceRecord()).toBeUndefined()
    expect(await keysInCopiedDatabase()).toEqual([])
    expect(notice.value).toBe('legacy-removed')
  })
})

describe('the offline lock', () => {
  afterEach(() => setDeviceClock(() => Date.now()))

  it('counts whole days since the last status answer and locks only after more than offlineDays', () => {
    const device = { createdAt: T0, lastContactAt: T0, offlineDays: 14 }
    expect(offlineDecision(device, T0 + 14 * DAY)).toEqual({ locked: false, days: 14 })
    expect(offlineDecision(device, T0 + 14 * DAY + 1)).toEqual({ locked: true, days: 14 })
    expect(offlineDecision({ createdAt: T0, offlineDays: 3 }, T0 + 5 * DAY)).toEqual({ locked: true, days: 5 })
    // A clock set back more than a day (to look recent) does not lift the lock.
    expect(offlineDecision(device, T0 - 2 * DAY)).toEqual({ locked: true, days: 0 })
    expect(offlineDecision(device, T0 - 60_000)).toEqual({ locked: false, days: 0 })
  })

  it('keeps the vault shut after too long away, tries the server first, and opens once the server answered', async () => {
    await registered()
    await recordContact(14, T0)
    let now = T0 + 13 * DAY
    setDeviceClock(() => now)
    const asked: string[] = []
    const unreachable = async (): Promise<StatusCheck> => (asked.push('offline'), { kind: 'offline' })
    expect(await offlineGuard(unreachable)).toBeNull()
    expect(asked).toEqual([])

    now = T0 + 15 * DAY
    expect(await offlineGuard(unreachable)).toEqual({ ok: false, reason: 'offline', days: 15 })
    expect(asked).toEqual(['offline'])

    const answered = async (): Promise<StatusCheck> => {
      await recordContact(14, now)
      return { kind: 'status', status: 'approved' }
    }
    expect(await offlineGuard(answered)).toBeNull()
    expect((await deviceRecord())?.lastContactAt).toBe(now)
  })
})
