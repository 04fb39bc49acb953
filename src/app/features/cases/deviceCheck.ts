/**
 * Case data may only live on a device its organisation approved. The device asks by answering the
 * server's challenge with its authentication key — no session needed (docs/device-trust.md) — and
 * a revoked device has wiped everything by the time this answers 'revoked'.
 */
import { checkDeviceStatus } from '../../core/deviceStatus'

export type DeviceStanding = 'approved' | 'pending' | 'revoked' | 'unregistered' | 'unknown'

/** What the server says of this device; 'unknown' offline or without a clear answer (then nothing changes). */
export async function deviceStanding(): Promise<DeviceStanding> {
  const result = await checkDeviceStatus()
  switch (result.kind) {
    case 'status':
      return result.status
    case 'wiped':
      return 'revoked'
    case 'unregistered':
    case 'register-again':
      return 'unregistered'
    default:
      return 'unknown'
  }
}
