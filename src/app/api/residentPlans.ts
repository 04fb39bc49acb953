/**
 * The resident's plan links (src/shared/api/residentPlans.ts; docs/resident-plan.md): the
 * casusregisseur makes, updates and withdraws a link; the resident's page reads the sealed plan.
 * The key never goes here: it stays in the link's fragment and on the phones.
 */
import { residentLinkSavedSchema, residentLinkWithdrawnSchema, residentPlanAnswerSchema } from '../../shared/api/residentPlans'
import { api } from '../core/http'

const link = (id: string) => `/api/resident-plans/${encodeURIComponent(id)}`

export const postResidentLink = (id: string, manage: string, body: string, expiresOn: string) => api('POST', '/api/resident-plans', residentLinkSavedSchema, { id, manage, body, expiresOn })
/** `newManage`: replaces the manage secret (after someone left the case's team). */
export const putResidentLink = (id: string, manage: string, body: string, expiresOn: string, newManage?: string) =>
  api('PUT', link(id), residentLinkSavedSchema, { manage, body, expiresOn, ...(newManage ? { newManage } : {}) })
export const withdrawResidentLink = (id: string, manage: string) => api('POST', `${link(id)}/withdraw`, residentLinkWithdrawnSchema, { manage })
/** Open to anyone with the id; 410 `link-withdrawn` / `link-expired`, 404 `not-found`. */
export const getResidentPlan = (id: string) => api('GET', link(id), residentPlanAnswerSchema)
