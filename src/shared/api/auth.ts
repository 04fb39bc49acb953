/**
 * What /api/auth answers (src/server/routes/auth.ts): who is signed in, and each sign-in step.
 * The app reads these answers with these schemas; the server types what it sends with them, and
 * the contract test (test/server/contract.ts) checks the two agree.
 */
import { z } from 'zod'
import { roleSchema } from '../accounts/schemas'
import { DEVICE_STATUSES } from '../devices/deviceTrust'

/** isRegion: the region's own organisation (the programme office), where region-wide roles live. */
export const membershipSchema = z.object({ organisationId: z.string(), organisationName: z.string(), role: roleSchema, isRegion: z.boolean() })
export type Membership = z.infer<typeof membershipSchema>

/** GET /api/auth/me */
export const meSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  secondFactor: z.boolean(),
  totpEnabled: z.boolean(),
  /** The organisation that made the account; it (or the region) may lock or reset it. */
  homeOrganisationId: z.string().nullable().optional(),
  memberships: z.array(membershipSchema),
  csrfToken: z.string(),
  /** The device this session is bound to (docs/device-trust.md); an older server leaves it out. */
  device: z.object({ id: z.string(), organisationId: z.string(), status: z.enum(DEVICE_STATUSES) }).nullable().optional(),
})
export type Me = z.infer<typeof meSchema>

/** POST /api/auth/bootstrap: the first account and the region's organisation. */
export const bootstrappedSchema = z.object({ userId: z.string(), organisationId: z.string() })
export type Bootstrapped = z.infer<typeof bootstrappedSchema>

/** POST /api/auth/sign-in: the password step; what comes next. */
export const signedInSchema = z.object({ next: z.enum(['totp', 'totp-setup']), csrfToken: z.string() })
export type SignedIn = z.infer<typeof signedInSchema>

/** POST /api/auth/totp/setup: the key and the otpauth:// address the QR code holds. */
export const totpSetupSchema = z.object({ secret: z.string().regex(/^[A-Z2-7]+=*$/), uri: z.string().startsWith('otpauth://totp/') })
export type TotpSetup = z.infer<typeof totpSetupSchema>

/**
 * POST /api/auth/totp and /totp/confirm: the code step. failedAttempts: wrong passwords and codes
 * on this account since the person's last sign-in; an older server leaves it out (none).
 */
export const secondFactorSchema = z.object({ ok: z.literal(true), failedAttempts: z.number().int().min(0).optional(), csrfToken: z.string().optional() })
export type SecondFactor = z.infer<typeof secondFactorSchema>

/** POST /api/auth/password: the other sessions of the person ended. */
export const passwordChangedSchema = z.object({ ok: z.literal(true), endedSessions: z.number().int() })
export type PasswordChanged = z.infer<typeof passwordChangedSchema>

/** POST /api/auth/sign-out, and every other answer that says only "done". */
export const okSchema = z.object({ ok: z.literal(true) })
export type Ok = z.infer<typeof okSchema>

/** POST /api/auth/sign-out-everywhere and a beheerder's sign-out of a member: sessions ended. */
export const sessionsEndedSchema = z.object({ ended: z.number().int() })
export type SessionsEnded = z.infer<typeof sessionsEndedSchema>
