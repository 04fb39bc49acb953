/**
 * A worker's user key between their own devices (issue 16, docs/case-sync.md "Keys and linking a
 * device"): the person's own devices with their certificates and chains (GET /api/devices), the
 * user-key boxes sealed to this device, and a box sealed to another device of theirs.
 */
import { z } from 'zod'
import { ownDevicesSchema } from '../../shared/api/devices'
import { userKeyBoxesSchema, type UserKeyBox } from '../../shared/api/caseSync'
import { api } from '../core/http'

export type { OwnDevices } from '../../shared/api/devices'

/** The person's own devices, each with its certificate (null while waiting), and their organisations' chains: unchecked, the phone checks them. */
export const listOwnDevices = () => api('GET', '/api/devices', ownDevicesSchema)
/** The user-key boxes sealed to the device this session is bound to. */
export const getUserKeyBoxes = async () => (await api('GET', '/api/case-sync/user-keys', userKeyBoxesSchema)).boxes
/** Stores a user key sealed to another device of the same person (201, or 200 when the server already holds it): only the status counts. */
export const postUserKeyBox = (box: UserKeyBox) => api('POST', '/api/case-sync/user-keys', z.unknown(), box)
