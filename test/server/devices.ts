/**
 * Test devices with real WebCrypto (docs/device-trust.md): three P-256 key pairs, registration,
 * approval by the organisation's beheerder, and a session bound to the device after it answered
 * the server's challenge with its authentication key.
 */
import type { Agent } from './agent'
import { challengeMessage, type ChallengePurpose, type DeviceProof, type DeviceRegistration } from '../../src/shared/devices/deviceTrust'
import { ECDSA_P256, signMessage } from '../../src/shared/crypto/signatures'

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

export async function approveDevice(adminAgent: Agent, organisationId: string, deviceId: string): Promise<void> {
  const res = await adminAgent.call('POST', `/api/orgs/${organisationId}/devices/${deviceId}/approve`)
  if (res.status !== 200) throw new Error(`device approval failed: ${res.status} ${await res.text()}`)
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
