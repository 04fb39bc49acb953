/**
 * The team routes (src/shared/api/caseTeam.ts; docs/case-sync.md "The team"): the worker's
 * exchange key, the organisation's sociaal-werkers, a case's members and the lead's changes.
 * Answers are checked with the shared schemas; a refusal arrives as an ApiError with its code.
 */
import { accessExportSchema, accessLogSchema, storedSchema } from '../../shared/api/caseSync'
import { colleaguesSchema, invitationSentSchema, invitationsSchema, membersSchema, ownExchangeKeySchema, rekeyedSchema, type AddMember, type RemoveMember } from '../../shared/api/caseTeam'
import type { ExchangeKey } from '../../shared/caseSync/exchange'
import { api } from '../core/http'

const doc = (docId: string) => `/api/case-sync/docs/${encodeURIComponent(docId)}`

export const getOwnExchangeKey = async () => (await api('GET', '/api/case-sync/exchange-key', ownExchangeKeySchema)).key
export const putExchangeKey = (key: ExchangeKey) => api('PUT', '/api/case-sync/exchange-key', storedSchema, key)
export const listColleagues = () => api('GET', '/api/case-sync/colleagues', colleaguesSchema)
export const listMembers = (docId: string) => api('GET', `${doc(docId)}/members`, membersSchema)
export const postMember = (docId: string, body: AddMember) => api('POST', `${doc(docId)}/members`, storedSchema, body)
export const postRemoval = (docId: string, userId: string, body: RemoveMember) => api('POST', `${doc(docId)}/members/${encodeURIComponent(userId)}/remove`, rekeyedSchema, body)
export const postLead = (docId: string, userId: string) => api('POST', `${doc(docId)}/lead`, storedSchema, { userId })
/** Another organisation (docs/case-sync.md "Another organisation"): the same answer whether or not the address is a professional's. */
export const postInvitation = (docId: string, email: string) => api('POST', `${doc(docId)}/invitations`, invitationSentSchema, { email })
export const listInvitations = async () => (await api('GET', '/api/case-sync/invitations', invitationsSchema)).invitations
const invitation = (docId: string) => `/api/case-sync/invitations/${encodeURIComponent(docId)}`
export const acceptInvitation = (docId: string) => api('POST', `${invitation(docId)}/accept`, storedSchema)
export const declineInvitation = (docId: string) => api('POST', `${invitation(docId)}/decline`, storedSchema)
/** The access log of a case (its members; the team section shows it to the lead). */
export const getCaseAccessLog = async (docId: string) => (await api('GET', `${doc(docId)}/access-log`, accessLogSchema)).entries
/** A page of the beheerder's export of their organisations' case access log, by region day. */
export const exportCaseAccessLog = (from: string, to: string, after = 0) =>
  api('GET', `/api/case-sync/access-log?${new URLSearchParams({ from, to, after: String(after) }).toString()}`, accessExportSchema)
