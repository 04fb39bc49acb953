/**
 * Recovery of a worker's cases with the organisation recovery key (issue 16, docs/case-sync.md
 * "Recovery"; src/server/routes/caseRecovery.ts). The server stores only public keys and sealed
 * boxes: the recovery key's private half is sealed to the certified devices of at least two
 * beheerders (the recovery group), each worker's user keys are sealed to the recovery key's public
 * half, and a recovery needs two beheerders: one starts it, another one confirms on their phone.
 *
 * - GET  /api/case-sync/recovery/key                 → recoveryKeyAnswerSchema (approved device of a sociaal-werker or beheerder)
 * - POST /api/case-sync/recovery/key                  setUpRecoverySchema → 201 | 409 recovery-key-exists | recovery-group-too-small (beheerder device)
 * - POST /api/case-sync/recovery/user-keys            recoveryUserKeyBoxSchema → 201 | 200 duplicate (sociaal-werker device)
 * - GET  /api/case-sync/recovery/requests            → recoveryRequestListSchema (beheerder device: the organisation's requests)
 * - POST /api/case-sync/recovery/requests             startRecoverySchema → 201 recoveryStartedSchema | 409 id-reused (beheerder device; the start signed by it)
 * - GET  /api/case-sync/recovery/requests/:id        → recoveryRequestDetailSchema (beheerder device of the recovery group)
 * - POST /api/case-sync/recovery/requests/:id/confirm confirmRecoverySchema → recoveryDoneSchema (ANOTHER beheerder of the group)
 * - GET  /api/case-sync/recovery/mine                → myRecoveriesSchema (sociaal-werker device: the recoveries of this worker)
 */
import { z } from 'zod'
import { publicJwkSchema } from '../accounts/schemas'
import { sealedV2Schema } from '../crypto/sealed'
import { signatureSchema, signedMessage, signMessage, verifyMessage } from '../crypto/signatures'
import { userKeyBoxSchema } from './caseSync'

/** The context the recovery key's private half is sealed under, for the group's devices. */
export const recoveryKeyContext = (organisationId: string, recoveryKeyId: string) => `recovery-key|${organisationId}|${recoveryKeyId}`
/** The context a worker's user key is sealed under to the recovery key (recipient id = the recovery key's id). */
export const userKeyRecoveryContext = (userId: string, keyId: string, recoveryKeyId: string) => `user-key-recovery|${userId}|${keyId}|${recoveryKeyId}`

export const unsignedRecoveryKeySchema = z.strictObject({
  v: z.literal(1),
  id: z.guid(),
  organisationId: z.guid(),
  /** ECDH P-256: user keys are sealed to it. */
  publicKey: publicJwkSchema,
  createdAt: z.iso.datetime(),
  /** The beheerder's certified device that made it and signs it. */
  deviceId: z.guid(),
})
export type UnsignedRecoveryKey = z.infer<typeof unsignedRecoveryKeySchema>
export const recoveryKeySchema = z.strictObject({ ...unsignedRecoveryKeySchema.shape, signature: signatureSchema })
export type RecoveryKey = z.infer<typeof recoveryKeySchema>

const recoveryKeyMessage = (k: UnsignedRecoveryKey) => signedMessage('recovery-key/v1', [k.v, k.id, k.organisationId, k.publicKey.x, k.publicKey.y, k.createdAt, k.deviceId])
export const signRecoveryKey = async (k: UnsignedRecoveryKey, signingKey: CryptoKey): Promise<RecoveryKey> => ({ ...k, signature: await signMessage(signingKey, recoveryKeyMessage(k)) })
/** True when the recovery key's signature verifies with the given public signing key (the signer's certified key). */
export const recoveryKeyVerifies = (k: RecoveryKey, signingKey: unknown): Promise<boolean> => verifyMessage(signingKey, recoveryKeyMessage(k), k.signature)

/** What the recovery key's box holds once a group member's device opens it. */
export const recoveryPrivateSchema = z.strictObject({ organisationId: z.guid(), recoveryKeyId: z.guid(), pkcs8: z.string().regex(/^[A-Za-z0-9+/]+=*$/).max(400) })
export type RecoveryPrivate = z.infer<typeof recoveryPrivateSchema>

/** The private half sealed to one device of the recovery group (its only recipient), signed by the device that made the key. */
export const recoveryKeyBoxSchema = z.strictObject({ deviceId: z.guid(), box: sealedV2Schema })
export type RecoveryKeyBox = z.infer<typeof recoveryKeyBoxSchema>
export const setUpRecoverySchema = z.strictObject({ key: recoveryKeySchema, boxes: z.array(recoveryKeyBoxSchema).min(2).max(50) })
export type SetUpRecovery = z.infer<typeof setUpRecoverySchema>

/** A worker's user key sealed to the recovery key (recipient id = recoveryKeyId), by one of the worker's devices. */
export const recoveryUserKeyBoxSchema = z.strictObject({ keyId: z.guid(), recoveryKeyId: z.guid(), box: sealedV2Schema })
export type RecoveryUserKeyBox = z.infer<typeof recoveryUserKeyBoxSchema>

