/**
 * An organisation as its beheerder sees it (/api/orgs/:orgId): members, invitation links, resets,
 * devices and the organisation key; and the region's organisations (/api/region).
 */
import type { Role } from '../../shared/accounts/roles'
import type { publicJwkSchema } from '../../shared/accounts/schemas'
import type { Certificate } from '../../shared/devices/certificates'
import { okSchema, sessionsEndedSchema } from '../../shared/api/auth'
import { createdLinkSchema } from '../../shared/api/links'
import {
  chainAnswerSchema,
  deviceApprovedSchema,
  deviceRevokedSchema,
  invitationsSchema,
  membersSchema,
  organisationCreatedSchema,
  organisationDevicesSchema,
  organisationKeySetSchema,
  regionOrganisationsSchema,
} from '../../shared/api/organisations'
import type { z } from 'zod'
import { api } from '../core/http'

export type { Invitation, Member, OrganisationDevice, RegionOrganisation } from '../../shared/api/organisations'

const orgPath = (orgId: string) => `/api/orgs/${encodeURIComponent(orgId)}`
const memberPath = (orgId: string, userId: string) => `${orgPath(orgId)}/members/${encodeURIComponent(userId)}`

export const listMembers = async (orgId: string) => (await api('GET', `${orgPath(orgId)}/members`, membersSchema)).members
export const listInvitations = async (orgId: string) => (await api('GET', `${orgPath(orgId)}/invitations`, invitationsSchema)).invitations
export const invite = (orgId: string, person: { email: string; name: string; role: Role }) => api('POST', `${orgPath(orgId)}/invitations`, createdLinkSchema, person)
export const withdrawInvitation = (orgId: string, id: string) => api('DELETE', `${orgPath(orgId)}/invitations/${encodeURIComponent(id)}`, okSchema)

export const removeMember = (orgId: string, userId: string) => api('DELETE', memberPath(orgId, userId), okSchema)
export const memberAction = (orgId: string, userId: string, action: 'lock' | 'unlock') => api('POST', `${memberPath(orgId, userId)}/${action}`, okSchema)
export const signOutMember = (orgId: string, userId: string) => api('POST', `${memberPath(orgId, userId)}/sign-out`, sessionsEndedSchema)
export const resetLink = (orgId: string, userId: string, kind: 'password-reset' | 'totp-reset') => api('POST', `${memberPath(orgId, userId)}/${kind}`, createdLinkSchema)

export const listDevices = async (orgId: string) => (await api('GET', `${orgPath(orgId)}/devices`, organisationDevicesSchema)).devices
/** The organisation's chain as the server gives it (unchecked: the phone checks it itself), or null. */
export const getChain = async (orgId: string) => (await api('GET', `${orgPath(orgId)}/chain`, chainAnswerSchema)).chain
export const setOrganisationKey = (orgId: string, organisationKey: z.infer<typeof publicJwkSchema>, certificate: Certificate) =>
  api('PUT', `${orgPath(orgId)}/organisation-key`, organisationKeySetSchema, { organisationKey, certificate })
export const approveDevice = (orgId: string, deviceId: string, certificate: Certificate) =>
  api('POST', `${orgPath(orgId)}/devices/${encodeURIComponent(deviceId)}/approve`, deviceApprovedSchema, { certificate })
export const revokeDevice = (orgId: string, deviceId: string) => api('POST', `${orgPath(orgId)}/devices/${encodeURIComponent(deviceId)}/revoke`, deviceRevokedSchema)

export const listOrganisations = async () => (await api('GET', '/api/region/organisations', regionOrganisationsSchema)).organisations
export const createOrganisation = (name: string, firstBeheerder?: { email: string; name: string }) =>
  api('POST', '/api/region/organisations', organisationCreatedSchema, { name, ...(firstBeheerder ? { firstBeheerder } : {}) })
