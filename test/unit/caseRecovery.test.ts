/**
 * The phone's checks around the organisation recovery key (docs/case-sync.md "Recovery"), with
 * real WebCrypto, a real vault and an in-memory IndexedDB; the server's answers are built here as
 * a compromised server could build them. A worker's phone seals its user keys only to a recovery
 * key signed by a beheerder's device certified under the pinned organisation key; a new device
 * takes user keys from a beheerder only for a recovery the server lists for it, while it has none.
 */
import 'fake-indexeddb/auto'
import { Dexie } from 'dexie'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { CaseDb } from '../../src/app/features/cases/caseDb'
import { Vault } from '../../src/app/features/cases/vault'
import { DEVICE_DB_NAME, deviceRecord, prepareRegistration, rememberRegistration, useDeviceVault } from '../../src/app/core/deviceIdentity'
import { acceptNewKey, forgetPinnedKeys } from '../../src/app/core/pinnedKeys'
import { acceptUserKeyBoxes, createUserKey, useUserKeyEnv } from '../../src/app/features/caseSync/userKey'
import { trustedRecoveryKey } from '../../src/app/features/caseSync/recoveryKeys'
import { signRecoveryKey, signRecoveryStart, type RecoveryOfMine, type UnsignedRecoveryStart } from '../../src/shared/api/caseRecovery'
import { userKeyContext } from '../../src/shared/api/caseSync'
import { toBase64 } from '../../src/shared/crypto/backup'
import { sealSigned } from '../../src/shared/crypto/sealed'
import { ECDSA_P256 } from '../../src/shared/crypto/signatures'
import { fingerprint, signCertificate, type Certificate, type OrganisationChain } from '../../src/shared/devices/certificates'

import { jwk, phone, type Phone as TestPhone } from './testPhones'

const ORG = '6c1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d7'
const SANNE = '2f2e1d0c-9b8a-4765-8432-10fedcba9877'
const THIS_DEVICE = '1b6a5f0e-6f3b-4b8e-9d57-1c2d3e4f5a6c'

interface Phone extends TestPhone {
  cert: Certificate
}

/** An organisation key, a beheerder's phone it certified, and a social worker's phone that phone certified. */
async function organisation() {
  const orgKey = (await crypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify'])) as CryptoKeyPair
  const make = async (kind: 'beheerder' | 'device', issuer: { key: CryptoKey; deviceId?: string }): Promise<Phone> => {
    const p = { id: crypto.randomUUID(), signing: (await crypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify'])) as CryptoKeyPair, encryption: (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits'])) as CryptoKeyPair }
    const cert = await signCertificate(
      {
        v: 1,
        kind,
        organisationId: ORG,
        userId: crypto.randomUUID(),
        deviceId: p.id,
        deviceName: 'Telefoon',
        roles: kind === 'beheerder' ? ['beheerder'] : ['sociaal-werker'],
        encryptionKey: await jwk(p.encryption.publicKey),
        signingKey: await jwk(p.signing.publicKey),
        issuedAt: '2026-11-30T09:00:00.000Z',
        issuer: issuer.deviceId ? { kind: 'device', deviceId: issuer.deviceId } : { kind: 'organisation' },
      },
      issuer.key,
    )
    return { ...p, cert }
  }
  const beheerder = await make('beheerder', { key: orgKey.privateKey })
  const second = await make('beheerder', { key: orgKey.privateKey })
  const worker = await make('device', { key: beheerder.signing.privateKey, deviceId: beheerder.id })
  const chain: OrganisationChain = { organisationId: ORG, organisationKey: await jwk(orgKey.publicKey), beheerders: [beheerder.cert, second.cert] }
  return { beheerder, second, worker, chains: { [ORG]: chain } }
}

async function recoveryKeySignedBy(p: Phone) {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])) as CryptoKeyPair
  return signRecoveryKey({ v: 1, id: crypto.randomUUID(), organisationId: ORG, publicKey: await jwk(pair.publicKey), createdAt: '2026-11-30T10:00:00.000Z', deviceId: p.id }, p.signing.privateKey)
}

let db: CaseDb
let vault: Vault
let org: Awaited<ReturnType<typeof organisation>>
let n = 0

