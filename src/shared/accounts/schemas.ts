/** Request bodies of the accounts API, validated at both ends. */
import { z } from 'zod'
import { MAX_PASSWORD_LENGTH } from './passwordPolicy'
import { ROLES } from './roles'

const email = z.email('must be an e-mail address').max(254).transform((e) => e.toLowerCase())

export const roleSchema = z.enum(ROLES)
export const signInSchema = z.strictObject({ email, password: z.string().min(1).max(MAX_PASSWORD_LENGTH) })
export const totpCodeSchema = z.strictObject({ code: z.string().regex(/^\d{6}$/, 'must be 6 digits') })
export const newUserSchema = z.strictObject({
  email,
  name: z.string().trim().min(1).max(200),
  role: roleSchema,
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
})
export const changePasswordSchema = z.strictObject({
  currentPassword: z.string().min(1).max(MAX_PASSWORD_LENGTH),
  newPassword: z.string().min(1).max(MAX_PASSWORD_LENGTH),
})
/** A beheerder invites someone: they choose their own password when they open the link. */
export const invitationSchema = z.strictObject({
  email,
  name: z.string().trim().min(1).max(200),
  role: roleSchema,
})
export const linkTokenSchema = z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{20,64}$/, 'must be the code from the link') })
export const redeemLinkSchema = z.strictObject({
  token: linkTokenSchema.shape.token,
  /** Not needed to join with one's own signed-in account; required for everything else. */
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH).optional(),
  name: z.string().trim().min(1).max(200).optional(),
})
export const newOrganisationSchema = z.strictObject({
  name: z.string().trim().min(2).max(200),
  /** Invite the organisation's first beheerder straight away. */
  firstBeheerder: z.strictObject({ email, name: z.string().trim().min(1).max(200) }).optional(),
})
export const bootstrapSchema = z.strictObject({
  code: z.string().min(10).max(100),
  organisation: z.string().trim().min(2).max(200),
  name: z.string().trim().min(1).max(200),
  email,
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
})

/** A P-256 public key as a JSON Web Key; nothing private may travel. */
export const publicJwkSchema = z.strictObject({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a 32-byte base64url coordinate'),
  y: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a 32-byte base64url coordinate'),
  ext: z.boolean().optional(),
  key_ops: z.array(z.string().max(20)).max(4).optional(),
})
export const reasonSchema = z.strictObject({ reason: z.string().trim().min(3).max(1_000) })
export const resolutionSchema = z.strictObject({ resolution: z.string().trim().min(3).max(1_000) })
