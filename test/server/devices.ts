/**
 * Test devices with real WebCrypto (docs/device-trust.md): three P-256 key pairs, registration,
 * approval by the organisation's beheerder, and a session bound to the device after it answered
 * the server's challenge with its authentication key.
 */
import type { Agent } from './agent'
import { challengeMessage, type ChallengePurpose, type DeviceProof, type DeviceRegistration } from '../../src/shared/devices/deviceTrust'
import { ECDSA_P256, signMessage } from '../../src/shared/crypto/signatures'
import { signCertificate, type Certificate, type UnsignedCertificate } from '../../src/shared/devices/certificates'
import type { Role } from '../../src/shared/accounts/roles'

export interface PublicJwk {
  kty: 'EC'
  crv: 'P-256'
  x: string
  y: string
}

export interface DeviceKeys {
  /** ECDH P-256: boxes are sealed to it. */
  encryption: CryptoKeyPair
  /** ECDSA P-256: answers the server's challenges. */
  auth: CryptoKeyPair
  /** ECDSA P-256: signs boxes, events and count snapshots. */
  signing: CryptoKeyPair
  /** The public halves as the registration carries them. */
  publicKey: PublicJwk
  authKey: PublicJwk
  signingKey: PublicJwk
}

export interface TestDevice {
  id: string
  organisationId: string
  keys: DeviceKeys
}

const ECDH_P256 = { name: 'ECDH', namedCurve: 'P-256' } as const

export async function publicJwk(key: CryptoKey): Promise<PublicJwk> {
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', key)
  return { kty: kty as 'EC', crv: crv as 'P-256', x: x!, y: y! }
}

