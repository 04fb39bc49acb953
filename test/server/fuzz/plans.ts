/**
 * The shared samenwerkplan's valid requests for the fuzz (test/server/fuzz.test.ts; docs/shared-plan.md
 * "Server"): A's social worker on their approved device leads a case of their own (made through the
 * API) and invites, lists, sends a version sealed for real to A's GP's device, and reads responses;
 * A's GP answers their own invitations, reads their copies and answers on a plan they receive. The
 * plans, invitations and recipients acted on are written into the tables first
 * (test/server/planWorld.ts); a success uses up what it names, so each base is made again after one.
 */
import { randomUUID } from 'node:crypto'
import { ownCase, someoneElsesCase, type Phone } from '../caseSyncWorld'
import { planBox, planResponse, seedPlan, seedPlanInvitation, seedRecipient } from '../planWorld'
import type { Entry } from './catalogue'
import type { Caller, World } from './world'

const phone = (caller: Caller): Phone => ({ agent: caller.agent, device: caller.device!, userId: caller.userId! })
/** A plan of someone else's case (A's member someUserId leads it). */
const foreignPlan = async (w: World) => seedPlan(w.db, await someoneElsesCase(w.db, w.orgA, w.someUserId))
/** A plan of a case the caller leads. */
async function ownPlan(caller: Caller) {
  const c = await ownCase(phone(caller))
  return { docId: c.docId, planId: randomUUID() }
}

export const PLAN_CATALOGUE: Record<string, Entry> = {
  'POST /api/plans/:planId/invitations': {
    who: 'sociaalWerker',
    build: async (_w, caller) => {
      const { docId, planId } = await ownPlan(caller)
      return { params: { planId }, body: { docId, email: 'lid@example.org' } }
    },
  },
  'GET /api/plans/invitations': { who: 'huisarts' },
  'POST /api/plans/invitations/:planId/accept': {
    who: 'huisarts',
    build: async (w, caller) => {
      const planId = await foreignPlan(w)
      await seedPlanInvitation(w.db, planId, caller.userId!)
      return { params: { planId } }
    },
  },
  'POST /api/plans/invitations/:planId/decline': {
    who: 'huisarts',
    build: async (w, caller) => {
      const planId = await foreignPlan(w)
      await seedPlanInvitation(w.db, planId, caller.userId!)
      return { params: { planId } }
    },
  },
  'GET /api/plans/:planId/people': {
    who: 'sociaalWerker',
    build: async (w, caller) => {
      const { docId } = await ownPlan(caller)
      return { params: { planId: await seedPlan(w.db, docId) }, query: { docId } }
    },
  },
  // A version for A's GP (who accepted), sealed by the lead's device to the GP's device.
  'PUT /api/plans/:planId': {
    who: 'sociaalWerker',
    build: async (w, caller) => {
      const { docId } = await ownPlan(caller)
      const planId = await seedPlan(w.db, docId)
      const gp = await w.caller('huisarts')
      await seedPlanInvitation(w.db, planId, gp.userId!, { organisationId: w.orgA })
      return { params: { planId }, body: { docId, version: 1, recipients: [{ userId: gp.userId!, box: await planBox(planId, 1, gp.userId!, caller.device!, [gp.device!]) }] } }
    },
  },
  'GET /api/plans/mine': { who: 'huisarts' },
  'POST /api/plans/:planId/responses': {
    who: 'huisarts',
    build: async (w, caller) => {
      const planId = await foreignPlan(w)
      await seedRecipient(w.db, planId, caller.userId!, w.orgA)
      return { params: { planId }, body: await planResponse(planId, caller.device!, caller.userId!) }
    },
  },
  'GET /api/plans/:planId/responses': {
    who: 'sociaalWerker',
    build: async (w, caller) => {
      const { docId } = await ownPlan(caller)
      return { params: { planId: await seedPlan(w.db, docId) }, query: { docId, after: '0' } }
    },
  },
}
