import { describe, expect, it } from 'vitest'
import {
  certificateSchema,
  fingerprint,
  receivesReferrals,
  signCertificate,
  verifyDeviceCertificate,
  type Certificate,
  type OrganisationChain,
  type UnsignedCertificate,
} from '../../src/shared/devices/certificates'
import { ECDSA_P256 } from '../../src/shared/crypto/signatures'

const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const
const ORG = '11111111-1111-4111-8111-111111111111'
const OTHER_ORG = '22222222-2222-4222-8222-222222222222'
const AT = '2026-03-01T10:00:00.000Z'

async function jwk(key: CryptoKey) {
  const { x, y } = await crypto.subtle.exportKey('jwk', key)
  return { kty: 'EC' as const, crv: 'P-256' as const, x: x!, y: y! }
}
const signingPair = () => crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify']) as Promise<CryptoKeyPair>

async function device(organisationId = ORG) {
  const enc = (await crypto.subtle.generateKey(ECDH, true, ['deriveBits'])) as CryptoKeyPair
  const sig = await signingPair()
  return { id: crypto.randomUUID(), userId: crypto.randomUUID(), organisationId, enc, sig, encryptionKey: await jwk(enc.publicKey), signingKey: await jwk(sig.publicKey) }
}
type Dev = Awaited<ReturnType<typeof device>>

const unsigned = (d: Dev, kind: 'beheerder' | 'device', issuer: UnsignedCertificate['issuer'], roles: UnsignedCertificate['roles']): UnsignedCertificate => ({
  v: 1,
  kind,
  organisationId: d.organisationId,
  userId: d.userId,
  deviceId: d.id,
  deviceName: 'Telefoon | van Anna',
  roles,
  encryptionKey: d.encryptionKey,
  signingKey: d.signingKey,
  issuedAt: AT,
  issuer,
})

/** An organisation with its key, one beheerder device certified by it, and its chain. */
async function organisation(organisationId = ORG) {
  const orgKey = await signingPair()
  const admin = await device(organisationId)
  const adminCert = await signCertificate(unsigned(admin, 'beheerder', { kind: 'organisation' }, ['beheerder']), orgKey.privateKey)
  const chain: OrganisationChain = { organisationId, organisationKey: await jwk(orgKey.publicKey), beheerders: [adminCert] }
  const certify = async (d: Dev, roles: UnsignedCertificate['roles'] = ['sociaal-werker']) => signCertificate(unsigned(d, 'device', { kind: 'device', deviceId: admin.id }, roles), admin.sig.privateKey)
  return { orgKey, admin, adminCert, chain, certify }
}

