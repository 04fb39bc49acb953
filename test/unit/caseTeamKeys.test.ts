/**
 * A colleague's exchange key and the case keys sealed to it, as the lead's and the colleague's
 * phones check them (src/app/features/caseSync/teamKeys.ts, docs/case-sync.md "The team"): only a
 * key signed by the colleague's own device, certified under the organisation key this phone pinned,
 * is sealed to; a key signed by an uncertified device, by another person's device, or altered by
 * the server is refused, and a case key box from an uncertified sender is not opened.
 */
import 'fake-indexeddb/auto'
import { Dexie } from 'dexie'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DEVICE_DB_NAME, prepareRegistration, rememberRegistration, useDeviceVault } from '../../src/app/core/deviceIdentity'
import { acceptNewKey, forgetPinnedKeys } from '../../src/app/core/pinnedKeys'
import { CaseDb } from '../../src/app/features/cases/caseDb'
import { Vault } from '../../src/app/features/cases/vault'
import { colleagueRecipient, colleagueSigners, openKeyBoxes } from '../../src/app/features/caseSync/teamKeys'
import type { Colleagues } from '../../src/shared/api/caseTeam'
import { makeExchangeKey, sealDocumentKey, type ExchangeKey } from '../../src/shared/caseSync/exchange'
import { newDocumentKey } from '../../src/shared/caseSync/messages'
import { ECDSA_P256 } from '../../src/shared/crypto/signatures'
import { fingerprint, signCertificate, type Certificate, type OrganisationChain } from '../../src/shared/devices/certificates'

import { jwk, phone, type Phone } from './testPhones'

const ORG = '6c1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6'
const THIS_DEVICE = '1b6a5f0e-6f3b-4b8e-9d57-1c2d3e4f5a6b'
const ANNA = '2f2e1d0c-9b8a-4765-8432-10fedcba9876'
const KOEN = '4a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d'
const DOC = '8d7c6b5a-4e3f-4a2b-9c1d-0e9f8a7b6c5d'


