/**
 * A phone that counts, set up through the API from Node (docs/device-trust.md): its three keys
 * registered, approved by the organisation's beheerder, the session bound to it by answering a
 * challenge, a counting id from the server, and snapshots signed with its signing key. For the
 * browser tests and the benchmark, which seed counts without a browser.
 */
import { signMessage } from '../../src/shared/crypto/signatures'
import type { CountRow } from '../../src/shared/kpi/counts'
import { snapshotMessage } from '../../src/shared/kpi/snapshot'
import { makeDeviceKeys, proof, registrationBody, type TestDevice } from '../server/devices'
import type { ApiClient } from './apiClient'
import { approveDevice } from './certify'

export interface CountingPhone {
  device: TestDevice
  counterId: string
  /** The body of POST /api/kpi/snapshots, signed by this phone. */
  snapshot(period: string, snapshotVersion: number, rows: CountRow[]): Promise<Record<string, unknown>>
  /** Signs and sends; the server's answer. */
  send(period: string, snapshotVersion: number, rows: CountRow[]): Promise<Record<string, unknown>>
}

/** `client` is signed in fully as a sociaal-werker of `organisationId`; `admin` is that organisation's beheerder. */
export async function countingPhone(client: ApiClient, admin: ApiClient, organisationId: string, name = 'Telefoon'): Promise<CountingPhone> {
  const keys = await makeDeviceKeys()
  const { id } = await client.call<{ id: string }>('POST', '/api/devices', registrationBody(organisationId, keys, name))
  await approveDevice(admin, organisationId, id)
  const device: TestDevice = { id, organisationId, keys }
  const { challenge } = await client.call<{ challenge: string }>('POST', `/api/devices/${id}/challenge`, { purpose: 'bind' })
  await client.call('POST', `/api/devices/${id}/bind`, await proof(device, 'bind', challenge))
  const { counterId } = await client.call<{ counterId: string }>('POST', '/api/kpi/counters', { organisationId })
  const snapshot = async (period: string, snapshotVersion: number, rows: CountRow[]) => {
    const unsigned = { counterId, period, snapshotVersion, rows }
    return { ...unsigned, signature: await signMessage(keys.signing.privateKey, await snapshotMessage({ ...unsigned, organisationId })) }
  }
  return { device, counterId, snapshot, send: async (period, version, rows) => client.call('POST', '/api/kpi/snapshots', await snapshot(period, version, rows)) }
}
