/**
 * Device certificates on the server (issue 11 finding 4, and finding 5's "signed by an approved
 * device"; docs/device-trust.md). Each attack is performed first: a key the server (or anyone who
 * can write its tables) injects, a forged or anonymous referral box, a beheerder of another
 * organisation vouching for a device, a certificate for other keys, and devices of members who do
 * not handle referrals. Then what the server answers now.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ownDevicesSchema } from '../../src/shared/api/devices'
import { seal, sealSigned, type Recipient } from '../../src/shared/crypto/sealed'
import { ECDSA_P256 } from '../../src/shared/crypto/signatures'
import { signCertificate, verifyDeviceCertificate } from '../../src/shared/devices/certificates'
import { referralContext, type ReferralContent } from '../../src/shared/referrals/referral'
import { signedIn } from './agent'
import {
  approveDevice,
  approvedBoundDevice,
  bindDevice,
  certificateFor,
  listedDevice,
  makeDeviceKeys,
  organisationTrust,
  publicJwk,
  registerDevice,
  unsignedFor,
  type TestDevice,
} from './devices'
import { setupServerTest, type ServerTest } from './fixture'
import { referralWorld } from './referralWorld'

// One database for the file (each test makes its own organisations and people).
let shared: ServerTest
beforeAll(async () => {
  shared = await setupServerTest()
}, 60_000)
afterAll(async () => {
  await shared.close()
})

const CONTENT: ReferralContent = {
  intervention: 'wor',
  patient: { name: 'Geertruida Zonneveld', phone: '06 3141 5926', birthYear: 1948, municipality: 'Oss' },
  reasons: ['eenzaamheid'],
  note: '',
  domains: [],
  urgency: 'gewoon',
  consent: { given: true, date: '2026-11-20' },
  referrer: { name: 'Dokter Test', organisation: 'Huisartsenpraktijk De Linde' },
}

/** Whatever the server hands out as a key (a certificate now, a bare key before): as a recipient to seal to. */
type Handed = { deviceId: string; encryptionKey?: Recipient['publicKey']; publicKey?: Recipient['publicKey'] }
const asRecipient = (k: Handed): Recipient => ({ deviceId: k.deviceId, publicKey: (k.encryptionKey ?? k.publicKey)! })
type Directory = { keys: Record<string, Handed[]>; own: Handed[]; chains?: Record<string, unknown> }

/** A welzijn organisation (routed for WoR in Oss) with a certified social worker's phone, and a practice with a GP's phone. */
async function world() {
  const { welzijn, worker, practice, gp, workerPhone, gpPhone } = await referralWorld(shared)
  const directory = async () => (await (await gp.agent.call('GET', '/api/referrals/directory')).json()) as Directory
  /** Posts a referral to welzijn sealed to these recipients, signed (v2) by `signer` as `senderId`, or anonymous (v1) without a signer. */
  const refer = async (recipients: Recipient[], signer: { deviceId: string; signingKey: CryptoKey } | null = { deviceId: gpPhone.id, signingKey: gpPhone.keys.signing.privateKey }) => {
    const id = crypto.randomUUID()
    const sentAt = new Date().toISOString()
    const sealed = signer ? await sealSigned(CONTENT, recipients, referralContext(id), signer, sentAt) : await seal(CONTENT, recipients, referralContext(id))
    return gp.agent.call('POST', '/api/referrals', { id, intervention: 'wor', senderOrganisationId: practice.organisationId, receivingOrganisationId: welzijn.organisationId, sentAt, sealed })
  }
  const recipientsNow = async () => {
    const d = await directory()
    return [...d.keys[welzijn.organisationId]!, ...d.own].map(asRecipient)
  }
  return { welzijn, worker, practice, gp, workerPhone, gpPhone, directory, refer, recipientsNow }
}

/** A device row the server writes itself, approved, with no certificate: what a compromised server or a database writer adds. */
async function injectedDevice(userId: string, organisationId: string): Promise<TestDevice> {
  const keys = await makeDeviceKeys()
  const id = crypto.randomUUID()
  await shared.db.query(
    `INSERT INTO devices (id, user_id, organisation_id, name, public_key, auth_key, signing_key, status) VALUES ($1, $2, $3, 'Telefoon', $4::jsonb, $5::jsonb, $6::jsonb, 'approved')`,
    [id, userId, organisationId, JSON.stringify(keys.publicKey), JSON.stringify(keys.authKey), JSON.stringify(keys.signingKey)],
  )
  return { id, organisationId, keys }
}

