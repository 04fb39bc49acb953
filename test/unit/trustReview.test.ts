/**
 * A compromised server against the phones, after certificates (issue 11 review findings 1, 2, 5
 * and 7; docs/device-trust.md "Certificates"). Each test performs the attack the reviewer found:
 * an organisation of the server's making among the GP's own devices, a referral or feedback from
 * an organisation id the server made up, events without a verifiable box counted as status, and a
 * colleague's device added to the readers of a status. Real WebCrypto, a real (in-memory)
 * IndexedDB; only the network answer for a referral's readers is played.
 */
import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { acceptNewKey, forgetPinnedKeys, pinnedFingerprint, pinOnFirstUse } from '../../src/app/core/pinnedKeys'
import { openReferral } from '../../src/app/features/referrals/readReferral'
import { eventRecipients, referralGroups, type Directory } from '../../src/app/features/referrals/referralOutbox'
import { checkDevices } from '../../src/app/features/referrals/trust'
import { sealSigned, type Recipient } from '../../src/shared/crypto/sealed'
import { ECDSA_P256 } from '../../src/shared/crypto/signatures'
import { fingerprint, signCertificate, type Certificate, type OrganisationChain } from '../../src/shared/devices/certificates'
import type { Role } from '../../src/shared/accounts/roles'
import { referralContext, signedEventContext, type EventKind, type ListedReferral } from '../../src/shared/referrals/referral'

