/**
 * The worker's user key on the phone and linking a new device of the same worker (issue 16,
 * docs/case-sync.md "Keys and linking a device"). Real WebCrypto, a real vault and a real
 * (in-memory) IndexedDB; the server's answers are what GET /api/devices and GET
 * /api/case-sync/user-keys send (test/server covers the routes), built here as a compromised
 * server could build them.
 */
import 'fake-indexeddb/auto'
import { Dexie } from 'dexie'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { CaseDb } from '../../src/app/features/cases/caseDb'
import { Vault } from '../../src/app/features/cases/vault'
import { DEVICE_DB_NAME, deviceRecord, prepareRegistration, rememberRegistration, useDeviceVault } from '../../src/app/core/deviceIdentity'
import { acceptNewKey, forgetPinnedKeys } from '../../src/app/core/pinnedKeys'
import { acceptUserKeyBoxes, createUserKey, currentUserKey, ensureUserKey, forgetUserKeys, rawUserKeys, useUserKeyEnv } from '../../src/app/features/caseSync/userKey'
import { checkLinkTarget, userKeyBoxesFor } from '../../src/app/features/caseSync/link'
import { linkCodeOf } from '../../src/app/features/caseSync/linkCode'
import type { OwnDevices } from '../../src/app/api/userKeys'
import { userKeyContext, type UserKeyBox } from '../../src/shared/api/caseSync'
import { toBase64 } from '../../src/shared/crypto/backup'
import { openVerified, sealSigned } from '../../src/shared/crypto/sealed'
import { ECDSA_P256 } from '../../src/shared/crypto/signatures'
import { fingerprint, recipientOf, signCertificate, type Certificate, type OrganisationChain } from '../../src/shared/devices/certificates'

import { jwk, phone, type Jwk, type Phone } from './testPhones'

const ORG = '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6'
const SANNE = '3f2e1d0c-9b8a-4765-8432-10fedcba9876'
const KOEN = '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d'
const THIS_DEVICE = '0b6a5f0e-6f3b-4b8e-9d57-1c2d3e4f5a6b'
const PASSPHRASE = 'wandelcafé bij de Maas op dinsdag'