export async function makeDeviceKeys(): Promise<DeviceKeys> {
  const encryption = (await crypto.subtle.generateKey(ECDH_P256, true, ['deriveBits'])) as CryptoKeyPair
  const auth = (await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair
  const signing = (await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair
  return {
    encryption,
    auth,
    signing,
    publicKey: await publicJwk(encryption.publicKey),
    authKey: await publicJwk(auth.publicKey),
    signingKey: await publicJwk(signing.publicKey),
  }
}

/** The registration body for these keys (what the app posts). */
export const registrationBody = (organisationId: string, keys: DeviceKeys, name = 'Telefoon'): DeviceRegistration => ({
  organisationId,
  name,
  publicKey: keys.publicKey,
  authKey: keys.authKey,
  signingKey: keys.signingKey,
})

/** Registers a new device of the signed-in person (pending until a beheerder approves it). */
export async function registerDevice(agent: Agent, organisationId: string, name = 'Telefoon'): Promise<TestDevice> {
  const keys = await makeDeviceKeys()
  const res = await agent.call('POST', '/api/devices', registrationBody(organisationId, keys, name))
  if (res.status !== 201) throw new Error(`device registration failed: ${res.status} ${await res.text()}`)
  const { id } = (await res.json()) as { id: string }
  return { id, organisationId, keys }
}

/** A device as the beheerder's device list shows it: what a certificate for it names. */
export interface ListedDevice {
  id: string
  name: string
  status: string
  userId: string
  publicKey: PublicJwk
  signingKey: PublicJwk
  roles: Role[]
  certificate: Certificate | null
  /** The certificate verifies in the current chain for the member's current roles. */
  certified?: boolean
}

export async function listedDevice(adminAgent: Agent, organisationId: string, deviceId: string): Promise<ListedDevice> {
  const res = await adminAgent.call('GET', `/api/orgs/${organisationId}/devices`)
  if (res.status !== 200) throw new Error(`device list failed: ${res.status} ${await res.text()}`)
  const found = ((await res.json()) as { devices: ListedDevice[] }).devices.find((d) => d.id === deviceId)
  if (!found) throw new Error(`device ${deviceId} not in the list of ${organisationId}`)
  return found
}

/** An organisation's trust root in the tests: its key pair and the beheerder device that holds a certificate from it. */
export interface OrganisationTrust {
  organisationId: string
  organisationKey: CryptoKeyPair
  admin: TestDevice
  adminCertificate: Certificate
}

/** The certificate an issuer would sign for a listed device (a beheerder certificate when issued by the organisation key). */
export function unsignedFor(organisationId: string, d: ListedDevice, issuer: UnsignedCertificate['issuer'], issuedAt = new Date().toISOString()): UnsignedCertificate {
  return {
    v: 1,
    kind: issuer.kind === 'organisation' ? 'beheerder' : 'device',
    organisationId,
    userId: d.userId,
    deviceId: d.id,
    deviceName: d.name,
    roles: [...d.roles],
    encryptionKey: d.publicKey,
    signingKey: d.signingKey,
    issuedAt,
    issuer,
  }
}

// Per organisation id, made on first use: the organisation key and the beheerder's device.
const trusts = new Map<string, Promise<OrganisationTrust>>()

/**
 * The organisation's key and the admin's beheerder device, made on first use per organisation as
 * a beheerder's phone does (docs/device-trust.md, "Certificates"): register a device, bind the
 * admin's session to it, make the key and send it with the beheerder certificate it signed.
 */
export function organisationTrust(adminAgent: Agent, organisationId: string): Promise<OrganisationTrust> {
  let trust = trusts.get(organisationId)
  if (!trust) {
    trust = (async () => {
      const admin = await registerDevice(adminAgent, organisationId, 'Telefoon beheerder')
      await bindDevice(adminAgent, admin)
      const organisationKey = (await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair
      const adminCertificate = await signCertificate(unsignedFor(organisationId, await listedDevice(adminAgent, organisationId, admin.id), { kind: 'organisation' }), organisationKey.privateKey)
      const res = await adminAgent.call('PUT', `/api/orgs/${organisationId}/organisation-key`, { organisationKey: await publicJwk(organisationKey.publicKey), certificate: adminCertificate })
      if (res.status !== 200) throw new Error(`organisation key failed: ${res.status} ${await res.text()}`)
      return { organisationId, organisationKey, admin, adminCertificate }
    })()
    trusts.set(organisationId, trust)
    trust.catch(() => trusts.delete(organisationId))
  }
  return trust
}

/** The certificate the admin's beheerder device signs for a device of the organisation (what the approval sends). */
export async function certificateFor(adminAgent: Agent, organisationId: string, deviceId: string, change: Partial<UnsignedCertificate> = {}): Promise<Certificate> {
  const trust = await organisationTrust(adminAgent, organisationId)
  const unsigned = { ...unsignedFor(organisationId, await listedDevice(adminAgent, organisationId, deviceId), { kind: 'device', deviceId: trust.admin.id }), ...change }
  return signCertificate(unsigned, trust.admin.keys.signing.privateKey)
}

/**
 * Approves a device with a real certificate signed by the admin's beheerder device (the
 * organisation key and that device are made on first use per organisation; the admin's session is
 * then bound to that device).
 */
export async function approveDevice(adminAgent: Agent, organisationId: string, deviceId: string): Promise<Certificate> {
  const certificate = await certificateFor(adminAgent, organisationId, deviceId)
  const res = await adminAgent.call('POST', `/api/orgs/${organisationId}/devices/${deviceId}/approve`, { certificate })
  if (res.status !== 200) throw new Error(`device approval failed: ${res.status} ${await res.text()}`)
  return certificate
}

/** Asks the server for a one-time challenge (no session needed; `agent` may be signed out). */
export async function challenge(agent: Agent, deviceId: string, purpose: ChallengePurpose): Promise<string> {
  const res = await agent.call('POST', `/api/devices/${deviceId}/challenge`, { purpose })
  if (res.status !== 200) throw new Error(`challenge failed: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { challenge: string }).challenge
}

/** The device's answer to a challenge: signed with its authentication key. */
export async function proof(device: TestDevice, purpose: ChallengePurpose, challengeValue: string, signWith: CryptoKey = device.keys.auth.privateKey): Promise<DeviceProof> {
  return { challenge: challengeValue, signature: await signMessage(signWith, challengeMessage(device.id, purpose, challengeValue)) }
}

/** Challenge → signature → bind: the agent's session now runs on the device. */
export async function bindDevice(agent: Agent, device: TestDevice): Promise<void> {
  const c = await challenge(agent, device.id, 'bind')
  const res = await agent.call('POST', `/api/devices/${device.id}/bind`, await proof(device, 'bind', c))
  if (res.status !== 200) throw new Error(`device binding failed: ${res.status} ${await res.text()}`)
}

/** Challenge → signature → status, as a phone asks without a session. Returns the raw answer. */
export async function deviceStatus(agent: Agent, device: TestDevice): Promise<Response> {
  const c = await challenge(agent, device.id, 'status')
  return agent.call('POST', `/api/devices/${device.id}/status`, await proof(device, 'status', c))
}

/** A registered, approved device, with the agent's session bound to it: ready to act. */
export async function approvedBoundDevice(agent: Agent, adminAgent: Agent, organisationId: string, name?: string): Promise<TestDevice> {
  const device = await registerDevice(agent, organisationId, name)
  await approveDevice(adminAgent, organisationId, device.id)
  await bindDevice(agent, device)
  return device
}
