/**
 * The code a new device shows so that another device of the same worker can link it (issue 16,
 * docs/case-sync.md "Keys and linking a device"): `<deviceId>.<30 digits>`, the digits being the
 * device's number (deviceFingerprint in src/shared/devices/certificates.ts: its signing and
 * encryption keys, the number a beheerder compares before approving). The other device finds the
 * device by its id among the worker's own devices and seals the user key to it only when the
 * number equals the one of the keys in its certificate, so a server that swaps a key is caught.
 */
import { z } from 'zod'
import { deviceFingerprint } from '../../../shared/devices/certificates'

const CODE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(\d{30})$/

/** A pasted or scanned code: spaces and line breaks are left out, letters taken in lower case. */
export const linkCodeSchema = z
  .string()
  .max(200)
  .transform((s) => s.replace(/\s+/g, '').toLowerCase())
  .pipe(z.string().regex(CODE, 'not a link code'))
  .transform((s) => {
    const [, deviceId, digits] = CODE.exec(s)!
    return { deviceId: deviceId!, digits: digits! }
  })
export type LinkCode = z.output<typeof linkCodeSchema>

type Key = { crv?: string; x?: string; y?: string }

/** The device's number without its spaces. */
export const numberDigits = async (signingKey: Key, encryptionKey: Key) => (await deviceFingerprint(signingKey, encryptionKey)).replace(/ /g, '')

/** This device's code, from its id and public keys (deviceRecord in core/deviceIdentity.ts). */
export async function linkCodeOf(deviceId: string, keys: { signingKey: Key; publicKey: Key }): Promise<string> {
  return `${deviceId}.${await numberDigits(keys.signingKey, keys.publicKey)}`
}
