/**
 * Who sent a case-sync message (docs/case-sync.md, "Server"; docs/device-trust.md): every update,
 * snapshot, key box and user-key box is signed by the device the session runs on, with the signing
 * key its certificate names. The member devices check the same signatures; the server checks them
 * too, so that nothing another device (or a careless client) made is stored in this one's name.
 */
import { userKeyContext, type UserKeyBox } from '../../shared/api/caseSync'
import { signatureVerifies, type CaseKeyBox, type CaseSnapshot, type CaseUpdate } from '../../shared/caseSync/messages'
import { verifySealedSender } from '../../shared/crypto/sealed'
import { certifiedDevices } from '../auth/certificates'
import type { Queryable } from '../db/types'

export interface Refusal {
  status: 400 | 403
  code: string
  error: string
}

const WRONG_SENDER: Refusal = { status: 403, code: 'wrong-sender', error: 'It must be signed by the device this session runs on.' }
const NOT_CERTIFIED: Refusal = { status: 403, code: 'device-not-certified', error: 'This device has no valid certificate: ask your beheerder to approve it again.' }
const BAD_SIGNATURE: Refusal = { status: 403, code: 'bad-signature', error: "The signature does not verify with this device's certified key." }

/** The certified signing key of the session's device, or null. */
async function signingKeyOf(db: Queryable, deviceId: string): Promise<unknown> {
  const [certified] = await certifiedDevices(db, 'd.id = $1', [deviceId])
  return certified?.certificate.signingKey ?? null
}

/** Null when every message names the session's device and verifies with its certified key. */
export async function signedByDevice(db: Queryable, deviceId: string, messages: readonly (CaseUpdate | CaseSnapshot | CaseKeyBox)[]): Promise<Refusal | null> {
  if (messages.some((m) => m.deviceId !== deviceId)) return WRONG_SENDER
  const key = await signingKeyOf(db, deviceId)
  if (!key) return NOT_CERTIFIED
  for (const m of messages) if (!(await signatureVerifies(m, key))) return BAD_SIGNATURE
  return null
}

/**
 * Null when a user-key box is sealed by the session's device (verified) to exactly the device it
 * names, and that device is an approved, certified device of the same user.
 */
export async function userKeyBoxProblem(db: Queryable, userId: string, deviceId: string, b: UserKeyBox): Promise<Refusal | null> {
  if (b.box.sender.deviceId !== deviceId) return WRONG_SENDER
  if (b.box.recipients.length !== 1 || b.box.recipients[0]!.deviceId !== b.deviceId) {
    return { status: 400, code: 'wrong-recipient', error: 'The box must be sealed to exactly the device it is for.' }
  }
  const key = await signingKeyOf(db, deviceId)
  if (!key) return NOT_CERTIFIED
  if (!(await verifySealedSender(b.box, userKeyContext(userId, b.keyId), key))) return BAD_SIGNATURE
  const [target] = await certifiedDevices(db, 'd.id = $1 AND d.user_id = $2', [b.deviceId, userId])
  if (!target) return { status: 403, code: 'wrong-recipient', error: 'A user key goes only to an approved, certified device of the same person.' }
  return null
}
