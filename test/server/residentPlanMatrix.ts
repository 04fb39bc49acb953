/**
 * The resident plan links' rows of the authorisation matrix (test/server/authorisationMatrix.test.ts;
 * docs/resident-plan.md "Server"). Making, updating and withdrawing take a sociaal-werker on an
 * approved device, of any organisation: updating and withdrawing also take the link's manage secret,
 * which every row here holds (the case may have been handed over to another organisation; a wrong
 * secret is test/server/residentPlans.test.ts). Reading is open to anyone with the link id.
 */
import type { Database } from '../../src/server/db/types'
import { newLinkBody, seedLink } from './residentPlanWorld'

type Expect = 'ok' | number
interface Row<Id> {
  expect: (id: Id) => Expect
  prepare?: () => Promise<{ path?: string; body?: unknown }>
}
export interface ResidentPlanMatrixEnv<Id> {
  db: () => Database
  /** Fully signed in as a sociaal-werker on an approved device (any organisation). */
  onDevice: (id: Id) => Expect
  open: (id: Id) => Expect
  orgA: () => string
  someUserId: () => string
  now: () => number
}

export function residentPlanMatrixRows<Id>(env: ResidentPlanMatrixEnv<Id>): Record<string, Row<Id>> {
  const seeded = () => seedLink(env.db(), env.orgA(), env.someUserId(), env.now())
  return {
    'POST /api/resident-plans': { expect: env.onDevice, prepare: async () => ({ body: newLinkBody(env.now()) }) },
    'PUT /api/resident-plans/:id': {
      expect: env.onDevice,
      prepare: async () => {
        const link = await seeded()
        const { body, expiresOn } = newLinkBody(env.now())
        return { path: `/api/resident-plans/${link.id}`, body: { manage: link.manage, body, expiresOn } }
      },
    },
    'POST /api/resident-plans/:id/withdraw': {
      expect: env.onDevice,
      prepare: async () => {
        const link = await seeded()
        return { path: `/api/resident-plans/${link.id}/withdraw`, body: { manage: link.manage } }
      },
    },
    'GET /api/resident-plans/:id': { expect: env.open, prepare: async () => ({ path: `/api/resident-plans/${(await seeded()).id}` }) },
  }
}
