/**
 * People and organisations as the beheerder sees them: members, invitation links, resets, the
 * region's organisations, and opening a link. Every answer is checked with Zod.
 */
import { z } from 'zod'
import { ROLES, type Role } from '../../../shared/accounts/roles'
import { api, okSchema } from '../../core/http'

export const memberSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  locked: z.boolean(),
  totpEnabled: z.boolean(),
  /** This organisation made the account: it may lock, unlock, sign out and reset it. */
  isHome: z.boolean(),
})
export type Member = z.infer<typeof memberSchema>

export const invitationSchema = z.object({ id: z.string(), email: z.string(), name: z.string().nullable(), role: z.enum(ROLES), createdAt: z.string(), expiresAt: z.string() })
export type Invitation = z.infer<typeof invitationSchema>

/** A one-time link to hand over; `link` is a path with the token in the fragment. */
export const createdLinkSchema = z.object({ id: z.string(), link: z.string().startsWith('/beheer/link#'), expiresAt: z.string() })
export type CreatedLink = z.infer<typeof createdLinkSchema>

export const regionOrganisationSchema = z.object({ id: z.string(), name: z.string(), isRegion: z.boolean(), members: z.number().int(), beheerders: z.number().int() })
export type RegionOrganisation = z.infer<typeof regionOrganisationSchema>

export const linkKinds = ['invitation', 'password-reset', 'totp-reset'] as const
export type LinkKind = (typeof linkKinds)[number]
export const linkInfoSchema = z.object({ kind: z.enum(linkKinds), organisationName: z.string(), email: z.string(), name: z.string().nullable(), role: z.enum(ROLES).nullable() })
export type LinkInfo = z.infer<typeof linkInfoSchema>
const redeemedSchema = z.object({ kind: z.enum(linkKinds), status: z.enum(['created', 'joined', 'password-set', 'totp-cleared']) })

/** The address to hand over: the server gives a path, the person needs the whole address. */
export const absoluteLink = (path: string, origin = window.location.origin) => new URL(path, origin).href

const orgPath = (orgId: string) => `/api/orgs/${encodeURIComponent(orgId)}`

export const listMembers = async (orgId: string) => (await api('GET', `${orgPath(orgId)}/members`, z.object({ members: z.array(memberSchema) }))).members
export const listInvitations = async (orgId: string) => (await api('GET', `${orgPath(orgId)}/invitations`, z.object({ invitations: z.array(invitationSchema) }))).invitations
export const invite = (orgId: string, person: { email: string; name: string; role: Role }) => api('POST', `${orgPath(orgId)}/invitations`, createdLinkSchema, person)
export const withdrawInvitation = (orgId: string, id: string) => api('DELETE', `${orgPath(orgId)}/invitations/${encodeURIComponent(id)}`, okSchema)

const memberPath = (orgId: string, userId: string) => `${orgPath(orgId)}/members/${encodeURIComponent(userId)}`
export const removeMember = (orgId: string, userId: string) => api('DELETE', memberPath(orgId, userId), okSchema)
export const memberAction = (orgId: string, userId: string, action: 'lock' | 'unlock') => api('POST', `${memberPath(orgId, userId)}/${action}`, okSchema)
export const signOutMember = (orgId: string, userId: string) => api('POST', `${memberPath(orgId, userId)}/sign-out`, z.object({ ended: z.number().int() }))
export const resetLink = (orgId: string, userId: string, kind: 'password-reset' | 'totp-reset') => api('POST', `${memberPath(orgId, userId)}/${kind}`, createdLinkSchema)

export const listOrganisations = async () => (await api('GET', '/api/region/organisations', z.object({ organisations: z.array(regionOrganisationSchema) }))).organisations
export const createOrganisation = (name: string, firstBeheerder?: { email: string; name: string }) =>
  api('POST', '/api/region/organisations', z.object({ id: z.string(), invitation: createdLinkSchema.optional() }), { name, ...(firstBeheerder ? { firstBeheerder } : {}) })

export const inspectLink = (token: string) => api('POST', '/api/links/inspect', linkInfoSchema, { token })
/** `password` is left out when a signed-in account joins with an invitation. */
export const redeemLink = (token: string, password?: string, name?: string) =>
  api('POST', '/api/links/redeem', redeemedSchema, { token, ...(password ? { password } : {}), ...(name ? { name } : {}) })

export const changePassword = (currentPassword: string, newPassword: string) =>
  api('POST', '/api/auth/password', z.object({ ok: z.literal(true), endedSessions: z.number().int() }), { currentPassword, newPassword })