const WELZIJN = '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6'
const PRAKTIJK = '2c1d0e9f-8a7b-4c6d-9e5f-4a3b2c1d0e9f'
/** Organisation ids the server made up. */
const MADE_UP = '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d'
const GP_USER = '0b6a5f0e-6f3b-4b8e-9d57-1c2d3e4f5a6b'
const COLLEAGUE_USER = '9f8e7d6c-5b4a-4392-8a1b-0c9d8e7f6a5b'
const AT = '2026-11-30T09:00:00.000Z'

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
/** An organisation as its beheerder's phone sets it up (or as the server makes one up: the same steps with keys of its own). */
async function organisation(organisationId: string) {
  const key = (await crypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify'])) as CryptoKeyPair
  const admin = await phone()
  const cert = async (p: Phone, roles: Role[], kind: 'beheerder' | 'device', issuerKey: CryptoKey, userId: string, name: string): Promise<Certificate> =>
    signCertificate(
      {
        v: 1,
        kind,
        organisationId,
        userId,
        deviceId: p.id,
        deviceName: name,
        roles,
        encryptionKey: await jwk(p.encryption.publicKey),
        signingKey: await jwk(p.signing.publicKey),
        issuedAt: AT,
        issuer: kind === 'beheerder' ? { kind: 'organisation' } : { kind: 'device', deviceId: admin.id },
      },
      issuerKey,
    )
  const adminCert = await cert(admin, ['beheerder'], 'beheerder', key.privateKey, crypto.randomUUID(), 'Beheer')
  const chain: OrganisationChain = { organisationId, organisationKey: await jwk(key.publicKey), beheerders: [adminCert] }
  return {
    chain,
    fingerprint: await fingerprint(chain.organisationKey),
    approve: (p: Phone, roles: Role[], userId: string = crypto.randomUUID(), name = 'Telefoon') => cert(p, roles, 'device', admin.signing.privateKey, userId, name),
  }
}
const recipient = async (p: Phone): Promise<Recipient> => ({ deviceId: p.id, publicKey: await jwk(p.encryption.publicKey) })
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
async function event(referralId: string, kind: EventKind, note: string, by: Phone, cert: Certificate | null, to: Recipient[]): Promise<ListedReferral['events'][number]> {
  const id = crypto.randomUUID()
  return { id, kind, at: AT, sealed: await sealSigned({ note }, to, signedEventContext(referralId, id, kind), { deviceId: by.id, signingKey: by.signing.privateKey }, AT), senderCertificate: cert }
}

afterEach(async () => {
  vi.unstubAllGlobals()
  await forgetPinnedKeys()
})

describe("finding 1: the GP's own devices", () => {
  it("seals to no device of an organisation the server made up, nor a colleague's, and pins nothing first seen among them", async () => {
    const praktijk = await organisation(PRAKTIJK)
    const welzijn = await organisation(WELZIJN)
    const sanne = await phone()
    const gpTablet = await phone()
    const colleague = await phone()
    const sanneCert = await welzijn.approve(sanne, ['sociaal-werker'], crypto.randomUUID(), 'Telefoon Sanne')
    const tabletCert = await praktijk.approve(gpTablet, ['huisarts'], GP_USER, 'Tablet dokter Jansen')
    const colleagueCert = await praktijk.approve(colleague, ['huisarts'], COLLEAGUE_USER, 'Telefoon collega')
    // The server's organisation: an id, a chain and a device certificate of its own, named as the GP's.
    const fake = await organisation(MADE_UP)
    const spy = await phone()
    const spyCert = await fake.approve(spy, ['huisarts'], GP_USER, 'Tablet dokter Jansen')
    const directory: Directory = {
      routes: [{ intervention: 'wor', municipality: 'Oss', organisationId: WELZIJN, organisationName: 'Welzijn Oss' }],
      keys: { [WELZIJN]: [sanneCert] },
      own: [tabletCert, colleagueCert, spyCert],
      chains: { [WELZIJN]: welzijn.chain, [PRAKTIJK]: praktijk.chain, [MADE_UP]: fake.chain },
    }
    const gp = { userId: GP_USER, organisations: [PRAKTIJK] }

    // This phone does not know the practice's key yet: its own other devices wait until the GP accepts the number.
    const first = await checkDevices(referralGroups(directory, WELZIJN, gp))
    expect(first.trusted.map((d) => d.deviceId)).toEqual([sanne.id])
    expect(first.unknown).toEqual([{ organisationId: PRAKTIJK, fingerprint: praktijk.fingerprint }])
    expect(await pinnedFingerprint(PRAKTIJK)).toBeNull()
    expect(await pinnedFingerprint(MADE_UP)).toBeNull()
    // The receiving organisation the GP picked from the routing table is trusted on first use, and shown as new.
    expect(first.firstUse).toEqual([{ organisationId: WELZIJN, fingerprint: welzijn.fingerprint }])

    // After accepting the practice's number: the GP's own tablet, not the colleague's phone, never the spy.
    expect(await acceptNewKey(PRAKTIJK, praktijk.fingerprint)).toBe(true)
    const second = await checkDevices(referralGroups(directory, WELZIJN, gp))
    expect(second.trusted.map((d) => d.deviceId).sort()).toEqual([sanne.id, gpTablet.id].sort())
    expect(second.refused.map((d) => [d.deviceId, d.reason])).toEqual(
      expect.arrayContaining([
        [colleague.id, 'not-own'],
        [spy.id, 'organisation-unknown'],
      ]),
    )
    // The made-up organisation is neither pinned nor offered: it is none of the GP's organisations.
    expect(second.unknown).toEqual([])
    expect(await pinnedFingerprint(MADE_UP)).toBeNull()
  })
})

describe('finding 2: organisations named by a listing', () => {
  function listed(id: string, sealed: ListedReferral['sealed'], senderCertificate: Certificate | null, from: { id: string; name: string }, to: { id: string; name: string }, chains: Record<string, OrganisationChain>, events: ListedReferral['events'] = []): ListedReferral {
    return { id, intervention: 'wor', senderOrganisation: from, receivingOrganisation: to, status: 'verstuurd', sentAt: AT, firstContactDue: null, firstContactAt: null, overdue: false, sealed, senderCertificate, events, chains }
  }

  it("does not open a referral from an organisation this phone has not pinned, names it with its number, and opens it once the person accepts", async () => {
    const sanne = await phone()
    const me = { id: sanne.id, privateKey: sanne.encryption.privateKey }
    // The server makes up a practice, its chain and a "GP" device, and names it like a real one.
    const fake = await organisation(MADE_UP)
    const forger = await phone()
    const forgerCert = await fake.approve(forger, ['huisarts'], crypto.randomUUID(), 'Telefoon dokter Jansen')
    const id = crypto.randomUUID()
    const sealed = await sealSigned({ ...content, note: 'Bel dit nummer: 0900 1234' }, [await recipient(sanne)], referralContext(id), { deviceId: forger.id, signingKey: forger.signing.privateKey }, AT)
    const r = listed(id, sealed, forgerCert, { id: MADE_UP, name: 'Huisartsenpraktijk De Linde' }, { id: WELZIJN, name: 'Welzijn Oss' }, { [MADE_UP]: fake.chain })

    const opened = await openReferral(r, me)
    expect(opened.content).toEqual({ ok: false, problem: 'unknownSender' })
    expect(opened.unknownOrganisations).toEqual([{ organisationId: MADE_UP, fingerprint: fake.fingerprint, name: 'Huisartsenpraktijk De Linde' }])
    expect(await pinnedFingerprint(MADE_UP)).toBeNull()
    // Looking again does not wear it down.
    expect((await openReferral(r, me)).content.ok).toBe(false)
    // The worker phoned the practice, the numbers matched: accepted, and then it opens (Signal's message request).
    expect(await acceptNewKey(MADE_UP, opened.unknownOrganisations[0]!.fingerprint)).toBe(true)
    expect((await openReferral(r, me)).content).toMatchObject({ ok: true, value: { patient: { name: 'Geertruida Zonneveld' } } })
  })

  it("counts feedback in the GP's sent list only from the organisation it was sent to, under the key pinned when sending", async () => {
    const praktijk = await organisation(PRAKTIJK)
    const welzijn = await organisation(WELZIJN)
    const gp = await phone()
    const gpCert = await praktijk.approve(gp, ['huisarts'], GP_USER)
    const sanne = await phone()
    const sanneCert = await welzijn.approve(sanne, ['sociaal-werker'])
    const me = { id: gp.id, privateKey: gp.encryption.privateKey }
    await pinOnFirstUse(PRAKTIJK, praktijk.fingerprint)
    const to = [await recipient(gp), await recipient(sanne)]
    const id = crypto.randomUUID()
    const sealed = await sealSigned(content, to, referralContext(id), { deviceId: gp.id, signingKey: gp.signing.privateKey }, AT)
    const sentTo = { organisationId: WELZIJN, fingerprint: welzijn.fingerprint }

    // The server lists the referral under a receiving organisation it made up, with "feedback" from a device it certified there.
    const fake = await organisation(MADE_UP)
    const spy = await phone()
    const spyCert = await fake.approve(spy, ['sociaal-werker'])
    const forged = await event(id, 'afgerond', 'Niet nodig, mevrouw is geholpen', spy, spyCert, to)
    const real = await event(id, 'geaccepteerd', '', sanne, sanneCert, to)
    const r = listed(id, sealed, gpCert, { id: PRAKTIJK, name: 'Huisartsenpraktijk De Linde' }, { id: MADE_UP, name: 'Welzijn Oss' }, { [PRAKTIJK]: praktijk.chain, [WELZIJN]: welzijn.chain, [MADE_UP]: fake.chain }, [real, forged])
    const opened = await openReferral(r, me, { side: 'sent', sentTo })
    expect(opened.content.ok).toBe(true)
    expect(opened.events.map((e) => [e.kind, e.verified])).toEqual([
      ['geaccepteerd', true],
      ['afgerond', false],
    ])
    expect(opened.events[1]!.note).toBeUndefined()
    expect(await pinnedFingerprint(MADE_UP)).toBeNull()
    // The receiving organisation's key swapped for the server's, under the real id: not the key pinned when sending.
    const swapped = await organisation(WELZIJN)
    const spy2 = await phone()
    const swappedEvent = await event(id, 'afgerond', 'Afgesloten', spy2, await swapped.approve(spy2, ['sociaal-werker']), to)
    const again = await openReferral({ ...r, receivingOrganisation: { id: WELZIJN, name: 'Welzijn Oss' }, chains: { [PRAKTIJK]: praktijk.chain, [WELZIJN]: swapped.chain }, events: [swappedEvent] }, me, { side: 'sent', sentTo })
    expect(again.events.map((e) => e.verified)).toEqual([false])
    // A referral this phone has no record of sending: no feedback verifies.
    expect((await openReferral(r, me, { side: 'sent', sentTo: undefined })).events.map((e) => e.verified)).toEqual([false, false])
  })
})

describe('finding 5: events that cannot be checked', () => {
  it('are shown as such and do not make the status', async () => {
    const praktijk = await organisation(PRAKTIJK)
    const welzijn = await organisation(WELZIJN)
    const gp = await phone()
    const sanne = await phone()
    const sanneCert = await welzijn.approve(sanne, ['sociaal-werker'])
    await pinOnFirstUse(PRAKTIJK, praktijk.fingerprint)
    const to = [await recipient(gp), await recipient(sanne)]
    const id = crypto.randomUUID()
    const sealed = await sealSigned(content, to, referralContext(id), { deviceId: gp.id, signingKey: gp.signing.privateKey }, AT)
    const accepted = await event(id, 'geaccepteerd', '', sanne, sanneCert, to)
    // The server adds "afgerond" with no box at all, and one whose box another device signed.
    const bare = { id: crypto.randomUUID(), kind: 'afgerond' as const, at: AT, senderCertificate: sanneCert }
    const stranger = await phone()
    const wrongSigner = { ...(await event(id, 'contact', '', stranger, null, to)), senderCertificate: sanneCert }
    const r: ListedReferral = {
      id,
      intervention: 'wor',
      senderOrganisation: { id: PRAKTIJK, name: 'Huisartsenpraktijk De Linde' },
      receivingOrganisation: { id: WELZIJN, name: 'Welzijn Oss' },
      status: 'afgerond',
      sentAt: AT,
      firstContactDue: null,
      firstContactAt: null,
      overdue: false,
      sealed,
      senderCertificate: await praktijk.approve(gp, ['huisarts'], GP_USER),
      events: [accepted, wrongSigner, bare],
      chains: { [PRAKTIJK]: praktijk.chain, [WELZIJN]: welzijn.chain },
    }
    const opened = await openReferral(r, { id: gp.id, privateKey: gp.encryption.privateKey }, { side: 'sent', sentTo: { organisationId: WELZIJN, fingerprint: welzijn.fingerprint } })
    expect(opened.events.map((e) => [e.kind, e.verified])).toEqual([
      ['geaccepteerd', true],
      ['contact', false],
      ['afgerond', false],
    ])
    // The server says "afgerond"; the phone shows what it verified.
    expect(opened.status).toBe('geaccepteerd')
  })
})

describe("finding 7: readers of a status on the GP's side", () => {
  it("are only the devices of the GP who sent the referral, not a colleague's the server adds", async () => {
    const praktijk = await organisation(PRAKTIJK)
    const welzijn = await organisation(WELZIJN)
    const gp = await phone()
    const colleague = await phone()
    const sanne = await phone()
    const keys = [await praktijk.approve(gp, ['huisarts'], GP_USER), await praktijk.approve(colleague, ['huisarts'], COLLEAGUE_USER), await welzijn.approve(sanne, ['sociaal-werker'])]
    const referralId = crypto.randomUUID()
    vi.stubGlobal(
      'fetch',
      vi.fn(async (path: string) =>
        path === `/api/referrals/${referralId}/keys`
          ? new Response(JSON.stringify({ keys, chains: { [PRAKTIJK]: praktijk.chain, [WELZIJN]: welzijn.chain } }), { status: 200, headers: { 'Content-Type': 'application/json' } })
          : new Response('{}', { status: 404 }),
      ),
    )
    await pinOnFirstUse(PRAKTIJK, praktijk.fingerprint)
    await pinOnFirstUse(WELZIJN, welzijn.fingerprint)
    const referral = { id: referralId, senderOrganisation: { id: PRAKTIJK, name: 'Huisartsenpraktijk De Linde' }, receivingOrganisation: { id: WELZIJN, name: 'Welzijn Oss' } }
    const trust = await eventRecipients(referral, GP_USER)
    expect(trust.trusted.map((d) => d.deviceId).sort()).toEqual([gp.id, sanne.id].sort())
    expect(trust.refused.map((d) => [d.deviceId, d.reason])).toEqual([[colleague.id, 'not-own']])
  })
})
