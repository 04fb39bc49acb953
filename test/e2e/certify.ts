/**
 * Approving devices from Node as a beheerder's phone does (docs/device-trust.md, "Certificates"):
 * on first use per organisation the beheerder's client registers a device, binds its session to
 * it, makes the organisation key and certifies that device with it; each approval then sends a
 * real device certificate signed by that device. The same helper as the server tests
 * (test/server/devices.ts), over HTTP to the harness's server.
 */
import { Agent } from '../support/agent'
import { approveDevice as approveWithAgent, listedDevice, makeDeviceKeys, organisationTrust, publicJwk, unsignedFor, type DeviceKeys } from '../server/devices'
import { signRecoveryStart, type RecoveryStart } from '../../src/shared/api/caseRecovery'
import { ECDSA_P256 } from '../../src/shared/crypto/signatures'
import { signCertificate, type Certificate, type OrganisationChain } from '../../src/shared/devices/certificates'
import type { Role } from '../../src/shared/accounts/roles'
import type { ApiClient } from './apiClient'

/** The client's session as an Agent (same cookie and CSRF token), talking to the real server. */
function agentOf(client: ApiClient): Agent {
  const agent = new Agent({ request: (path: string, init?: RequestInit) => fetch(client.base + path, init) } as never)
  agent.cookie = client.cookie
  agent.csrf = client.csrf
  return agent
}

/** Approves one device with a certificate signed by the beheerder's (Node-made) device. */
export async function approveDevice(admin: ApiClient, organisationId: string, deviceId: string): Promise<void> {
  await approveWithAgent(agentOf(admin), organisationId, deviceId)
}

/**
 * The body of POST /api/case-sync/recovery/requests as the beheerder's phone sends it: the start
 * signed by the beheerder's (Node-made) device (docs/case-sync.md "Recovery").
 */
export async function recoveryStartBody(admin: ApiClient, organisationId: string, target: { deviceId: string; userId: string }): Promise<{ start: RecoveryStart }> {
  const device = (await organisationTrust(agentOf(admin), organisationId)).admin
  const start = await signRecoveryStart({ v: 1, id: crypto.randomUUID(), organisationId, userId: target.userId, deviceId: target.deviceId, startedBy: device.id, startedAt: new Date().toISOString() }, device.keys.signing.privateKey)
  return { start }
}

/**
 * Approves a beheerder's device as the phone holding the organisation key does
 * (OrganisationDevicesPage.vue): a beheerder certificate signed by the organisation key.
 */
export async function approveBeheerderDevice(admin: ApiClient, organisationId: string, deviceId: string): Promise<void> {
  const agent = agentOf(admin)
  const trust = await organisationTrust(agent, organisationId)
  const certificate = await signCertificate(unsignedFor(organisationId, await listedDevice(agent, organisationId, deviceId), { kind: 'organisation' }), trust.organisationKey.privateKey)
  const res = await agent.call('POST', `/api/orgs/${organisationId}/devices/${deviceId}/approve`, { certificate })
  if (res.status !== 200) throw new Error(`beheerder device approval failed: ${res.status} ${await res.text()}`)
}

/** Approves every pending device of the organisation. */
export async function approvePending(admin: ApiClient, organisationId: string): Promise<void> {
  const { devices } = await admin.call<{ devices: { id: string; status: string }[] }>('GET', `/api/orgs/${organisationId}/devices`)
  for (const d of devices.filter((x) => x.status === 'pending')) await approveDevice(admin, organisationId, d.id)
}

/**
 * What a compromised server can make on its own: an organisation key of its own, a "beheerder"
 * certified by it, and a device certified by that beheerder — a chain that does not lead to the
 * organisation's real key. For the attack tests: the phones must refuse all of it.
 */
export async function rogueDevice(organisationId: string, roles: Role[], deviceName: string): Promise<{ keys: DeviceKeys; id: string; certificate: Certificate; chain: OrganisationChain }> {
  const organisationKey = (await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair
  const admin = await makeDeviceKeys()
  const adminId = crypto.randomUUID()
  const cert = (keys: DeviceKeys, id: string, kind: 'beheerder' | 'device', rolesOf: Role[], name: string, signer: CryptoKey) =>
    signCertificate(
      {
        v: 1,
        kind,
        organisationId,
        userId: crypto.randomUUID(),
        deviceId: id,
        deviceName: name,
        roles: rolesOf,
        encryptionKey: keys.publicKey,
        signingKey: keys.signingKey,
        issuedAt: new Date().toISOString(),
        issuer: kind === 'beheerder' ? { kind: 'organisation' } : { kind: 'device', deviceId: adminId },
      },
      signer,
    )
  const adminCertificate = await cert(admin, adminId, 'beheerder', ['beheerder'], 'Beheer', organisationKey.privateKey)
  const keys = await makeDeviceKeys()
  const id = crypto.randomUUID()
  return { keys, id, certificate: await cert(keys, id, 'device', roles, deviceName, admin.signing.privateKey), chain: { organisationId, organisationKey: await publicJwk(organisationKey.publicKey), beheerders: [adminCertificate] } }
}
