/**
 * The resident plan links' valid requests for the fuzz (test/server/fuzz.test.ts; docs/resident-plan.md
 * "Server"): A's social worker on their approved device makes a new link, and updates or withdraws
 * one of A's links with its manage secret; anyone reads one. The links acted on are written into the
 * table first (test/server/residentPlanWorld.ts); a success uses up what it names, so each base is
 * made again after one.
 */
import { newLinkBody, seedLink } from '../residentPlanWorld'
import type { Entry } from './catalogue'
import type { World } from './world'

const seeded = (w: World) => seedLink(w.db, w.orgA, w.someUserId, w.clock.now())

export const RESIDENT_PLAN_CATALOGUE: Record<string, Entry> = {
  'POST /api/resident-plans': { who: 'sociaalWerker', build: async (w) => ({ body: newLinkBody(w.clock.now()) }) },
  'PUT /api/resident-plans/:id': {
    who: 'sociaalWerker',
    build: async (w) => {
      const link = await seeded(w)
      const { body, expiresOn } = newLinkBody(w.clock.now())
      return { params: { id: link.id }, body: { manage: link.manage, body, expiresOn } }
    },
  },
  'POST /api/resident-plans/:id/withdraw': {
    who: 'sociaalWerker',
    build: async (w) => {
      const link = await seeded(w)
      return { params: { id: link.id }, body: { manage: link.manage } }
    },
  },
  'GET /api/resident-plans/:id': { who: 'anonymous', build: async (w) => ({ params: { id: (await seeded(w)).id } }) },
}
