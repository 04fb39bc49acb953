/**
 * Help requests (/api/help-requests, issue 20): the public directory a resident's phone seals
 * with, sending a sealed request, and the social workers' inbox. Certificates and chains come back
 * unchecked: the phone checks each itself (features/helpRequest/helpRequestOutbox.ts).
 */
import { helpDirectorySchema, helpRequestDeletedSchema, helpRequestInboxSchema, helpRequestStoredSchema, type NewHelpRequest } from '../../shared/helpRequests/helpRequest'
import { api } from '../core/http'

export const getHelpDirectory = () => api('GET', '/api/help-requests/directory', helpDirectorySchema)
/** Idempotent on the request's own id: a resend answers `exists`. */
export const sendHelpRequest = (request: NewHelpRequest) => api('POST', '/api/help-requests', helpRequestStoredSchema, request)
export const listHelpRequests = () => api('GET', '/api/help-requests/inbox', helpRequestInboxSchema)
/** Taken in or thrown away: gone from the server and from every colleague's inbox. */
export const deleteHelpRequest = (id: string) => api('DELETE', `/api/help-requests/${encodeURIComponent(id)}`, helpRequestDeletedSchema)
