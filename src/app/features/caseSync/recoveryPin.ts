/** Pinning the own organisation's key on a worker's phone, for recovery (docs/case-sync.md "Recovery"). */
import { certificateSchema, verifyDeviceCertificate } from '../../../shared/devices/certificates'
import { listOwnDevices } from '../../api/userKeys'
import { deviceRecord } from '../../core/deviceIdentity'
import { pinnedFingerprint, pinOnFirstUse } from '../../core/pinnedKeys'

const same = (a: { x: string; y: string }, b: { x: string; y: string }) => a.x === b.x && a.y === b.y

/**
 * A worker's phone that never pinned its own organisation's key pins it on first use, as a
 * beheerder's devices page does, but only the key whose chain certifies THIS device's own keys
 * (docs/case-sync.md "Recovery": without a pin no recovery key is trusted).
 */
export async function pinOwnOrganisation(self: { id: string; organisationId: string }): Promise<void> {
  if (await pinnedFingerprint(self.organisationId)) return
  const [own, record] = await Promise.all([listOwnDevices(), deviceRecord()])
  const cert = certificateSchema.safeParse(own.devices.find((d) => d.id === self.id)?.certificate).data
  if (!cert || !record || cert.deviceId !== self.id || cert.organisationId !== self.organisationId) return
  if (!same(cert.signingKey, record.publicKeys.signingKey) || !same(cert.encryptionKey, record.publicKeys.publicKey)) return
  const check = await verifyDeviceCertificate(cert, own.chains?.[self.organisationId], null)
  if (check.ok) await pinOnFirstUse(self.organisationId, check.fingerprint)
}
