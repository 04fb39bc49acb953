/**
 * The shared samenwerkplan routes (src/shared/api/plans.ts; docs/shared-plan.md): one typed
 * function per route. The server routes sealed copies and encrypted responses and reads none of
 * them; every answer is checked with the shared schemas, a refusal arrives as an ApiError with its code.
 */
import {
  myPlansSchema,
  planInvitationAnsweredSchema,
  planInvitationSentSchema,
  planInvitationsSchema,
  planPeopleSchema,
  planResponsesSchema,
  planResponseStoredSchema,
  planStoredSchema,
  type PutPlan,
} from '../../shared/api/plans'
import type { PlanResponse } from '../../shared/cases/sharedPlan'
import { api } from '../core/http'

const plan = (planId: string) => `/api/plans/${encodeURIComponent(planId)}`
const invitation = (planId: string) => `/api/plans/invitations/${encodeURIComponent(planId)}`

// —— the casusregisseur's side ——

/** The lead of `docId` asks a person by exact e-mail; the same answer whether or not the address has an account. */
export const postPlanInvitation = (planId: string, docId: string, email: string) => api('POST', `${plan(planId)}/invitations`, planInvitationSentSchema, { docId, email })
/** The people who accepted or receive the plan, with their devices' certificates and chains (unchecked). */
export const getPlanPeople = (planId: string, docId: string) => api('GET', `${plan(planId)}/people?${new URLSearchParams({ docId }).toString()}`, planPeopleSchema)
/** A version of the plan: the whole list of recipients, each with a box sealed to their devices. 409 `version-outdated`. */
export const putPlan = (planId: string, body: PutPlan) => api('PUT', plan(planId), planStoredSchema, body)
/** The responses to a plan after `after`, in the server's order, at most 500 and `more`. */
export const getPlanResponses = (planId: string, docId: string, after = 0) =>
  api('GET', `${plan(planId)}/responses?${new URLSearchParams({ docId, after: String(after) }).toString()}`, planResponsesSchema)

// —— the participant's side ——

/** The signed-in person's pending invitations: who asks, from which organisation; nothing of the case. */
export const listPlanInvitations = async () => (await api('GET', '/api/plans/invitations', planInvitationsSchema)).invitations
export const acceptPlanInvitation = (planId: string) => api('POST', `${invitation(planId)}/accept`, planInvitationAnsweredSchema)
export const declinePlanInvitation = (planId: string) => api('POST', `${invitation(planId)}/decline`, planInvitationAnsweredSchema)
/** The newest copy of every plan the person receives, sealed to this device, with the sender's certificate and chains (unchecked). */
export const getMyPlans = () => api('GET', '/api/plans/mine', myPlansSchema)
/** A participant's response on their own action, signed by this device. 404: they no longer receive the plan. */
export const postPlanResponse = (planId: string, body: PlanResponse) => api('POST', `${plan(planId)}/responses`, planResponseStoredSchema, body)
