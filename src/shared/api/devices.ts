/** What /api/devices answers (src/server/routes/devices.ts): a person's own phones, challenges, status, binding. */
import { z } from 'zod'
import { challengeSchema, DEVICE_STATUSES, deviceStatusSchema } from '../devices/deviceTrust'

export { challengeSchema, deviceStatusSchema }

/** POST /api/devices: registered, waiting for the beheerder. */
export const deviceRegisteredSchema = z.object({ id: z.guid(), status: z.literal('pending') })
export type DeviceRegistered = z.infer<typeof deviceRegisteredSchema>

/**
 * GET /api/devices: the person's own devices; canProve false for one registered before issue 11.
 * `certificate` (null before approval) and the organisations' `chains` are taken as they come: the
 * phone checks them itself before it seals a user key to a device or opens one from it
 * (features/caseSync/userKey.ts, docs/case-sync.md "Keys and linking a device").
 */
export const ownDevicesSchema = z.object({
  devices: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      status: z.enum(DEVICE_STATUSES),
      organisationId: z.string(),
      lastContactAt: z.string().nullable(),
      canProve: z.boolean(),
      certificate: z.unknown().optional(),
      counterId: z.guid().nullable().optional(),
    }),
  ),
  chains: z.record(z.string(), z.unknown()).optional(),
})
export type OwnDevices = z.infer<typeof ownDevicesSchema>
/** GET /api/devices/:id: one's own device's status with the session. */
export const ownDeviceSchema = z.object({ id: z.string(), status: z.enum(DEVICE_STATUSES), wipe: z.boolean() })
/** POST /api/devices/:id/bind */
export const deviceBoundSchema = z.object({ id: z.string(), status: z.enum(DEVICE_STATUSES), bound: z.literal(true) })
