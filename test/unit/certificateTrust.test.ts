/**
 * A compromised server against the phone (issue 11 finding 4, docs/device-trust.md
 * "Certificates"): it adds a key of its own to the directory, forges a referral, or swaps an
 * organisation's key. The phone checks certificates itself, up to an organisation key it pinned on
 * first use: what the server made is not sealed to and not opened. Real WebCrypto and a real
 * (in-memory) IndexedDB; nothing is played.
 */
import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import { acceptChangedKey, acceptNewKey } from '../../src/app/core/pinnedKeys'
import { forgetPinnedKeys } from '../../src/app/core/pinnedKeys'
import { openReferral } from '../../src/app/features/referrals/readReferral'
import { checkDevices, type DeviceGroup } from '../../src/app/features/referrals/trust'
import { seal, sealSigned } from '../../src/shared/crypto/sealed'
import { ECDSA_P256 } from '../../src/shared/crypto/signatures'
import { fingerprint, signCertificate, type Certificate, type OrganisationChain } from '../../src/shared/devices/certificates'
import type { Role } from '../../src/shared/accounts/roles'
import { referralContext, type ListedReferral } from '../../src/shared/referrals/referral'

const WELZIJN = '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6'
const PRAKTIJK = '2c1d0e9f-8a7b-4c6d-9e5f-4a3b2c1d0e9f'
const jwk = async (k: CryptoKey) => {
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', k)
  return { kty: kty as 'EC', crv: crv as 'P-256', x: x!, y: y! }
}

