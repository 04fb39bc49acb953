/** One-time links (src/server/routes/links.ts and the beheerder's invitations and resets). */
import { z } from 'zod'
import { roleSchema } from '../accounts/schemas'

/** A one-time link to hand over; `link` is a path with the token in the fragment. */
export const createdLinkSchema = z.object({ id: z.string(), link: z.string().startsWith('/beheer/link#'), expiresAt: z.string() })
export type CreatedLink = z.infer<typeof createdLinkSchema>

export const LINK_KINDS = ['invitation', 'password-reset', 'totp-reset'] as const
export type LinkKind = (typeof LINK_KINDS)[number]

/** POST /api/links/inspect: what the link is for; forSignedInUser: the signed-in person may accept it at once. */
export const linkInfoSchema = z.object({
  kind: z.enum(LINK_KINDS),
  organisationName: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role: roleSchema.nullable(),
  forSignedInUser: z.boolean().optional(),
})
export type LinkInfo = z.infer<typeof linkInfoSchema>

/** POST /api/links/redeem */
export const redeemedSchema = z.object({ kind: z.enum(LINK_KINDS), status: z.enum(['created', 'joined', 'password-set', 'totp-cleared']) })
export type Redeemed = z.infer<typeof redeemedSchema>
