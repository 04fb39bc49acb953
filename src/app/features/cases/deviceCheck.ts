/** Case data may only live on a device its organisation approved, used by a signed-in professional. */
import { z } from 'zod'
import { api } from '../professional/api'
import { deviceRecord } from '../professional/deviceKey'

export async function deviceMayHoldCases(): Promise<boolean> {
  const device = await deviceRecord()
  if (!device?.id) return false
  try {
    const s = await api('GET', `/api/devices/${device.id}`, z.object({ status: z.string() }))
    return s.status === 'approved'
  } catch {
    return false
  }
}