/** An organisation as its beheerder's phone sets it up; `approve` certifies a device of a person. */
async function organisation() {
  const key = (await crypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify'])) as CryptoKeyPair
  const admin = await phone()
  const sign = async (unsigned: { userId: string; deviceId: string; signingKey: Jwk; encryptionKey: Jwk }, kind: 'beheerder' | 'device', issuerKey: CryptoKey): Promise<Certificate> =>
    signCertificate(
      {
        v: 1,
        kind,
        organisationId: ORG,
        roles: kind === 'beheerder' ? ['beheerder'] : ['sociaal-werker'],
        deviceName: kind === 'beheerder' ? 'Beheer' : 'Laptop',
        issuedAt: '2026-11-30T09:00:00.000Z',
        issuer: kind === 'beheerder' ? { kind: 'organisation' } : { kind: 'device', deviceId: admin.id },
        ...unsigned,
      },
      issuerKey,
    )
  const adminCert = await sign({ userId: crypto.randomUUID(), deviceId: admin.id, signingKey: await jwk(admin.signing.publicKey), encryptionKey: await jwk(admin.encryption.publicKey) }, 'beheerder', key.privateKey)
  const chain: OrganisationChain = { organisationId: ORG, organisationKey: await jwk(key.publicKey), beheerders: [adminCert] }
  const approve = async (p: Phone, userId: string) =>
    sign({ userId, deviceId: p.id, signingKey: await jwk(p.signing.publicKey), encryptionKey: await jwk(p.encryption.publicKey) }, 'device', admin.signing.privateKey)
  return { chain, approve }
}

const listed = (id: string, certificate: Certificate | null, status: 'approved' | 'pending' = 'approved') => ({ id, name: 'Laptop', status, organisationId: ORG, lastContactAt: null, canProve: true, certificate })

let db: CaseDb
let vault: Vault
let welzijn: Awaited<ReturnType<typeof organisation>>
let n = 0

beforeAll(async () => {
  await Dexie.delete(DEVICE_DB_NAME)
  db = new CaseDb(`user-key-test`)
  vault = new Vault(db)
  await vault.setUp(PASSPHRASE)
  useDeviceVault(() => vault)
  await prepareRegistration()
  await rememberRegistration(THIS_DEVICE, ORG)
  welzijn = await organisation()
})
afterAll(() => {
  useDeviceVault(undefined)
  useUserKeyEnv(undefined)
  db.close()
})
beforeEach(async () => {
  // Each test a fresh table of keys, and the organisation's key pinned as a phone of its member has it.
  const fresh = new CaseDb(`user-key-test-${n++}`)
  useUserKeyEnv({ db: fresh, userId: async () => SANNE })
  await acceptNewKey(ORG, await fingerprint(welzijn.chain.organisationKey))
})
afterEach(async () => {
  vi.unstubAllGlobals()
  await forgetPinnedKeys()
})

/** What the server answers on GET /api/devices for Sanne: this phone and the other devices given. */
async function ownDevices(...others: ReturnType<typeof listed>[]): Promise<OwnDevices> {
  return { devices: [listed(THIS_DEVICE, null), ...others], chains: { [ORG]: welzijn.chain } }
}

/** A user key sealed to this phone by `from`, as a device of that person would send it. */
async function boxFrom(from: Phone, content: { userId: string; keyId: string; key: string }, context = userKeyContext(SANNE, content.keyId), keyId = content.keyId): Promise<UserKeyBox> {
  const me = (await deviceRecord())!
  const box = await sealSigned(content, [{ deviceId: THIS_DEVICE, publicKey: me.publicKeys.publicKey }], context, { deviceId: from.id, signingKey: from.signing.privateKey }, new Date().toISOString())
  return { keyId, deviceId: THIS_DEVICE, box }
}
const rawKey = () => toBase64(crypto.getRandomValues(new Uint8Array(32)))
/** GET /api/case-sync/recovery/mine for a worker none of whose keys were sealed to a recovery key (docs/case-sync.md "Recovery"). */
const RECOVERIES = '/api/case-sync/recovery/mine'
const NO_RECOVERY = { recoveries: [], hadKeys: false, chains: {} }

describe('the user key on this device', () => {
  it('is made once, when the worker has no other approved device, and is the same after the vault is opened again', async () => {
    const asked: string[] = []
    vi.stubGlobal('fetch', async (path: string) => {
      asked.push(path)
      return Response.json(path === RECOVERIES ? NO_RECOVERY : await ownDevices(listed(crypto.randomUUID(), null, 'pending')))
    })
    const first = await ensureUserKey()
    expect('keyId' in first).toBe(true)
    const { keyId } = first as { keyId: string; key: CryptoKey }
    expect(await ensureUserKey()).toMatchObject({ keyId })
    // Asked the server once: the second time the key was there.
    expect(asked).toEqual(['/api/devices', RECOVERIES])
    const iv = crypto.getRandomValues(new Uint8Array(12))
    const secret = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, (first as { key: CryptoKey }).key, new TextEncoder().encode('Geertruida'))
    vault.lock()
    forgetUserKeys()
    await expect(currentUserKey()).rejects.toThrow()
    expect((await vault.unlock(PASSPHRASE)).ok).toBe(true)
    const again = await currentUserKey()
    expect(again?.keyId).toBe(keyId)
    expect(new TextDecoder().decode(await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, again!.key, secret))).toBe('Geertruida')
  })

  it('is not made while the worker has another approved device: this one waits to be linked', async () => {
    vi.stubGlobal('fetch', async (path: string) => Response.json(path === '/api/devices' ? await ownDevices(listed(crypto.randomUUID(), null)) : path === RECOVERIES ? NO_RECOVERY : { boxes: [] }))
    expect(await ensureUserKey()).toEqual({ waiting: 'link' })
    expect(await currentUserKey()).toBeNull()
  })

  it('is sealed at rest: the stored row holds neither the key bytes nor their base64', async () => {
    const { keyId } = await createUserKey()
    const { keys } = await rawUserKeys()
    const raw = keys.find((k) => k.keyId === keyId)!.raw
    const fresh = new CaseDb(`user-key-test-${n - 1}`)
    const row = await fresh.userKeys.get(keyId)
    fresh.close()
    // Every byte array and string anywhere in the row, as hex and as text.
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
    const found: string[] = []
    const walk = (v: unknown): void => {
      if (v instanceof Uint8Array) found.push(hex(v))
      else if (typeof v === 'string') found.push(v)
      else if (v && typeof v === 'object') Object.values(v).forEach(walk)
    }
    walk(row)
    expect(found.length).toBeGreaterThan(3)
    expect(found.filter((f) => f.includes(hex(raw)) || f.includes(toBase64(raw)))).toEqual([])
  })
})