describe('a key the server injects (finding 4)', () => {
  it('is not handed to a GP, and a box sealed to it is refused', async () => {
    const w = await world()
    const injected = await injectedDevice(w.worker.userId, w.welzijn.organisationId)
    const handed = (await w.directory()).keys[w.welzijn.organisationId]!.map((k) => k.deviceId)
    // Before: every approved row was handed out, so the GP sealed the patient to the server's key too.
    expect(handed).not.toContain(injected.id)
    expect(handed).toEqual([w.workerPhone.id])
    const toInjected = [...(await w.recipientsNow()), { deviceId: injected.id, publicKey: injected.keys.publicKey }]
    const res = await w.refer(toInjected)
    expect(res.status).toBe(409)
    expect(((await res.json()) as { code: string }).code).toBe('recipients-changed')
    // The certified recipients alone are accepted.
    expect((await w.refer(await w.recipientsNow())).status).toBe(201)
  })

  it('hands out certificates that verify up to the organisation key, with the chains to check them', async () => {
    const w = await world()
    const d = await w.directory()
    const [cert] = d.keys[w.welzijn.organisationId] as unknown[]
    const trust = await organisationTrust(w.welzijn.agent, w.welzijn.organisationId)
    const check = await verifyDeviceCertificate(cert, d.chains![w.welzijn.organisationId], null)
    expect(check.ok).toBe(true)
    expect(d.own.map((k) => k.deviceId)).toEqual([w.gpPhone.id])
    expect(await verifyDeviceCertificate(d.own[0], d.chains![w.practice.organisationId], null)).toMatchObject({ ok: true })
    expect(trust.adminCertificate.kind).toBe('beheerder')
  })

  it('cannot send: a session bound to an injected device is refused', async () => {
    const w = await world()
    const gp2 = await signedIn(shared.app, shared.db, shared.clock, 'huisarts', { organisationId: w.practice.organisationId })
    const injected = await injectedDevice(gp2.userId, w.practice.organisationId)
    await bindDevice(gp2.agent, injected)
    const id = crypto.randomUUID()
    const sentAt = new Date().toISOString()
    const sealed = await sealSigned(CONTENT, await w.recipientsNow(), referralContext(id), { deviceId: injected.id, signingKey: injected.keys.signing.privateKey }, sentAt)
    const res = await gp2.agent.call('POST', '/api/referrals', { id, intervention: 'wor', senderOrganisationId: w.practice.organisationId, receivingOrganisationId: w.welzijn.organisationId, sentAt, sealed })
    // Before: stored, and read by the social worker as a referral from this practice.
    expect(res.status).toBe(403)
    expect(((await res.json()) as { code: string }).code).toBe('device-not-certified')
  })
})