/** An organisation key (or a rogue one the server holds), a beheerder device, and `approve`. */
async function organisation() {
  const key = (await crypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify'])) as CryptoKeyPair
  const admin = await phone()
  const sign = async (p: Phone, userId: string, kind: 'beheerder' | 'device', issuerKey: CryptoKey): Promise<Certificate> =>
    signCertificate(
      {
        v: 1,
        kind,
        organisationId: ORG,
        userId,
        deviceId: p.id,
        roles: kind === 'beheerder' ? ['beheerder'] : ['sociaal-werker'],
        deviceName: 'Telefoon',
        issuedAt: '2026-11-30T09:00:00.000Z',
        issuer: kind === 'beheerder' ? { kind: 'organisation' } : { kind: 'device', deviceId: admin.id },
        signingKey: await jwk(p.signing.publicKey),
        encryptionKey: await jwk(p.encryption.publicKey),
      },
      issuerKey,
    )
  const adminCert = await sign(admin, crypto.randomUUID(), 'beheerder', key.privateKey)
  const chain: OrganisationChain = { organisationId: ORG, organisationKey: await jwk(key.publicKey), beheerders: [adminCert] }
  return { chain, approve: (p: Phone, userId: string) => sign(p, userId, 'device', admin.signing.privateKey), forge: (p: Phone, userId: string, rogue: CryptoKey) => sign(p, userId, 'device', rogue) }
}

let welzijn: Awaited<ReturnType<typeof organisation>>
let db: CaseDb
const uk = async () => ({ keyId: crypto.randomUUID(), key: await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']) })
const signer = (p: Phone) => ({ deviceId: p.id, signingKey: p.signing.privateKey })

beforeAll(async () => {
  await Dexie.delete(DEVICE_DB_NAME)
  db = new CaseDb('case-team-keys-test')
  const vault = new Vault(db)
  await vault.setUp('koffie bij de buurvrouw in Oss')
  useDeviceVault(() => vault)
  await prepareRegistration()
  await rememberRegistration(THIS_DEVICE, ORG)
  welzijn = await organisation()
})
afterAll(() => {
  useDeviceVault(undefined)
  db.close()
})
beforeEach(async () => {
  await acceptNewKey(ORG, await fingerprint(welzijn.chain.organisationKey))
})
afterEach(async () => {
  await forgetPinnedKeys()
})

/** What the server answers on GET /api/case-sync/colleagues: Anna with her exchange key and devices. */
const listing = (exchangeKey: ExchangeKey, devices: Certificate[], chain = welzijn.chain): Colleagues => ({
  colleagues: [{ userId: ANNA, name: 'Anna', exchangeKey, devices }],
  chains: { [ORG]: chain },
})

describe("a colleague's exchange key", () => {
  it('is sealed to when her own certified device signed it; the box opens only with her key', async () => {
    const annaPhone = await phone()
    const made = await makeExchangeKey(ANNA, await uk(), signer(annaPhone))
    const list = listing(made.record, [await welzijn.approve(annaPhone, ANNA)])
    const recipient = await colleagueRecipient(list, ANNA)
    expect(recipient).toEqual({ deviceId: made.record.keyId, publicKey: made.record.publicKey })
    // The lead (this phone's signer stands in for a certified colleague's device) seals; Anna opens.
    const lead = await phone()
    const dk = await newDocumentKey()
    const box = await sealDocumentKey(dk, { docId: DOC, keyGen: 1, userId: ANNA, exchangeKey: recipient }, signer(lead), new Date().toISOString())
    const got = new Map<number, CryptoKey>()
    const open = (leadCert: Certificate[]) =>
      openKeyBoxes([box], { userId: ANNA, signerKey: colleagueSigners({ colleagues: [{ userId: KOEN, name: 'Koen', exchangeKey: null, devices: leadCert }], chains: { [ORG]: welzijn.chain } }), exchange: made, has: (g) => got.has(g), addKey: (g, k) => void got.set(g, k) })
    // From a sender whose certificate the server forged: not opened.
    const rogue = (await crypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify'])) as CryptoKeyPair
    await open([await welzijn.forge(lead, KOEN, rogue.privateKey)])
    expect(got.size).toBe(0)
    await open([await welzijn.approve(lead, KOEN)])
    expect(await crypto.subtle.exportKey('raw', got.get(1)!)).toEqual(await crypto.subtle.exportKey('raw', dk))
  })

  it('is refused when an uncertified device signed it, another person’s device, or the server swapped its public half', async () => {
    const annaPhone = await phone()
    const made = await makeExchangeKey(ANNA, await uk(), signer(annaPhone))
    // No certificate at all for the signing device.
    await expect(colleagueRecipient(listing(made.record, []), ANNA)).rejects.toThrow('unknown-signer')
    // A certificate the server signed with a key of its own.
    const rogue = (await crypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify'])) as CryptoKeyPair
    await expect(colleagueRecipient(listing(made.record, [await welzijn.forge(annaPhone, ANNA, rogue.privateKey)]), ANNA)).rejects.toThrow('unknown-signer')
    // A real device of Koen, listed under Anna, signing "Anna's" key.
    const koenPhone = await phone()
    const byKoen = await makeExchangeKey(ANNA, await uk(), signer(koenPhone))
    await expect(colleagueRecipient(listing(byKoen.record, [await welzijn.approve(koenPhone, KOEN)]), ANNA)).rejects.toThrow('unknown-signer')
    // Anna's real key with the server's own public half in it.
    const server = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])) as CryptoKeyPair
    const injected = { ...made.record, publicKey: await jwk(server.publicKey) }
    await expect(colleagueRecipient(listing(injected, [await welzijn.approve(annaPhone, ANNA)]), ANNA)).rejects.toThrow('bad-signature')
  })
})
