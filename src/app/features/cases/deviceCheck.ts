/** Case data may only live on a device its organisation approved, used by a signed-in professional. */
import { z } from 'zod'
import { api, ApiError } from '../professional/api'
import { deviceRecord } from '../../core/deviceIdentity'

export type DeviceStanding = 'approved' | 'pending' | 'revoked' | 'unregistered' | 'unknown'

/** What the server says of this device; 'unknown' offline or signed out (then nothing changes). */
export async function deviceStanding(): Promise<DeviceStanding> {
  const device = await deviceRecord()
  if (!device?.id) return 'unregistered'
  try {
    const s = await api('GET', `/api/devices/${device.id}`, z.object({ status: z.enum(['pending', 'approved', 'revoked']), wipe: z.boolean() }))
    return s.wipe ? 'revoked' : s.status
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return 'unregistered'
    return 'unknown'
  }
}