beforeAll(async () => {
  await Dexie.delete(DEVICE_DB_NAME)
  db = new CaseDb('recovery-test')
  vault = new Vault(db)
  await vault.setUp('herstel na een verloren telefoon')
  useDeviceVault(() => vault)
  await prepareRegistration()
  await rememberRegistration(THIS_DEVICE, ORG)
  org = await organisation()
}, 60_000)
afterAll(() => {
  useDeviceVault(undefined)
  useUserKeyEnv(undefined)
  db.close()
})
beforeEach(async () => {
  await forgetPinnedKeys()
  useUserKeyEnv({ db: new CaseDb(`recovery-test-${n++}`), userId: async () => SANNE })
  await acceptNewKey(ORG, await fingerprint(org.chains[ORG]!.organisationKey))
})

describe('the recovery key a worker’s phone seals to', () => {
  it('is one a beheerder’s certified device signed, under the pinned organisation key', async () => {
    const key = await recoveryKeySignedBy(org.beheerder)
    expect(await trustedRecoveryKey({ key, signer: org.beheerder.cert, chains: org.chains }, ORG)).toEqual(key)
  })

  it('is refused when a device that is no beheerder’s signed it, when the key was swapped, or for an organisation not pinned', async () => {
    const byWorker = await recoveryKeySignedBy(org.worker)
    expect(await trustedRecoveryKey({ key: byWorker, signer: org.worker.cert, chains: org.chains }, ORG)).toBeNull()
    const good = await recoveryKeySignedBy(org.beheerder)
    const swapped = { ...good, publicKey: (await recoveryKeySignedBy(org.beheerder)).publicKey }
    expect(await trustedRecoveryKey({ key: swapped, signer: org.beheerder.cert, chains: org.chains }, ORG)).toBeNull()
    // A whole organisation the server made up: its own key, its own "beheerder".
    const fake = await organisation()
    const injected = await recoveryKeySignedBy(fake.beheerder)
    expect(await trustedRecoveryKey({ key: injected, signer: fake.beheerder.cert, chains: fake.chains }, ORG)).toBeNull()
    await forgetPinnedKeys()
    expect(await trustedRecoveryKey({ key: good, signer: org.beheerder.cert, chains: org.chains }, ORG)).toBeNull()
  })
})