describe('device certificates (docs/device-trust.md)', () => {
  it('verifies a beheerder certificate from the organisation key and a device certificate from a beheerder device', async () => {
    const o = await organisation()
    const fp = await fingerprint(o.chain.organisationKey)
    expect(await verifyDeviceCertificate(o.adminCert, o.chain, null)).toEqual({ ok: true, fingerprint: fp })
    const worker = await o.certify(await device())
    expect(certificateSchema.parse(worker)).toEqual(worker)
    expect(await verifyDeviceCertificate(worker, o.chain, fp)).toEqual({ ok: true, fingerprint: fp })
    expect(receivesReferrals(worker)).toBe(true)
    expect(receivesReferrals(o.adminCert)).toBe(false)
  })

  it('refuses a certificate signed by a key outside the chain (a key the server injects)', async () => {
    const o = await organisation()
    const rogue = await signingPair()
    const d = await device()
    const forged = await signCertificate(unsigned(d, 'device', { kind: 'device', deviceId: o.admin.id }, ['sociaal-werker']), rogue.privateKey)
    expect(await verifyDeviceCertificate(forged, o.chain, null)).toEqual({ ok: false, reason: 'bad-signature' })
    // A beheerder certificate the server made up, with a key of its own as "organisation".
    const fakeAdmin = await signCertificate(unsigned(d, 'beheerder', { kind: 'organisation' }, ['beheerder']), rogue.privateKey)
    expect(await verifyDeviceCertificate(fakeAdmin, o.chain, null)).toEqual({ ok: false, reason: 'bad-signature' })
    // ... and a device certificate "issued" by it: the issuer is not a valid beheerder in the chain.
    const chainWithFake = { ...o.chain, beheerders: [...o.chain.beheerders, fakeAdmin] }
    const viaFake = await signCertificate(unsigned(await device(), 'device', { kind: 'device', deviceId: d.id }, ['sociaal-werker']), d.sig.privateKey)
    expect(await verifyDeviceCertificate(viaFake, chainWithFake, null)).toEqual({ ok: false, reason: 'unknown-issuer' })
  })

  it('refuses a changed field, an unknown issuer, a device certificate from the organisation key and a non-beheerder issuer', async () => {
    const o = await organisation()
    const d = await device()
    const cert = await o.certify(d)
    const other = await device()
    const swapped: Certificate = { ...cert, encryptionKey: other.encryptionKey }
    expect(await verifyDeviceCertificate(swapped, o.chain, null)).toEqual({ ok: false, reason: 'bad-signature' })
    expect(await verifyDeviceCertificate({ ...cert, roles: ['sociaal-werker', 'beheerder'] }, o.chain, null)).toEqual({ ok: false, reason: 'bad-signature' })
    expect(await verifyDeviceCertificate({ ...cert, issuer: { kind: 'device', deviceId: d.id } }, o.chain, null)).toEqual({ ok: false, reason: 'unknown-issuer' })
    const fromOrgKey = await signCertificate(unsigned(d, 'device', { kind: 'organisation' }, ['sociaal-werker']), o.orgKey.privateKey)
    expect(await verifyDeviceCertificate(fromOrgKey, o.chain, null)).toEqual({ ok: false, reason: 'unknown-issuer' })
    // A beheerder-kind certificate for someone without the beheerder role cannot issue.
    const notAdmin = await signCertificate(unsigned(other, 'beheerder', { kind: 'organisation' }, ['sociaal-werker']), o.orgKey.privateKey)
    const chain2 = { ...o.chain, beheerders: [notAdmin] }
    const issued = await signCertificate(unsigned(d, 'device', { kind: 'device', deviceId: other.id }, ['sociaal-werker']), other.sig.privateKey)
    expect(await verifyDeviceCertificate(issued, chain2, null)).toEqual({ ok: false, reason: 'unknown-issuer' })
    expect(await verifyDeviceCertificate({ ...cert, signature: 'x' }, o.chain, null)).toEqual({ ok: false, reason: 'bad-signature' })
  })

  it("refuses another organisation's chain and a changed organisation key against the pinned fingerprint", async () => {
    const a = await organisation(ORG)
    const b = await organisation(OTHER_ORG)
    const cert = await a.certify(await device(ORG))
    expect(await verifyDeviceCertificate(cert, b.chain, null)).toEqual({ ok: false, reason: 'wrong-organisation' })
    // B's beheerder signs a certificate claiming organisation A, with a chain relabelled as A's.
    const bForA = await signCertificate(unsigned(await device(ORG), 'device', { kind: 'device', deviceId: b.admin.id }, ['sociaal-werker']), b.admin.sig.privateKey)
    // Its issuer's certificate belongs to B, so it is no beheerder of A; with A's key pinned, B's key is refused first.
    expect(await verifyDeviceCertificate(bForA, { ...b.chain, organisationId: ORG }, null)).toEqual({ ok: false, reason: 'unknown-issuer' })
    const pinned = await fingerprint(a.chain.organisationKey)
    expect(await verifyDeviceCertificate(bForA, { ...b.chain, organisationId: ORG }, pinned)).toEqual({ ok: false, reason: 'organisation-key-changed' })
    // A whole new chain for A (new organisation key, new beheerder): valid in itself, but not the pinned key.
    const replaced = await organisation(ORG)
    const newCert = await replaced.certify(await device(ORG))
    expect(await verifyDeviceCertificate(newCert, replaced.chain, null)).toMatchObject({ ok: true })
    expect(await verifyDeviceCertificate(newCert, replaced.chain, pinned)).toEqual({ ok: false, reason: 'organisation-key-changed' })
  })

  it('gives fingerprints as six groups of five digits, the same for the same key', async () => {
    const o = await organisation()
    const fp = await fingerprint(o.chain.organisationKey)
    expect(fp).toMatch(/^\d{5}( \d{5}){5}$/)
    expect(await fingerprint({ ...o.chain.organisationKey })).toBe(fp)
    expect(await fingerprint(o.adminCert.signingKey)).not.toBe(fp)
    // Known answer: SHA-256("P-256|a|b") → first five bytes as a number mod 100000.
    const hex = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('P-256|a|b'))).toString('hex')
    const first = String(parseInt(hex.slice(0, 10), 16) % 100000).padStart(5, '0')
    expect((await fingerprint({ crv: 'P-256', x: 'a', y: 'b' })).slice(0, 5)).toBe(first)
  })
})
