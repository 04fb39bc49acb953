/** The social map's editors and proposals (/api/map). */
import type { Service } from '../../shared/socialMap/hsds'
import {
  editedServiceSchema,
  editorRowsSchema,
  mapOrganisationsSchema,
  ownServicesSchema,
  initiativeAcceptedSchema,
  initiativeRejectedSchema,
  initiativesSchema,
  proposalAcceptedSchema,
  proposalMadeSchema,
  proposalRejectedSchema,
  proposalsSchema,
  reportResolvedSchema,
  serviceChangedSchema,
  serviceReportsSchema,
  serviceVerifiedSchema,
  serviceVersionsSchema,
} from '../../shared/api/mapEditor'
import { roomSavedSchema, type RoomUpdate } from '../../shared/api/mapRoom'
import { api } from '../core/http'

export type { EditorRow, InitiativeRow, Proposal, ServiceReportRow, ServiceVersion } from '../../shared/api/mapEditor'

const servicePath = (id: string) => `/api/map/services/${encodeURIComponent(id)}`

export const listServices = async () => (await api('GET', '/api/map/services', editorRowsSchema)).services
export const getService = (id: string) => api('GET', servicePath(id), editedServiceSchema)
export const createService = (service: Service) => api('POST', '/api/map/services', serviceChangedSchema, { service })
/** `ownerOrganisationId` null: no owner; left out: the owner stays. */
export const saveService = (service: Service, ownerOrganisationId?: string | null) =>
  api('PUT', servicePath(service.id), serviceChangedSchema, { service, ...(ownerOrganisationId !== undefined ? { ownerOrganisationId } : {}) })
export const retireService = (id: string) => api('POST', `${servicePath(id)}/retire`, serviceChangedSchema)
export const verifyService = (id: string) => api('POST', `${servicePath(id)}/verify`, serviceVerifiedSchema)
export const listVersions = async (id: string) => (await api('GET', `${servicePath(id)}/versions`, serviceVersionsSchema)).versions
export const listMapOrganisations = async () => (await api('GET', '/api/map/organisations', mapOrganisationsSchema)).organisations
/** The listings of the caller's organisations: what they may propose changes to. */
export const listOwnServices = async () => (await api('GET', '/api/map/own-services', ownServicesSchema)).services

export const listReports = async () => (await api('GET', '/api/map/reports', serviceReportsSchema)).reports
export const resolveReport = (id: string, resolution: string) => api('POST', `/api/map/reports/${encodeURIComponent(id)}/resolve`, reportResolvedSchema, { resolution })

export const propose = (service: Service) => api('POST', '/api/map/proposals', proposalMadeSchema, { service })
export const listProposals = async () => (await api('GET', '/api/map/proposals', proposalsSchema)).proposals
export const acceptProposal = (id: string) => api('POST', `/api/map/proposals/${encodeURIComponent(id)}/accept`, proposalAcceptedSchema)
export const rejectProposal = (id: string, reason: string) => api('POST', `/api/map/proposals/${encodeURIComponent(id)}/reject`, proposalRejectedSchema, { reason })

/** The quick room update (src/server/routes/mapRoom.ts): the server stamps the time. */
export const updateRoom = (id: string, room: RoomUpdate) => api('PUT', `${servicePath(id)}/room`, roomSavedSchema, room)

/** Residents' proposed initiatives (docs/initiatives.md): waiting ones, or those decided. */
export const listInitiatives = (decided = false) => api('GET', `/api/map/initiatives${decided ? '?status=decided' : ''}`, initiativesSchema)
export const acceptInitiative = (id: string) => api('POST', `/api/map/initiatives/${encodeURIComponent(id)}/accept`, initiativeAcceptedSchema)
export const rejectInitiative = (id: string, reason: string) => api('POST', `/api/map/initiatives/${encodeURIComponent(id)}/reject`, initiativeRejectedSchema, { reason })
