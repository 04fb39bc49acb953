/**
 * What a device and the server say to each other about the device itself (issue 11,
 * docs/device-trust.md): the registration with its three public keys, and the challenge a
 * device answers with its authentication key — without a user session — to learn its status or
 * to bind a session to itself.
 */
import { z } from 'zod'
import { publicJwkSchema } from '../accounts/schemas'
import { signatureSchema, signedMessage } from '../crypto/signatures'

/** A device that has not reached the server for this many days keeps its data locked (default; the server may say otherwise). */
export const DEFAULT_OFFLINE_DAYS = 14
/** A challenge is good for this long and once. */
export const CHALLENGE_SECONDS = 120

export const deviceRegistrationSchema = z.strictObject({
  organisationId: z.guid(),
  name: z.string().trim().min(1).max(100),
  /** ECDH P-256: boxes are sealed to it. Its private key is wrapped under the vault key. */
  publicKey: publicJwkSchema,
  /** ECDSA P-256: answers server challenges; its private key is non-extractable and usable while locked. */
  authKey: publicJwkSchema,
  /** ECDSA P-256: signs boxes, events and count snapshots. Its private key is wrapped under the vault key. */
  signingKey: publicJwkSchema,
})
export type DeviceRegistration = z.infer<typeof deviceRegistrationSchema>

export const CHALLENGE_PURPOSES = ['status', 'bind'] as const
export type ChallengePurpose = (typeof CHALLENGE_PURPOSES)[number]

export const challengeRequestSchema = z.strictObject({ purpose: z.enum(CHALLENGE_PURPOSES) })
export const challengeSchema = z.strictObject({
  challenge: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a 32-byte base64url challenge'),
  expiresAt: z.string(),
})
export const deviceProofSchema = z.strictObject({
  challenge: challengeSchema.shape.challenge,
  signature: signatureSchema,
})
export type DeviceProof = z.infer<typeof deviceProofSchema>

/** What the authentication key signs: the device, the purpose and the server's one-time challenge. */
export const challengeMessage = (deviceId: string, purpose: ChallengePurpose, challenge: string) => signedMessage('device-challenge/v1', [deviceId, purpose, challenge])

export const DEVICE_STATUSES = ['pending', 'approved', 'revoked'] as const
export const deviceStatusSchema = z.strictObject({
  id: z.guid(),
  status: z.enum(DEVICE_STATUSES),
  wipe: z.boolean(),
  /** Days without contact after which the device keeps its data locked. */
  offlineDays: z.number().int().min(1).max(365),
  /** The server's clock, so the device can tell how far its own is off. */
  serverTime: z.string(),
})
export type DeviceStatus = z.infer<typeof deviceStatusSchema>