describe('receiving the user key from another device of the worker', () => {
  it('keeps a key sealed by a device certified to the same person, and refuses one from another person, an uncertified device or another key’s context', async () => {
    const laptop = await phone()
    const koensPhone = await phone()
    const stranger = await phone()
    const server = await organisation() // the server's own "organisation key": not the pinned one
    const answer = await ownDevices(
      listed(laptop.id, await welzijn.approve(laptop, SANNE)),
      listed(koensPhone.id, await welzijn.approve(koensPhone, KOEN)),
      listed(stranger.id, await server.approve(stranger, SANNE)),
    )
    const good = crypto.randomUUID()
    const other = crypto.randomUUID()
    const boxes = [
      await boxFrom(koensPhone, { userId: SANNE, keyId: crypto.randomUUID(), key: rawKey() }),
      await boxFrom(stranger, { userId: SANNE, keyId: crypto.randomUUID(), key: rawKey() }),
      // Sealed for another key's context, posted under this key id.
      await boxFrom(laptop, { userId: SANNE, keyId: other, key: rawKey() }, userKeyContext(SANNE, other), crypto.randomUUID()),
      // The right context, but the content names another person.
      await boxFrom(laptop, { userId: KOEN, keyId: crypto.randomUUID(), key: rawKey() }),
    ]
    const refused = await acceptUserKeyBoxes(boxes, answer)
    expect(refused).toEqual({ added: 0, refused: 4, unknown: [], changes: [] })
    expect(await currentUserKey()).toBeNull()
    const accepted = await acceptUserKeyBoxes([await boxFrom(laptop, { userId: SANNE, keyId: good, key: rawKey() })], answer)
    expect(accepted.added).toBe(1)
    expect((await currentUserKey())?.keyId).toBe(good)
  })
})

describe('linking a new device of the worker', () => {
  it('seals every user key to the device of the code, and refuses a wrong number, a waiting device and another person’s device', async () => {
    const laptop = await phone()
    const cert = await welzijn.approve(laptop, SANNE)
    const koens = await phone()
    const waiting = await phone()
    const answer = await ownDevices(listed(laptop.id, cert), listed(waiting.id, null, 'pending'))
    const me = { userId: SANNE, deviceId: THIS_DEVICE }
    const code = await linkCodeOf(laptop.id, { signingKey: await jwk(laptop.signing.publicKey), publicKey: await jwk(laptop.encryption.publicKey) })
    // The server swapped the laptop's encryption key (and certificate) for its own: the number on the laptop no longer fits.
    const swapped = await phone()
    const swappedCert = await welzijn.approve({ ...laptop, encryption: swapped.encryption }, SANNE)
    expect(await checkLinkTarget(code, await ownDevices(listed(laptop.id, swappedCert)), me)).toEqual({ ok: false, reason: 'wrong-code' })
    expect(await checkLinkTarget(code.replace(/\.(\d)/, (_, d: string) => `.${(Number(d) + 1) % 10}`), answer, me)).toEqual({ ok: false, reason: 'wrong-code' })
    expect(await checkLinkTarget('hallo', answer, me)).toEqual({ ok: false, reason: 'bad-code' })
    expect(await checkLinkTarget(await linkCodeOf(waiting.id, { signingKey: await jwk(waiting.signing.publicKey), publicKey: await jwk(waiting.encryption.publicKey) }), answer, me)).toEqual({ ok: false, reason: 'pending' })
    const koensCode = await linkCodeOf(koens.id, { signingKey: await jwk(koens.signing.publicKey), publicKey: await jwk(koens.encryption.publicKey) })
    expect(await checkLinkTarget(koensCode, await ownDevices(listed(koens.id, await welzijn.approve(koens, KOEN))), me)).toEqual({ ok: false, reason: 'not-certified' })

    const target = await checkLinkTarget(` ${code.toUpperCase()}\n`, answer, me)
    expect(target.ok).toBe(true)
    const first = await createUserKey(new Date('2026-11-30T09:00:00.000Z'))
    const second = await createUserKey(new Date('2026-11-30T10:00:00.000Z'))
    const boxes = await userKeyBoxesFor((target as { certificate: Certificate }).certificate)
    expect(boxes.map((b) => [b.keyId, b.deviceId])).toEqual([
      [first.keyId, laptop.id],
      [second.keyId, laptop.id],
    ])
    // The laptop opens them, checking that this phone signed them.
    const mine = (await deviceRecord())!.publicKeys.signingKey
    for (const b of boxes) {
      const content = (await openVerified(b.box, laptop.id, laptop.encryption.privateKey, userKeyContext(SANNE, b.keyId), async (id) => (id === THIS_DEVICE ? mine : null))) as { userId: string; keyId: string }
      expect(content).toMatchObject({ userId: SANNE, keyId: b.keyId })
    }
    expect(boxes[0]!.box.recipients.map((r) => r.deviceId)).toEqual([recipientOf(cert).deviceId])
  })
})
