/**
 * What /api/orgs/:orgId and /api/region answer (src/server/routes/organisations.ts, region.ts):
 * an organisation's people, invitations, devices, chain and audit log; the region's organisations.
 */
import { z } from 'zod'
import { publicJwkSchema, roleSchema } from '../accounts/schemas'
import { DEVICE_STATUSES } from '../devices/deviceTrust'
import { createdLinkSchema } from './links'

export const memberSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  locked: z.boolean(),
  totpEnabled: z.boolean(),
  /** This organisation made the account: it may lock, unlock, sign out and reset it. */
  isHome: z.boolean(),
})
export type Member = z.infer<typeof memberSchema>
/** GET /api/orgs/:orgId/members */
export const membersSchema = z.object({ organisationName: z.string().nullable(), members: z.array(memberSchema) })

export const invitationSchema = z.object({ id: z.string(), email: z.string(), name: z.string().nullable(), role: roleSchema, createdAt: z.string(), expiresAt: z.string() })
export type Invitation = z.infer<typeof invitationSchema>
/** GET /api/orgs/:orgId/invitations */
export const invitationsSchema = z.object({ invitations: z.array(invitationSchema) })

/**
 * A device as the organisation's beheerder sees it: the keys and roles its phone certifies
 * (docs/device-trust.md, "Certificates"). The certificate is taken as it comes and checked on the
 * phone; `certified`: it verifies in the current chain for the member's current roles.
 */
export const organisationDeviceSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(DEVICE_STATUSES),
  userId: z.string().optional(),
  userName: z.string(),
  createdAt: z.string(),
  lastContactAt: z.string().nullable().optional(),
  publicKey: publicJwkSchema.nullish(),
  signingKey: publicJwkSchema.nullish(),
  roles: z.array(roleSchema).optional(),
  certificate: z.unknown().optional(),
  certified: z.boolean().optional(),
})
export type OrganisationDevice = z.infer<typeof organisationDeviceSchema>
/** GET /api/orgs/:orgId/devices */
export const organisationDevicesSchema = z.object({ devices: z.array(organisationDeviceSchema) })

/** POST /api/orgs/:orgId/devices/:deviceId/approve */
export const deviceApprovedSchema = z.object({ id: z.string(), status: z.literal('approved') })
/** POST /api/orgs/:orgId/devices/:deviceId/revoke: the sessions on it ended too. */
export const deviceRevokedSchema = z.object({ id: z.string(), status: z.literal('revoked'), endedSessions: z.number().int() })
/** PUT /api/orgs/:orgId/organisation-key: the key's fingerprint, to compare. */
export const organisationKeySetSchema = z.object({ ok: z.literal(true), fingerprint: z.string() })
/**
 * GET /api/orgs/:orgId/chain: null before a key was set. Taken as it comes: the phone checks it with
 * organisationChainSchema itself and treats one that does not fit as no chain.
 */
export const chainAnswerSchema = z.object({ chain: z.unknown() })

/** GET /api/orgs/:orgId/audit (NEN 7513); `?format=csv` answers the same as CSV. */
export const auditLogSchema = z.object({
  entries: z.array(z.object({ id: z.string(), at: z.string(), actorId: z.string().nullable(), action: z.string(), entity: z.string(), entityId: z.string().nullable() })),
})

export const regionOrganisationSchema = z.object({ id: z.string(), name: z.string(), isRegion: z.boolean(), members: z.number().int(), beheerders: z.number().int() })
export type RegionOrganisation = z.infer<typeof regionOrganisationSchema>
/** GET /api/region/organisations */
export const regionOrganisationsSchema = z.object({ organisations: z.array(regionOrganisationSchema) })
/** POST /api/region/organisations: with the first beheerder's invitation when one was named. */
export const organisationCreatedSchema = z.object({ id: z.string(), invitation: createdLinkSchema.optional() })