export const recoveryKeyAnswerSchema = z.object({
  /** The organisation's recovery key (of this device's organisation), or null before one was set up. */
  key: recoveryKeySchema.nullable(),
  /** The certificate of the device that signed it, and the organisation's chain: the phone checks them (never trusts the server). */
  signer: z.unknown().nullable(),
  chains: z.record(z.string(), z.unknown()),
  /** Which of this worker's user keys the server holds sealed to it. */
  sealedKeyIds: z.array(z.guid()),
  /** The names of the recovery group's beheerders. */
  group: z.array(z.string()),
})
export type RecoveryKeyAnswer = z.infer<typeof recoveryKeyAnswerSchema>

/**
 * The start of a recovery, signed by the starting beheerder's certified device. It travels with the
 * request to the confirming beheerder's phone and to the worker's new device, which both check it:
 * the server's word that a second beheerder took part is not enough (docs/case-sync.md "Recovery").
 */
export const unsignedRecoveryStartSchema = z.strictObject({
  v: z.literal(1),
  /** The request's id, chosen by the starting phone. */
  id: z.guid(),
  organisationId: z.guid(),
  /** The worker whose cases come back, and their new device. */
  userId: z.guid(),
  deviceId: z.guid(),
  /** The starting beheerder's device (it signs). */
  startedBy: z.guid(),
  startedAt: z.iso.datetime(),
})
export type UnsignedRecoveryStart = z.infer<typeof unsignedRecoveryStartSchema>
export const recoveryStartSchema = z.strictObject({ ...unsignedRecoveryStartSchema.shape, signature: signatureSchema })
export type RecoveryStart = z.infer<typeof recoveryStartSchema>
const recoveryStartMessage = (s: UnsignedRecoveryStart) => signedMessage('recovery-start/v1', [s.v, s.id, s.organisationId, s.userId, s.deviceId, s.startedBy, s.startedAt])
export const signRecoveryStart = async (s: UnsignedRecoveryStart, signingKey: CryptoKey): Promise<RecoveryStart> => ({ ...s, signature: await signMessage(signingKey, recoveryStartMessage(s)) })
/** True when the start's signature verifies with the given public signing key (the starter's certified key). */
export const recoveryStartVerifies = (s: RecoveryStart, signingKey: unknown): Promise<boolean> => verifyMessage(signingKey, recoveryStartMessage(s), s.signature)

export const startRecoverySchema = z.strictObject({ start: recoveryStartSchema })
export const recoveryStartedSchema = z.object({ id: z.guid() })

export const recoveryRequestSchema = z.object({
  id: z.guid(),
  userId: z.guid(),
  userName: z.string(),
  deviceId: z.guid(),
  deviceName: z.string(),
  startedBy: z.guid(),
  startedByName: z.string(),
  startedAt: z.string(),
  status: z.enum(['open', 'done', 'expired']),
})
export type RecoveryRequest = z.infer<typeof recoveryRequestSchema>
export const recoveryRequestListSchema = z.object({ requests: z.array(recoveryRequestSchema) })

export const recoveryRequestDetailSchema = z.object({
  request: recoveryRequestSchema,
  /** The new device's certificate (the phone checks it before sealing to it), the organisation's chain. */
  target: z.unknown(),
  chains: z.record(z.string(), z.unknown()),
  recoveryKey: recoveryKeySchema,
  /** The certificate of the device that made the recovery key (and sealed its private half). */
  signer: z.unknown(),
  /** The recovery key's private half, sealed to this session's device. */
  ownBox: sealedV2Schema,
  /** The signed start and the certificate of the device that signed it (null: a request from before signed starts). */
  start: recoveryStartSchema.nullable(),
  starterCertificate: z.unknown(),
  /** The worker's user keys sealed to the recovery key, with the certificates of the devices that sealed them. */
  boxes: z.array(recoveryUserKeyBoxSchema.extend({ senderCertificate: z.unknown() })),
})
export type RecoveryRequestDetail = z.infer<typeof recoveryRequestDetailSchema>

export const confirmRecoverySchema = z.strictObject({ boxes: z.array(userKeyBoxSchema).min(1).max(50) })
export const recoveryDoneSchema = z.object({ keys: z.number().int(), cases: z.number().int() })

export const recoveryOfMineSchema = z.object({
  id: z.guid(),
  deviceId: z.guid(),
  startedByName: z.string(),
  confirmedByName: z.string(),
  confirmedAt: z.string(),
  /** The confirming beheerder's device and its certificate: the only sender whose user-key boxes a recovered device accepts. */
  confirmerDeviceId: z.guid(),
  confirmerCertificate: z.unknown(),
  /** The signed start and its signer's certificate: a recovered device takes keys only when another beheerder signed it. */
  start: recoveryStartSchema.nullable(),
  starterCertificate: z.unknown(),
})
export type RecoveryOfMine = z.infer<typeof recoveryOfMineSchema>
export const myRecoveriesSchema = z.object({
  recoveries: z.array(recoveryOfMineSchema),
  /** The server holds user keys of this worker sealed to a recovery key: a new device waits for a recovery instead of making a new key. */
  hadKeys: z.boolean(),
  chains: z.record(z.string(), z.unknown()),
})
export type MyRecoveries = z.infer<typeof myRecoveriesSchema>