describe('a forged referral (finding 4)', () => {
  it('refuses an anonymous box, as anyone holding the public keys could make', async () => {
    const w = await world()
    const res = await w.refer(await w.recipientsNow(), null)
    // Before: stored (201), and the social worker read it as the GP's.
    expect(res.status).toBe(400)
  })

  it("refuses a box signed by another organisation's device, or by another key under the GP's device", async () => {
    const w = await world()
    const recipients = await w.recipientsNow()
    const other = await w.refer(recipients, { deviceId: w.workerPhone.id, signingKey: w.workerPhone.keys.signing.privateKey })
    expect(other.status).toBe(403)
    expect(((await other.json()) as { code: string }).code).toBe('wrong-sender')
    const intruder = (await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair
    const posing = await w.refer(recipients, { deviceId: w.gpPhone.id, signingKey: intruder.privateKey })
    expect(posing.status).toBe(400)
    expect(((await posing.json()) as { code: string }).code).toBe('bad-signature')
  })
})

describe('approving a device needs a certificate that verifies (finding 4)', () => {
  async function pendingDevice() {
    const { app, db, clock } = shared
    const admin = await signedIn(app, db, clock, 'beheerder')
    const worker = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: admin.organisationId })
    const phone = await registerDevice(worker.agent, admin.organisationId)
    return { admin, worker, phone, org: admin.organisationId }
  }
  const approve = (a: Awaited<ReturnType<typeof pendingDevice>>, body?: unknown) => a.admin.agent.call('POST', `/api/orgs/${a.org}/devices/${a.phone.id}/approve`, body)
  const statusOf = async (a: Awaited<ReturnType<typeof pendingDevice>>) => (await listedDevice(a.admin.agent, a.org, a.phone.id)).status

  it('refuses an approval without a certificate', async () => {
    const a = await pendingDevice()
    await organisationTrust(a.admin.agent, a.org)
    const res = await approve(a)
    // Before: approved with no certificate at all.
    expect(res.status).toBe(400)
    expect(((await res.json()) as { code: string }).code).toBe('certificate-required')
    expect(await statusOf(a)).toBe('pending')
  })

  it("refuses a certificate from a beheerder of organisation B for a device of A (B's chain)", async () => {
    const a = await pendingDevice()
    await organisationTrust(a.admin.agent, a.org)
    const b = await signedIn(shared.app, shared.db, shared.clock, 'beheerder')
    const trustB = await organisationTrust(b.agent, b.organisationId)
    const listed = await listedDevice(a.admin.agent, a.org, a.phone.id)
    const fromB = await signCertificate(unsignedFor(a.org, listed, { kind: 'device', deviceId: trustB.admin.id }), trustB.admin.keys.signing.privateKey)
    const res = await approve(a, { certificate: fromB })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 'bad-certificate', reason: 'unknown-issuer' })
    // Nor with a beheerder certificate B's organisation key signed as if it were A's.
    const bKeyAsA = await signCertificate(unsignedFor(a.org, { ...listed, roles: ['beheerder'] }, { kind: 'organisation' }), trustB.organisationKey.privateKey)
    expect((await approve(a, { certificate: bKeyAsA })).status).toBe(400)
    expect(await statusOf(a)).toBe('pending')
  })

  it("refuses a certificate for keys other than the ones the device registered", async () => {
    const a = await pendingDevice()
    const other = await makeDeviceKeys()
    const swapped = await certificateFor(a.admin.agent, a.org, a.phone.id, { encryptionKey: other.publicKey })
    const res = await approve(a, { certificate: swapped })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { code: string }).code).toBe('certificate-keys-mismatch')
    const roles = await certificateFor(a.admin.agent, a.org, a.phone.id, { roles: ['sociaal-werker', 'beheerder'] })
    expect(((await (await approve(a, { certificate: roles })).json()) as { code: string }).code).toBe('certificate-roles-mismatch')
    const rogue = (await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair
    const trust = await organisationTrust(a.admin.agent, a.org)
    const unsigned = unsignedFor(a.org, await listedDevice(a.admin.agent, a.org, a.phone.id), { kind: 'device', deviceId: trust.admin.id })
    const forged = await signCertificate(unsigned, rogue.privateKey)
    expect(await (await approve(a, { certificate: forged })).json()).toMatchObject({ code: 'bad-certificate', reason: 'bad-signature' })
    expect(await statusOf(a)).toBe('pending')
    // The right certificate is stored with the approval.
    const good = await certificateFor(a.admin.agent, a.org, a.phone.id)
    expect((await approve(a, { certificate: good })).status).toBe(200)
    expect((await listedDevice(a.admin.agent, a.org, a.phone.id)).certificate).toEqual(good)
  })
})

