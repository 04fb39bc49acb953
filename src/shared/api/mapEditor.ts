/** What /api/map answers (src/server/routes/mapEditor.ts): the social map's editors and proposals. */
import { z } from 'zod'
import { serviceSchema } from '../socialMap/hsds'
import { initiativeProposalSchema } from '../socialMap/initiative'

/** GET /api/map/services: one row per listing, for the editors' list. */
export const editorRowSchema = z.object({ id: z.string(), name: z.string(), status: z.string(), assuredDate: z.string().nullable(), village: z.string().nullable() })
export type EditorRow = z.infer<typeof editorRowSchema>
export const editorRowsSchema = z.object({ services: z.array(editorRowSchema) })

/** GET /api/map/organisations: every organisation, to pick a listing's owner from. */
export const mapOrganisationsSchema = z.object({ organisations: z.array(z.object({ id: z.string(), name: z.string() })) })

/** GET /api/map/own-services: the listings of the caller's organisations, whole (they may propose changes). */
export const ownServicesSchema = z.object({ services: z.array(serviceSchema) })

/** GET /api/map/services/:id */
export const editedServiceSchema = z.object({ service: serviceSchema, ownerOrganisationId: z.string().nullable() })

/** POST and PUT /api/map/services, .../retire: the map's version after the change. */
export const serviceChangedSchema = z.object({ id: z.string(), mapVersion: z.number().int() })
/** POST /api/map/services/:id/verify: with the date it was found right (the region's date). */
export const serviceVerifiedSchema = serviceChangedSchema.extend({ assuredDate: z.string() })

/** A listing as it was stored then: it may predate today's schema, so only its name is relied on. */
export const storedServiceSchema = z.object({ id: z.string(), name: z.string() }).loose()

export const serviceVersionSchema = z.object({ id: z.string(), change: z.string(), changedAt: z.string(), changedBy: z.string().nullable(), service: storedServiceSchema })
export type ServiceVersion = z.infer<typeof serviceVersionSchema>
/** GET /api/map/services/:id/versions, newest first. */
export const serviceVersionsSchema = z.object({ versions: z.array(serviceVersionSchema) })

export const serviceReportRowSchema = z.object({
  id: z.string(),
  serviceId: z.string(),
  serviceName: z.string().nullable(),
  message: z.string(),
  contact: z.string().nullable(),
  receivedAt: z.string(),
  resolution: z.string().nullable(),
})
export type ServiceReportRow = z.infer<typeof serviceReportRowSchema>
/** GET /api/map/reports: newest first, at most 500; total: how many wait. */
export const serviceReportsSchema = z.object({ total: z.number().int(), reports: z.array(serviceReportRowSchema) })
/** POST /api/map/reports/:id/resolve */
export const reportResolvedSchema = z.object({ id: z.string(), status: z.literal('resolved') })

export const PROPOSAL_STATUSES = ['open', 'accepted', 'rejected'] as const
export const proposalSchema = z.object({
  id: z.string(),
  serviceId: z.string(),
  organisationId: z.string(),
  status: z.enum(PROPOSAL_STATUSES),
  reason: z.string().nullable(),
  createdAt: z.string(),
  proposedBy: z.string(),
  service: storedServiceSchema,
})
export type Proposal = z.infer<typeof proposalSchema>
/** GET /api/map/proposals */
export const proposalsSchema = z.object({ proposals: z.array(proposalSchema) })
/** POST /api/map/proposals */
export const proposalMadeSchema = z.object({ id: z.string(), status: z.literal('open') })
/** POST /api/map/proposals/:id/accept */
export const proposalAcceptedSchema = z.object({ id: z.string(), status: z.literal('accepted'), mapVersion: z.number().int() })
/** POST /api/map/proposals/:id/reject */
export const proposalRejectedSchema = z.object({ id: z.string(), status: z.literal('rejected') })

/** GET /api/map/initiatives (?status=decided): residents' proposed initiatives, newest first, at most 500. */
export const initiativeRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(PROPOSAL_STATUSES),
  reason: z.string().nullable(),
  receivedAt: z.string(),
  decidedAt: z.string().nullable(),
  /** The proposal while it waits or once accepted; null once rejected (its details are deleted) or when unreadable. */
  proposal: initiativeProposalSchema.nullable(),
  /** The stored record no longer passes the check: the editor can only reject it. */
  unreadable: z.boolean(),
})
export type InitiativeRow = z.infer<typeof initiativeRowSchema>
export const initiativesSchema = z.object({ total: z.number().int(), initiatives: z.array(initiativeRowSchema) })
/** POST /api/map/initiatives/:id/accept: the new listing has the proposal's id. */
export const initiativeAcceptedSchema = z.object({ id: z.string(), status: z.literal('accepted'), serviceId: z.string(), mapVersion: z.number().int() })
/** POST /api/map/initiatives/:id/reject */
export const initiativeRejectedSchema = z.object({ id: z.string(), status: z.literal('rejected') })
