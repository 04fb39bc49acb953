/**
 * Referrals (/api/referrals): the routing table, the directory a GP's phone refers with, sending
 * sealed referrals and statuses, the lists and who may read a referral. Certificates and chains
 * come back unchecked: the phone checks each itself (features/referrals/trust.ts).
 */
import type { NewEvent, NewReferral } from '../../shared/referrals/referral'
import { directoryAnswerSchema, referralKeysAnswerSchema, referralListSchema, referralStoredSchema, routesAnswerSchema, routesSavedSchema } from '../../shared/api/referrals'
import { api } from '../core/http'

export type { DirectoryAnswer, ReferralKeysAnswer, ReferralList, RoutesAnswer } from '../../shared/api/referrals'

export const getRoutes = () => api('GET', '/api/referrals/routes', routesAnswerSchema)
/** The whole table; the server checks each route (src/shared/referrals/referral.ts routesSchema). */
export const saveRoutes = (routes: readonly { intervention?: string; municipality?: string; organisationId: string }[]) => api('PUT', '/api/referrals/routes', routesSavedSchema, { routes })
export const getDirectory = () => api('GET', '/api/referrals/directory', directoryAnswerSchema)
/** Idempotent on the referral's own id: a resend answers `exists`. */
export const sendReferral = (referral: NewReferral) => api('POST', '/api/referrals', referralStoredSchema, referral)
/** Idempotent on the event's own id. */
export const sendEvent = (referralId: string, event: NewEvent) => api('POST', `/api/referrals/${encodeURIComponent(referralId)}/events`, referralStoredSchema, event)
export const listReferrals = (list: 'inbox' | 'sent') => api('GET', `/api/referrals/${list}`, referralListSchema)
export const getReferralKeys = (referralId: string) => api('GET', `/api/referrals/${encodeURIComponent(referralId)}/keys`, referralKeysAnswerSchema)