describe('the organisation key (finding 4)', () => {
  it('is set once, by a beheerder on their own bound device, with a beheerder certificate it signed', async () => {
    const { app, db, clock } = shared
    const admin = await signedIn(app, db, clock, 'beheerder')
    const org = admin.organisationId
    const phone = await registerDevice(admin.agent, org, 'Telefoon beheerder')
    const key = (await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair
    const cert = await signCertificate(unsignedFor(org, await listedDevice(admin.agent, org, phone.id), { kind: 'organisation' }), key.privateKey)
    const put = (body: unknown) => admin.agent.call('PUT', `/api/orgs/${org}/organisation-key`, body)
    const body = { organisationKey: await publicJwk(key.publicKey), certificate: cert }
    // Not on a session bound to the phone.
    expect((await put(body)).status).toBe(403)
    await bindDevice(admin.agent, phone)
    // A certificate signed by another key than the one sent.
    const other = (await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair
    expect((await put({ ...body, organisationKey: await publicJwk(other.publicKey) })).status).toBe(400)
    const res = await put(body)
    expect(res.status).toBe(200)
    expect(((await res.json()) as { fingerprint: string }).fingerprint).toMatch(/^\d{5}( \d{5}){5}$/)
    expect((await listedDevice(admin.agent, org, phone.id)).status).toBe('approved')
    // Once: a replacement is refused, even by the same beheerder with a valid certificate.
    const again = await put({ organisationKey: await publicJwk(other.publicKey), certificate: await signCertificate(cert, other.privateKey) })
    expect(again.status).toBe(409)
    expect(((await again.json()) as { code: string }).code).toBe('key-exists')
    const chain = ((await (await admin.agent.call('GET', `/api/orgs/${org}/chain`)).json()) as { chain: { organisationKey: { x: string } } }).chain
    expect(chain.organisationKey.x).toBe(body.organisationKey.x)
    const { rows } = await db.query<{ action: string }>(`SELECT action FROM audit_log WHERE organisation_id = $1 AND action = 'set-organisation-key'`, [org])
    expect(rows).toHaveLength(1)
  })

  it('may not be set by a member who is not beheerder', async () => {
    const { app, db, clock } = shared
    const admin = await signedIn(app, db, clock, 'beheerder')
    const worker = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: admin.organisationId })
    const phone = await registerDevice(worker.agent, admin.organisationId)
    await bindDevice(worker.agent, phone).catch(() => undefined)
    const key = (await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair
    const listed = { id: phone.id, name: 'Telefoon', status: 'pending', userId: worker.userId, publicKey: phone.keys.publicKey, signingKey: phone.keys.signingKey, roles: ['beheerder' as const], certificate: null }
    const cert = await signCertificate(unsignedFor(admin.organisationId, listed, { kind: 'organisation' }), key.privateKey)
    const res = await worker.agent.call('PUT', `/api/orgs/${admin.organisationId}/organisation-key`, { organisationKey: await publicJwk(key.publicKey), certificate: cert })
    expect(res.status).toBe(403)
  })
})

describe('who receives (finding 4)', () => {
  it("hands out only sociaal-werker devices of the receiving organisation, and refuses a box sealed to another member's device", async () => {
    const w = await world()
    // A second beheerder of the welzijn organisation, with an approved, certified phone.
    const colleague = await signedIn(shared.app, shared.db, shared.clock, 'beheerder', { organisationId: w.welzijn.organisationId })
    const colleaguePhone = await approvedBoundDevice(colleague.agent, w.welzijn.agent, w.welzijn.organisationId)
    const trust = await organisationTrust(w.welzijn.agent, w.welzijn.organisationId)
    const handed = (await w.directory()).keys[w.welzijn.organisationId]!.map((k) => k.deviceId)
    // Before: every approved device of the organisation, so the beheerders' phones received patients too.
    expect(handed).toEqual([w.workerPhone.id])
    expect(handed).not.toContain(colleaguePhone.id)
    expect(handed).not.toContain(trust.admin.id)
    const withColleague = [...(await w.recipientsNow()), { deviceId: colleaguePhone.id, publicKey: colleaguePhone.keys.publicKey }]
    const res = await w.refer(withColleague)
    expect(res.status).toBe(409)
    expect(((await res.json()) as { code: string }).code).toBe('recipients-changed')
  })

  it('drops a device whose member no longer holds a certified role', async () => {
    const w = await world()
    await shared.db.query(`DELETE FROM memberships WHERE user_id = $1 AND organisation_id = $2 AND role = 'sociaal-werker'`, [w.worker.userId, w.welzijn.organisationId])
    await shared.db.query(`INSERT INTO memberships (user_id, organisation_id, role) VALUES ($1, $2, 'huisarts')`, [w.worker.userId, w.welzijn.organisationId])
    expect((await w.directory()).keys[w.welzijn.organisationId]).toEqual([])
  })
})

describe('a revoked beheerder phone (finding 4)', () => {
  it('takes the devices it certified out of the directory until another beheerder phone certifies them again', async () => {
    const w = await world()
    const trust = await organisationTrust(w.welzijn.agent, w.welzijn.organisationId)
    const org = w.welzijn.organisationId
    // A second beheerder's phone, certified by the organisation key (the phone that holds it signs).
    const colleague = await signedIn(shared.app, shared.db, shared.clock, 'beheerder', { organisationId: org })
    const colleaguePhone = await registerDevice(colleague.agent, org, 'Telefoon Ahmed')
    await bindDevice(colleague.agent, colleaguePhone)
    const beheerderCert = await signCertificate(unsignedFor(org, await listedDevice(w.welzijn.agent, org, colleaguePhone.id), { kind: 'organisation' }), trust.organisationKey.privateKey)
    expect((await w.welzijn.agent.call('POST', `/api/orgs/${org}/devices/${colleaguePhone.id}/approve`, { certificate: beheerderCert })).status).toBe(200)
    // The first beheerder's phone is lost and revoked.
    expect((await colleague.agent.call('POST', `/api/orgs/${org}/devices/${trust.admin.id}/revoke`)).status).toBe(200)
    expect((await w.directory()).keys[org]).toEqual([])
    expect((await listedDevice(colleague.agent, org, w.workerPhone.id)).certified).toBe(false)
    // Certified again by the colleague's phone: a recipient again.
    const again = await signCertificate(
      unsignedFor(org, await listedDevice(colleague.agent, org, w.workerPhone.id), { kind: 'device', deviceId: colleaguePhone.id }),
      colleaguePhone.keys.signing.privateKey,
    )
    expect((await colleague.agent.call('POST', `/api/orgs/${org}/devices/${w.workerPhone.id}/approve`, { certificate: again })).status).toBe(200)
    expect((await w.directory()).keys[org]!.map((k) => k.deviceId)).toEqual([w.workerPhone.id])
    expect((await listedDevice(colleague.agent, org, w.workerPhone.id)).certified).toBe(true)
    // The revoked phone can no longer vouch for anyone.
    const stale = await signCertificate(unsignedFor(org, await listedDevice(colleague.agent, org, w.workerPhone.id), { kind: 'device', deviceId: trust.admin.id }), trust.admin.keys.signing.privateKey)
    expect(await (await colleague.agent.call('POST', `/api/orgs/${org}/devices/${w.workerPhone.id}/approve`, { certificate: stale })).json()).toMatchObject({ code: 'bad-certificate', reason: 'unknown-issuer' })
  })
})

// approveDevice is used throughout the server tests; it must stay a plain, working approval.
describe('the test helper', () => {
  it('approves with a certificate that verifies in the chain', async () => {
    const { app, db, clock } = shared
    const admin = await signedIn(app, db, clock, 'beheerder')
    const worker = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: admin.organisationId })
    const phone = await registerDevice(worker.agent, admin.organisationId)
    const cert = await approveDevice(admin.agent, admin.organisationId, phone.id)
    const chain = ((await (await admin.agent.call('GET', `/api/orgs/${admin.organisationId}/chain`)).json()) as { chain: unknown }).chain
    expect(await verifyDeviceCertificate(cert, chain, null)).toMatchObject({ ok: true })
  })
})

// Issue 16 (docs/case-sync.md "Keys and linking a device"): a worker's phone checks a new device of
// the same worker before it seals the user key to it, and who sealed a user key it receives.
describe('own devices with their certificates', () => {
  it('GET /api/devices lists an approved device with a certificate that verifies in the chain given beside it, and a waiting one without', async () => {
    const { app, db, clock } = shared
    const welzijn = await signedIn(app, db, clock, 'beheerder')
    const worker = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: welzijn.organisationId })
    const phone = await approvedBoundDevice(worker.agent, welzijn.agent, welzijn.organisationId, 'Telefoon')
    const laptop = await registerDevice(worker.agent, welzijn.organisationId, 'Laptop')
    const answer = ownDevicesSchema.parse(await (await worker.agent.call('GET', '/api/devices')).json())
    const byId = new Map(answer.devices.map((d) => [d.id, d]))
    expect(byId.get(laptop.id)!.certificate).toBeNull()
    const chain = answer.chains?.[welzijn.organisationId]
    expect(await verifyDeviceCertificate(byId.get(phone.id)!.certificate, chain, null)).toMatchObject({ ok: true })
  })
})