interface Phone {
  id: string
  signing: CryptoKeyPair
  encryption: CryptoKeyPair
}
async function phone(): Promise<Phone> {
  return {
    id: crypto.randomUUID(),
    signing: (await crypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify'])) as CryptoKeyPair,
    encryption: (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits', 'deriveKey'])) as CryptoKeyPair,
  }
}

/** An organisation as its beheerder's phone sets it up: a key, a beheerder certificate, and certificates for devices it approves. */
async function organisation(organisationId: string) {
  const key = (await crypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify'])) as CryptoKeyPair
  const admin = await phone()
  const cert = async (p: Phone, roles: Role[], kind: 'beheerder' | 'device', issuerKey: CryptoKey, name = 'Telefoon'): Promise<Certificate> =>
    signCertificate(
      {
        v: 1,
        kind,
        organisationId,
        userId: crypto.randomUUID(),
        deviceId: p.id,
        deviceName: name,
        roles,
        encryptionKey: await jwk(p.encryption.publicKey),
        signingKey: await jwk(p.signing.publicKey),
        issuedAt: '2026-11-30T09:00:00.000Z',
        issuer: kind === 'beheerder' ? { kind: 'organisation' } : { kind: 'device', deviceId: admin.id },
      },
      issuerKey,
    )
  const adminCert = await cert(admin, ['beheerder'], 'beheerder', key.privateKey)
  const chain: OrganisationChain = { organisationId, organisationKey: await jwk(key.publicKey), beheerders: [adminCert] }
  return { key, admin, chain, approve: (p: Phone, roles: Role[], name?: string) => cert(p, roles, 'device', admin.signing.privateKey, name) }
}

afterEach(() => forgetPinnedKeys())

describe('sealing only to certified devices', () => {
  it('leaves out a key the server injects: no certificate, a certificate signed outside the chain, or a device whose role does not receive', async () => {
    const welzijn = await organisation(WELZIJN)
    const sanne = await phone()
    const sanneCert = await welzijn.approve(sanne, ['sociaal-werker'], 'Telefoon Sanne')
    // The server's own device: its "beheerder" is a key of the server, not in the organisation's chain.
    const server = await organisation(WELZIJN)
    const spy = await phone()
    const spyCert = await server.approve(spy, ['sociaal-werker'], 'Telefoon Spion')
    // A device row with just a public key, as before certificates.
    const bare = { deviceId: crypto.randomUUID(), publicKey: await jwk((await phone()).encryption.publicKey) }
    // A kaartbeheerder's phone, properly certified, but its role does not handle referrals.
    const kaart = await welzijn.approve(await phone(), ['kaartbeheerder'], 'Telefoon Kaart')
    const groups: DeviceGroup[] = [{ organisationId: WELZIJN, chain: welzijn.chain, certificates: [sanneCert, spyCert, bare, kaart], role: 'receivers', pin: 'first-use' }]
    const result = await checkDevices(groups)
    expect(result.trusted.map((d) => d.deviceId)).toEqual([sanne.id])
    expect(result.trusted[0]!.recipient.publicKey).toEqual(sanneCert.encryptionKey)
    expect(result.refused.map((d) => [d.deviceName, d.reason])).toEqual([
      ['Telefoon Spion', 'unknown-issuer'],
      ['', 'bad-signature'],
      ['Telefoon Kaart', 'not-a-receiver'],
    ])
    // The server also putting its own beheerder into the chain does not help: that certificate is not signed by the organisation key.
    const forgedChain = { ...welzijn.chain, beheerders: [...welzijn.chain.beheerders, ...server.chain.beheerders] }
    const again = await checkDevices([{ ...groups[0]!, chain: forgedChain }])
    expect(again.trusted.map((d) => d.deviceId)).toEqual([sanne.id])
  })

  it('refuses every device of an organisation whose key changed until a person accepts the new number', async () => {
    const welzijn = await organisation(WELZIJN)
    const sanne = await phone()
    const first = await checkDevices([{ organisationId: WELZIJN, chain: welzijn.chain, certificates: [await welzijn.approve(sanne, ['sociaal-werker'])], role: 'receivers', pin: 'first-use' }])
    expect(first.trusted).toHaveLength(1)
    // The server swaps the organisation key for its own and re-issues the whole chain with it.
    const swapped = await organisation(WELZIJN)
    const spy = await phone()
    const group: DeviceGroup = { organisationId: WELZIJN, chain: swapped.chain, certificates: [await swapped.approve(spy, ['sociaal-werker'])], role: 'receivers', pin: 'first-use' }
    const refused = await checkDevices([group])
    expect(refused.trusted).toEqual([])
    expect(refused.refused.map((d) => d.reason)).toEqual(['organisation-key-changed'])
    expect(refused.changes).toEqual([{ organisationId: WELZIJN, pinned: first.trusted[0]!.fingerprint, fingerprint: expect.stringMatching(/^\d{5}( \d{5}){5}$/) }])
    // Still refused on the next look; accepted only after the person saw both numbers.
    expect((await checkDevices([group])).trusted).toEqual([])
    expect(await acceptChangedKey(WELZIJN, refused.changes[0]!)).toBe(true)
    expect((await checkDevices([group])).trusted.map((d) => d.deviceId)).toEqual([spy.id])
  })
})

describe('opening only what a certified device signed', () => {
  async function listed(sealed: ListedReferral['sealed'], id: string, senderCertificate: Certificate | null, chains: Record<string, OrganisationChain>): Promise<ListedReferral> {
    return {
      id,
      intervention: 'wor',
      senderOrganisation: { id: PRAKTIJK, name: 'Huisartsenpraktijk De Linde' },
      receivingOrganisation: { id: WELZIJN, name: 'Welzijn Oss' },
      status: 'verstuurd',
      sentAt: '2026-11-30T09:00:00.000Z',
      firstContactDue: null,
      firstContactAt: null,
      overdue: false,
      sealed,
      senderCertificate,
      events: [],
      chains,
    }
  }
  const content = {
    intervention: 'wor',
    patient: { name: 'Geertruida Zonneveld', phone: '06 31415926', birthYear: 1948, municipality: 'Oss' },
    reasons: ['eenzaamheid'],
    note: '',
    domains: [],
    urgency: 'gewoon',
    consent: { given: true, date: '2026-11-30' },
    referrer: { name: 'Dokter Jansen', organisation: 'Huisartsenpraktijk De Linde' },
  }

  it('opens a referral signed by the GP\'s certified device, and not a forged or an anonymous one', async () => {
    const praktijk = await organisation(PRAKTIJK)
    const welzijn = await organisation(WELZIJN)
    const gp = await phone()
    const gpCert = await praktijk.approve(gp, ['huisarts'])
    const sanne = await phone()
    const to = [{ deviceId: sanne.id, publicKey: await jwk(sanne.encryption.publicKey) }]
    const chains = { [PRAKTIJK]: praktijk.chain, [WELZIJN]: welzijn.chain }
    const me = { id: sanne.id, privateKey: sanne.encryption.privateKey }
    // The social worker compared the GP practice's number and accepted it (nothing is pinned from a listing).
    await acceptNewKey(PRAKTIJK, await fingerprint(praktijk.chain.organisationKey))

    const id = crypto.randomUUID()
    const real = await sealSigned(content, to, referralContext(id), { deviceId: gp.id, signingKey: gp.signing.privateKey }, '2026-11-30T09:00:00.000Z')
    const opened = await openReferral(await listed(real, id, gpCert, chains), me)
    expect(opened.content).toMatchObject({ ok: true, value: { patient: { name: 'Geertruida Zonneveld' } } })

    // The server forges a referral: signed by a device it certified itself, outside the GP's chain.
    const server = await organisation(PRAKTIJK)
    const fake = await phone()
    const fakeCert = await server.approve(fake, ['huisarts'])
    const forgedId = crypto.randomUUID()
    const forged = await sealSigned({ ...content, note: 'Bel dit nummer' }, to, referralContext(forgedId), { deviceId: fake.id, signingKey: fake.signing.privateKey }, '2026-11-30T09:00:00.000Z')
    expect((await openReferral(await listed(forged, forgedId, fakeCert, chains), me)).content).toEqual({ ok: false, problem: 'unverified' })
    // ... or claims the GP's certificate for it: the signature does not match the GP's key.
    expect((await openReferral(await listed({ ...forged, sender: { ...forged.sender, deviceId: gp.id } }, forgedId, gpCert, chains), me)).content).toEqual({ ok: false, problem: 'unverified' })
    // ... or sends an anonymous box, as every box was before.
    const anonymous = await seal(content, to, referralContext(forgedId))
    expect((await openReferral(await listed(anonymous, forgedId, null, chains), me)).content).toEqual({ ok: false, problem: 'unverified' })
    // ... or a sender of the receiving organisation (who may send status events, not referrals).
    const worker = await phone()
    const workerCert = await welzijn.approve(worker, ['sociaal-werker'])
    const fromWorker = await sealSigned(content, to, referralContext(forgedId), { deviceId: worker.id, signingKey: worker.signing.privateKey }, '2026-11-30T09:00:00.000Z')
    expect((await openReferral(await listed(fromWorker, forgedId, workerCert, chains), me)).content).toEqual({ ok: false, problem: 'unverified' })
  })

  it('does not open from an organisation whose key changed, and names the change', async () => {
    const praktijk = await organisation(PRAKTIJK)
    const gp = await phone()
    const sanne = await phone()
    const to = [{ deviceId: sanne.id, publicKey: await jwk(sanne.encryption.publicKey) }]
    const me = { id: sanne.id, privateKey: sanne.encryption.privateKey }
    const id = crypto.randomUUID()
    const box = await sealSigned(content, to, referralContext(id), { deviceId: gp.id, signingKey: gp.signing.privateKey }, '2026-11-30T09:00:00.000Z')
    await acceptNewKey(PRAKTIJK, await fingerprint(praktijk.chain.organisationKey))
    expect((await openReferral(await listed(box, id, await praktijk.approve(gp, ['huisarts']), { [PRAKTIJK]: praktijk.chain }), me)).content.ok).toBe(true)
    // The server swaps the GP organisation's key and certifies its own device with it.
    const server = await organisation(PRAKTIJK)
    const fake = await phone()
    const forged = await sealSigned(content, to, referralContext(id), { deviceId: fake.id, signingKey: fake.signing.privateKey }, '2026-11-30T09:00:00.000Z')
    const opened = await openReferral(await listed(forged, id, await server.approve(fake, ['huisarts']), { [PRAKTIJK]: server.chain }), me)
    expect(opened.content).toEqual({ ok: false, problem: 'unverified' })
    expect(opened.keyChanges.map((c) => c.organisationId)).toEqual([PRAKTIJK])
  })
})
