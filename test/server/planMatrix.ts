/**
 * The shared samenwerkplan's rows of the authorisation matrix (test/server/authorisationMatrix.test.ts;
 * docs/shared-plan.md "Server"). The lead's and team's routes take a sociaal-werker on an approved
 * device who is on the case: A's social worker acts on a case they lead, everyone else on someone
 * else's case (a social worker elsewhere does not learn it exists). A participant's routes take a
 * huisarts or sociaal-werker on an approved device, of any organisation: each such identity is
 * invited to, or receives, a plan of someone else's case (seeded), and answers with its own device.
 */
import { randomUUID } from 'node:crypto'
import type { Database } from '../../src/server/db/types'
import { someoneElsesCase, type TestCase } from './caseSyncWorld'
import type { TestDevice } from './devices'
import { makeDeviceKeys } from './devices'
import { planResponse, seedPlan, seedPlanInvitation, seedRecipient } from './planWorld'

type Expect = 'ok' | number
interface Ctx {
  user?: { userId: string }
  device?: TestDevice
}
interface Row<Id, C extends Ctx> {
  expect: (id: Id) => Expect
  prepare?: (ctx: C) => Promise<{ path?: string; body?: unknown }>
}
export interface PlanMatrixEnv<Id, C extends Ctx> {
  db: () => Database
  /** Only a member gets an answer (A's social worker, on their own case). */
  caseMember: (id: Id) => Expect
  /** Fully signed in as a huisarts or sociaal-werker on an approved device (any organisation). */
  participant: (id: Id) => Expect
  caseOf: (ctx: C) => Promise<{ docId: string; c: TestCase; foreign: boolean }>
  orgA: () => string
  someUserId: () => string
}

export function planMatrixRows<Id, C extends Ctx>(env: PlanMatrixEnv<Id, C>): Record<string, Row<Id, C>> {
  /** A plan of someone else's case (A's member someUserId leads it). */
  const foreignPlan = async () => seedPlan(env.db(), await someoneElsesCase(env.db(), env.orgA(), env.someUserId()))
  /** A plan the identity is invited to (when it has a user). */
  const invitedTo = async (ctx: C) => {
    const planId = await foreignPlan()
    if (ctx.user) await seedPlanInvitation(env.db(), planId, ctx.user.userId)
    return planId
  }
  return {
    'POST /api/plans/:planId/invitations': {
      expect: env.caseMember,
      prepare: async (ctx) => ({ path: `/api/plans/${randomUUID()}/invitations`, body: { docId: (await env.caseOf(ctx)).docId, email: `iemand.${randomUUID().slice(0, 8)}@example.org` } }),
    },
    'GET /api/plans/invitations': { expect: env.participant },
    'POST /api/plans/invitations/:planId/accept': { expect: env.participant, prepare: async (ctx) => ({ path: `/api/plans/invitations/${await invitedTo(ctx)}/accept` }) },
    'POST /api/plans/invitations/:planId/decline': { expect: env.participant, prepare: async (ctx) => ({ path: `/api/plans/invitations/${await invitedTo(ctx)}/decline` }) },
    'GET /api/plans/:planId/people': {
      expect: env.caseMember,
      prepare: async (ctx) => {
        const { docId } = await env.caseOf(ctx)
        return { path: `/api/plans/${await seedPlan(env.db(), docId)}/people?docId=${docId}` }
      },
    },
    'PUT /api/plans/:planId': {
      expect: env.caseMember,
      prepare: async (ctx) => ({ path: `/api/plans/${randomUUID()}`, body: { docId: (await env.caseOf(ctx)).docId, version: 1, recipients: [] } }),
    },
    'GET /api/plans/mine': { expect: env.participant },
    'POST /api/plans/:planId/responses': {
      expect: env.participant,
      prepare: async (ctx) => {
        const planId = await foreignPlan()
        if (ctx.user && ctx.device) await seedRecipient(env.db(), planId, ctx.user.userId, ctx.device.organisationId)
        const device = ctx.device ?? { id: randomUUID(), keys: await makeDeviceKeys() }
        return { path: `/api/plans/${planId}/responses`, body: await planResponse(planId, device, ctx.user?.userId ?? env.someUserId()) }
      },
    },
    'GET /api/plans/:planId/responses': {
      expect: env.caseMember,
      prepare: async (ctx) => {
        const { docId } = await env.caseOf(ctx)
        return { path: `/api/plans/${await seedPlan(env.db(), docId)}/responses?docId=${docId}&after=0` }
      },
    },
  }
}
