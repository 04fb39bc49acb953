/**
 * Linking a participant of the samenwerkoverleg to the account of a person who accepted the plan's
 * invitation (issue 17 point 1; docs/shared-plan.md). The invitation asks by exact e-mail; the
 * server never says whether the address has an account. Who accepted comes back in the plan's
 * people; the casusregisseur links one of them to the participant: `userId` and `organisationId`
 * are set, and an empty name or organisation is filled from the person.
 */
import { z } from 'zod'
import type { PlanPerson } from '../../../shared/api/plans'
import { planInviteSchema } from '../../../shared/api/plans'
import type { CaseConsultation } from '../../../shared/cases/v2'
import { updateParticipant } from '../cases/consultationPlan'
import { newSharedPlanState, type SharedPlanState } from './publishPlan'

/** The shared plan of the consultation, made now when it has none (a random id, version 0, a first response key). */
export function ensureSharedPlan(c: CaseConsultation): SharedPlanState {
  c.sharedPlan ??= newSharedPlanState()
  return c.sharedPlan
}

/** The e-mail address as typed, checked like the server checks it; undefined when it is not one. */
export function parseInviteEmail(typed: string): string | undefined {
  return planInviteSchema.shape.email.safeParse(typed.trim()).data
}

/** Links the participant to the person's account; their name and organisation fill what is still empty (a new name follows into the plan). */
export function linkAccount(c: CaseConsultation, participantId: string, person: Pick<PlanPerson, 'userId' | 'organisationId' | 'name' | 'organisationName'>): void {
  const p = c.participants.find((x) => x.id === participantId)
  if (!p) return
  // One account, one participant.
  for (const other of c.participants) if (other.id !== participantId && other.userId === person.userId) unlinkAccount(c, other.id)
  updateParticipant(c, participantId, {
    role: p.role,
    discipline: p.discipline,
    ...(p.phone ? { phone: p.phone } : {}),
    name: p.name.trim() ? p.name : person.name.slice(0, 200),
    organisation: p.organisation.trim() ? p.organisation : person.organisationName.slice(0, 200),
  })
  p.userId = z.guid().parse(person.userId)
  p.organisationId = z.guid().parse(person.organisationId)
}

/** Takes the account off the participant: from the next version on they receive nothing (publish.ts renews the response key). */
export function unlinkAccount(c: CaseConsultation, participantId: string): void {
  const p = c.participants.find((x) => x.id === participantId)
  if (!p) return
  delete p.userId
  delete p.organisationId
}

/** People who accepted and are linked to no participant yet: the ones a participant can be linked to. */
export const unlinkedPeople = (c: CaseConsultation, people: readonly PlanPerson[]) => people.filter((p) => !c.participants.some((x) => x.userId === p.userId))
