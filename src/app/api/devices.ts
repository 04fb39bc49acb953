/** A professional's own phone and the server (/api/devices; docs/device-trust.md). */
import type { DeviceProof, DeviceRegistration } from '../../shared/devices/deviceTrust'
import type { ChallengePurpose } from '../../shared/devices/deviceTrust'
import { challengeSchema, deviceBoundSchema, deviceRegisteredSchema, deviceStatusSchema } from '../../shared/api/devices'
import { api } from '../core/http'

const devicePath = (id: string) => `/api/devices/${encodeURIComponent(id)}`

/** Registers the phone's three public keys with an organisation; it waits for the beheerder. */
export const registerDevice = (registration: DeviceRegistration) => api('POST', '/api/devices', deviceRegisteredSchema, registration)
/** A one-time challenge the device signs with its authentication key (no session needed). */
export const askChallenge = (id: string, purpose: ChallengePurpose) => api('POST', `${devicePath(id)}/challenge`, challengeSchema, { purpose })
/** The device's status, for a signed answer to a status challenge (no session needed). */
export const deviceStatus = (id: string, proof: DeviceProof) => api('POST', `${devicePath(id)}/status`, deviceStatusSchema, proof)
/** Binds the signed-in session to the device, for a signed answer to a bind challenge. */
export const bindDevice = (id: string, proof: DeviceProof) => api('POST', `${devicePath(id)}/bind`, deviceBoundSchema, proof)
