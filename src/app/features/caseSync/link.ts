/**
 * Linking a new device of the same worker from one that holds the user key (issue 16,
 * docs/case-sync.md "Keys and linking a device"). The new device shows its link code (linkCode.ts);
 * this device finds that device among the worker's own devices, checks its certificate itself —
 * certified to the same person under an organisation key this phone pinned — and that the code's
 * number is the number of the keys in that certificate. Only then it seals every user key it holds
 * to the device's certified encryption key (sealed v2, signed by this device) and sends the boxes.
 */
import { userKeyContext, type UserKeyBox } from '../../../shared/api/caseSync'
import { toBase64 } from '../../../shared/crypto/backup'
import { sealSigned } from '../../../shared/crypto/sealed'
import { certificateSchema, recipientOf, type Certificate } from '../../../shared/devices/certificates'
import { listOwnDevices, postUserKeyBox, type OwnDevices } from '../../api/userKeys'
import { deviceRecord, signingKey } from '../../core/deviceIdentity'
import { checkDevices, type KeyChange, type NewKey } from '../referrals/trust'
import { linkCodeSchema, numberDigits } from './linkCode'
import { createUserKey, rawUserKeys, receiveUserKeys, userKeyOwner } from './userKey'

/**
 * Why a device is not linked:
 * - `bad-code`: the text is not a link code;
 * - `not-own`: no device of this person has that id (or it is this device, or revoked);
 * - `pending`: the device waits for a beheerder's approval;
 * - `not-certified`: its certificate does not verify to this person under the pinned key;
 * - `wrong-code`: the number is not the number of the certified keys (a swapped key, or a typo);
 * - `unknown-organisation` / `key-changed`: the organisation's key is not (or no longer) the pinned one.
 */
export type LinkRefusal =
  | { ok: false; reason: 'bad-code' | 'not-own' | 'pending' | 'not-certified' | 'wrong-code' }
  | { ok: false; reason: 'unknown-organisation'; unknown: NewKey }
  | { ok: false; reason: 'key-changed'; change: KeyChange }
export type LinkTarget = { ok: true; certificate: Certificate } | LinkRefusal

/** Checks a code against the person's own devices as the server lists them (untrusted). */
export async function checkLinkTarget(code: string, devices: OwnDevices, me: { userId: string; deviceId: string }): Promise<LinkTarget> {
  const parsed = linkCodeSchema.safeParse(code)
  if (!parsed.success) return { ok: false, reason: 'bad-code' }
  const { deviceId, digits } = parsed.data
  const listed = devices.devices.find((d) => d.id === deviceId)
  if (!listed || deviceId === me.deviceId || listed.status === 'revoked') return { ok: false, reason: 'not-own' }
  if (listed.status === 'pending') return { ok: false, reason: 'pending' }
  const trust = await checkDevices([
    { organisationId: listed.organisationId, chain: devices.chains?.[listed.organisationId], certificates: [listed.certificate], role: 'person', userId: me.userId, pin: 'pinned', acceptable: true },
  ])
  if (trust.unknown[0]) return { ok: false, reason: 'unknown-organisation', unknown: trust.unknown[0] }
  if (trust.changes[0]) return { ok: false, reason: 'key-changed', change: trust.changes[0] }
  const cert = certificateSchema.safeParse(listed.certificate).data
  if (!cert || !trust.trusted.some((d) => d.deviceId === deviceId) || cert.deviceId !== deviceId || cert.userId !== me.userId) return { ok: false, reason: 'not-certified' }
  if ((await numberDigits(cert.signingKey, cert.encryptionKey)) !== digits) return { ok: false, reason: 'wrong-code' }
  return { ok: true, certificate: cert }
}

/** Every user key of this device sealed to the certified device, signed by this device (`at`: now). */
export async function userKeyBoxesFor(certificate: Certificate, at = new Date().toISOString()): Promise<UserKeyBox[]> {
  const me = (await deviceRecord())?.id
  if (!me) throw new Error('This device has no id yet')
  const sender = { deviceId: me, signingKey: await signingKey() }
  const { userId, keys } = await rawUserKeys()
  const boxes: UserKeyBox[] = []
  for (const { keyId, raw } of keys) {
    try {
      const content = { userId, keyId, key: toBase64(raw) }
      boxes.push({ keyId, deviceId: certificate.deviceId, box: await sealSigned(content, [recipientOf(certificate)], userKeyContext(userId, keyId), sender, at) })
    } finally {
      raw.fill(0)
    }
  }
  return boxes
}

export type LinkResult = { ok: true; deviceName: string; keys: number } | LinkRefusal

async function whoAmI(): Promise<{ userId: string; deviceId: string }> {
  const userId = await userKeyOwner()
  const deviceId = (await deviceRecord())?.id
  if (!deviceId) throw new Error('This device has no id yet')
  return { userId, deviceId }
}

/** Seals and sends every user key to a checked device. This device makes a key first when it holds none (it is the one the person links from). */
async function sendKeys(certificate: Certificate): Promise<number> {
  let boxes = await userKeyBoxesFor(certificate)
  if (!boxes.length) {
    await receiveUserKeys().catch(() => undefined)
    boxes = await userKeyBoxesFor(certificate)
  }
  if (!boxes.length) {
    await createUserKey()
    boxes = await userKeyBoxesFor(certificate)
  }
  for (const box of boxes) await postUserKeyBox(box)
  return boxes.length
}

/** The pasted (or scanned) code of a new device: checked, then every user key sealed to it. Throws ApiError when the server cannot be reached. */
export async function linkDevice(code: string): Promise<LinkResult> {
  if (!linkCodeSchema.safeParse(code).success) return { ok: false, reason: 'bad-code' }
  const target = await checkLinkTarget(code, await listOwnDevices(), await whoAmI())
  if (!target.ok) return target
  return { ok: true, deviceName: target.certificate.deviceName, keys: await sendKeys(target.certificate) }
}

/** Seals every user key to another device of the person that checks out (no code: for the sync loop, e.g. a device certified again). */
export async function sealUserKeysTo(deviceId: string): Promise<LinkResult> {
  const devices = await listOwnDevices()
  const listed = devices.devices.find((d) => d.id === deviceId)
  const cert = certificateSchema.safeParse(listed?.certificate).data
  if (!cert) return { ok: false, reason: listed?.status === 'pending' ? 'pending' : 'not-own' }
  const target = await checkLinkTarget(`${deviceId}.${await numberDigits(cert.signingKey, cert.encryptionKey)}`, devices, await whoAmI())
  if (!target.ok) return target
  return { ok: true, deviceName: target.certificate.deviceName, keys: await sendKeys(target.certificate) }
}