describe('a recovered device', () => {
  /** A user key of Sanne sealed to this device by `from` (the confirming beheerder's phone). */
  async function boxFrom(from: Phone) {
    const me = (await deviceRecord())!
    const keyId = crypto.randomUUID()
    const box = await sealSigned({ userId: SANNE, keyId, key: toBase64(crypto.getRandomValues(new Uint8Array(32))) }, [{ deviceId: THIS_DEVICE, publicKey: me.publicKeys.publicKey }], userKeyContext(SANNE, keyId), { deviceId: from.id, signingKey: from.signing.privateKey }, new Date().toISOString())
    return { keyId, deviceId: THIS_DEVICE, box }
  }
  /** A recovery to `deviceId` confirmed by `by`, started (and signed) by `starter` (the organisation's second beheerder unless said). */
  const recovered = async (by: Phone, deviceId = THIS_DEVICE, starter: Phone = org.second, change: Partial<UnsignedRecoveryStart> = {}): Promise<RecoveryOfMine> => {
    const id = crypto.randomUUID()
    const start = await signRecoveryStart({ v: 1, id, organisationId: ORG, userId: SANNE, deviceId, startedBy: starter.id, startedAt: '2026-11-30T10:55:00.000Z', ...change }, starter.signing.privateKey)
    return { id, deviceId, startedByName: 'A', confirmedByName: 'B', confirmedAt: '2026-11-30T11:00:00.000Z', confirmerDeviceId: by.id, confirmerCertificate: by.cert, start, starterCertificate: starter.cert }
  }

  it('takes the user keys the confirming beheerder sealed to it, while it holds none', async () => {
    const result = await acceptUserKeyBoxes([await boxFrom(org.beheerder)], { devices: [] }, { recoveries: [await recovered(org.beheerder)], chains: org.chains })
    expect(result).toMatchObject({ added: 1, refused: 0 })
  })

  it('refuses them without a recovery listed for this device, from a device that is no beheerder’s, or once it holds a key', async () => {
    const box = await boxFrom(org.beheerder)
    expect(await acceptUserKeyBoxes([box], { devices: [] }, { recoveries: [], chains: org.chains })).toMatchObject({ added: 0, refused: 1 })
    expect(await acceptUserKeyBoxes([box], { devices: [] }, { recoveries: [await recovered(org.beheerder, crypto.randomUUID())], chains: org.chains })).toMatchObject({ added: 0, refused: 1 })
    expect(await acceptUserKeyBoxes([await boxFrom(org.worker)], { devices: [] }, { recoveries: [await recovered(org.worker)], chains: org.chains })).toMatchObject({ added: 0, refused: 1 })
    await createUserKey()
    expect(await acceptUserKeyBoxes([box], { devices: [] }, { recoveries: [await recovered(org.beheerder)], chains: org.chains })).toMatchObject({ added: 0, refused: 1 })
  })

  it('refuses them when one beheerder alone vouches (a compromised server says another one started it)', async () => {
    const box = await boxFrom(org.beheerder)
    const take = async (r: RecoveryOfMine) => acceptUserKeyBoxes([box], { devices: [] }, { recoveries: [r], chains: org.chains })
    // The confirming beheerder signed the start too; nobody signed it; a social worker's device signed it.
    expect(await take(await recovered(org.beheerder, THIS_DEVICE, org.beheerder))).toMatchObject({ added: 0, refused: 1 })
    expect(await take({ ...(await recovered(org.beheerder)), start: null, starterCertificate: null })).toMatchObject({ added: 0, refused: 1 })
    expect(await take(await recovered(org.beheerder, THIS_DEVICE, org.worker))).toMatchObject({ added: 0, refused: 1 })
    // A start another beheerder signed for another worker, another device or another request.
    expect(await take(await recovered(org.beheerder, THIS_DEVICE, org.second, { userId: crypto.randomUUID() }))).toMatchObject({ added: 0, refused: 1 })
    expect(await take(await recovered(org.beheerder, THIS_DEVICE, org.second, { deviceId: crypto.randomUUID() }))).toMatchObject({ added: 0, refused: 1 })
    expect(await take({ ...(await recovered(org.beheerder)), id: crypto.randomUUID() })).toMatchObject({ added: 0, refused: 1 })
    // A "beheerder" of an organisation the server made up signed it.
    const fake = await organisation()
    expect(await take(await recovered(org.beheerder, THIS_DEVICE, fake.second))).toMatchObject({ added: 0, refused: 1 })
    // Signed by the second beheerder, as it should be: taken.
    expect(await take(await recovered(org.beheerder))).toMatchObject({ added: 1, refused: 0 })
  })

  it('refuses them when one beheerder made up the other: a "beheerder" device the starter or the confirmer certified themselves', async () => {
    /** A device certified with the beheerder role, by `issuer`'s device, for a person the server made up. */
    const mintedBy = async (issuer: Phone): Promise<Phone> => {
      const p = await phone()
      const cert = await signCertificate(
        { ...issuer.cert, kind: 'device', userId: crypto.randomUUID(), deviceId: p.id, roles: ['beheerder'], encryptionKey: await jwk(p.encryption.publicKey), signingKey: await jwk(p.signing.publicKey), issuer: { kind: 'device', deviceId: issuer.id } },
        issuer.signing.privateKey,
      )
      return { ...p, cert }
    }
    const take = async (by: Phone, starter: Phone) => acceptUserKeyBoxes([await boxFrom(by)], { devices: [] }, { recoveries: [await recovered(by, THIS_DEVICE, starter)], chains: org.chains })
    // The confirming beheerder certified the starting "beheerder"; the starter certified the confirming one; one beheerder certified both.
    expect(await take(org.beheerder, await mintedBy(org.beheerder))).toMatchObject({ added: 0, refused: 1 })
    expect(await take(await mintedBy(org.second), org.second)).toMatchObject({ added: 0, refused: 1 })
    expect(await take(await mintedBy(org.beheerder), await mintedBy(org.beheerder))).toMatchObject({ added: 0, refused: 1 })
    // A third beheerder's device another beheerder approved starts, the second confirms: taken.
    expect(await take(org.second, await mintedBy(org.beheerder))).toMatchObject({ added: 1, refused: 0 })
  })
})
