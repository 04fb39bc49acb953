/**
 * Colleagues on a case (issue 16 part 2; docs/case-sync.md "The team"; src/server/routes/caseTeam.ts).
 * Every route needs a session on an approved device of a sociaal-werker. A case the user is no
 * member of is answered 404; a member who is not the lead gets 403 `not-lead` for the lead's routes.
 *
 * - GET  /api/case-sync/exchange-key                  → ownExchangeKeySchema: this worker's exchange key (null: none yet)
 * - PUT  /api/case-sync/exchange-key                   exchangeKeySchema → storedSchema (201 | 200 the same) | 409 exists
 * - GET  /api/case-sync/colleagues                    → colleaguesSchema: the sociaal-werkers of this device's organisation,
 *        their exchange keys and certified devices, and the chains (the phone checks them)
 * - GET  /api/case-sync/docs/:docId/members           → membersSchema (members)
 * - POST /api/case-sync/docs/:docId/members            addMemberSchema → storedSchema (lead) | 409 already-member | 400 bad-key-box
 * - POST /api/case-sync/docs/:docId/members/:userId/remove  removeMemberSchema → rekeyedSchema (lead) | 409 key-outdated
 * - POST /api/case-sync/docs/:docId/lead               handOverSchema → storedSchema (lead) | 400 not-a-member
 * - POST /api/case-sync/docs/:docId/invitations        inviteSchema → invitationSentSchema (lead; 200), the same whether or not
 *        the address is a sociaal-werker's | 429 too-many (INVITATIONS_PER_DAY per lead)
 * - GET  /api/case-sync/invitations                   → invitationsSchema: this worker's pending invitations
 * - POST /api/case-sync/invitations/:docId/accept      → storedSchema | 404 (none, expired) | 409 no-exchange-key
 * - POST /api/case-sync/invitations/:docId/decline     → storedSchema | 404
 *
 * Another organisation (docs/case-sync.md "Another organisation"): a professional of another
 * organisation is invited by exact e-mail, accepts on an approved device of their organisation, and
 * is then added by the lead like a colleague; `colleagues` lists them with their organisation.
 */
import { z } from 'zod'
import { anyKeyBoxSchema, exchangeKeyBoxSchema, exchangeKeySchema } from '../caseSync/exchange'
import { keyGenSchema } from '../caseSync/messages'

export { exchangeKeySchema }

export const ownExchangeKeySchema = z.object({ key: exchangeKeySchema.nullable() })

export const colleagueSchema = z.object({
  userId: z.guid(),
  name: z.string(),
  /** Unchecked: the phone checks its signature against one of `devices` (certified to the same person). */
  exchangeKey: z.unknown().nullable(),
  /** The certificates of the colleague's approved devices, unchecked. */
  devices: z.array(z.unknown()),
  /** The organisation the person acts for (absent from an older server: the viewer's own). */
  organisationId: z.guid().optional(),
  organisationName: z.string().optional(),
  /** The cases the viewer leads for which this person accepted an invitation: a person of another organisation is added to those only. */
  acceptedFor: z.array(z.guid()).optional(),
})
export type Colleague = z.infer<typeof colleagueSchema>
export const colleaguesSchema = z.object({
  colleagues: z.array(colleagueSchema),
  chains: z.record(z.string(), z.unknown()),
})
export type Colleagues = z.infer<typeof colleaguesSchema>

export const memberSchema = z.object({ userId: z.guid(), name: z.string().nullable(), role: z.enum(['lead', 'member']), addedAt: z.string() })
export type Member = z.infer<typeof memberSchema>
export const membersSchema = z.object({ keyGen: keyGenSchema, members: z.array(memberSchema) })
export type Members = z.infer<typeof membersSchema>

/** The lead adds a colleague: the case's document key of the current generation sealed to the colleague's exchange key. */
export const addMemberSchema = z.strictObject({ userId: z.guid(), keyBox: exchangeKeyBoxSchema })
export type AddMember = z.infer<typeof addMemberSchema>

/**
 * The lead removes someone: a NEW document key (generation + 1) boxed to every remaining member
 * (the lead under its user key, the others to their exchange keys). The server then asks for a
 * snapshot under the new generation; the removed person's requests get 404.
 */
export const removeMemberSchema = z.strictObject({ keyGen: keyGenSchema, keyBoxes: z.array(anyKeyBoxSchema).min(1).max(200) })
export type RemoveMember = z.infer<typeof removeMemberSchema>
export const rekeyedSchema = z.object({ keyGen: keyGenSchema })

/** The lead hands the lead over to another member. */
export const handOverSchema = z.strictObject({ userId: z.guid() })
export type HandOver = z.infer<typeof handOverSchema>

/** How long an invitation can be accepted (days); once accepted it waits for the lead's phone to add the person. */
export const INVITATION_DAYS = 14
/** Invitations one lead may ask per region day, known addresses or not. */
export const INVITATIONS_PER_DAY = 30

/** The lead invites a professional by their exact e-mail address. */
export const inviteSchema = z.strictObject({ email: z.email().max(254) })
export type Invite = z.infer<typeof inviteSchema>
/** The one answer to an invitation, whether or not the address belongs to a sociaal-werker. */
export const invitationSentSchema = z.object({ sent: z.literal(true) })

/** A pending invitation as the invitee sees it: who asks, from which organisation; nothing of the case. */
export const invitationSchema = z.object({
  docId: z.guid(),
  inviterName: z.string().nullable(),
  organisationName: z.string(),
  invitedAt: z.string(),
  expiresAt: z.string(),
})
export type Invitation = z.infer<typeof invitationSchema>
export const invitationsSchema = z.object({ invitations: z.array(invitationSchema) })
