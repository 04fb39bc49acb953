/**
 * A professional whose "phone" is Node: signed in over HTTP, with a registered, approved and bound
 * device whose keys the test holds. For browser tests that need a participant who misbehaves
 * (signs what the app would never send) or is there only to be seen by the server.
 */
import type { Role } from '../../src/shared/accounts/roles'
import { bindDevice, registerDevice, type TestDevice } from '../server/devices'
import { ApiClient } from './apiClient'
import { approveDevice } from './certify'

export interface NodeProfessional {
  client: ApiClient
  userId: string
  device: TestDevice
  organisationId: string
}

/** Invites the person into the organisation (its beheerder is `admin`), signs them in and approves their Node device. */
export async function nodeProfessional(
  base: string,
  org: { admin: ApiClient; organisationId: string },
  person: { email: string; name: string; role: Role },
  password: string,
): Promise<NodeProfessional> {
  await org.admin.invite(org.organisationId, person, password)
  const client = new ApiClient(base)
  await client.signInFirstTime(person.email, password)
  const device = await registerDevice(client.agent, org.organisationId, `${person.name} (Node)`)
  await approveDevice(org.admin, org.organisationId, device.id)
  await bindDevice(client.agent, device)
  const me = await client.call<{ id: string }>('GET', '/api/auth/me')
  return { client, userId: me.id, device, organisationId: org.organisationId }
}
