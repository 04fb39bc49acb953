/**
 * The case-sync routes' valid requests for the fuzz (test/server/fuzz.test.ts): A's social worker
 * on their approved device, on a case of their own made through the API; a user key sealed to their
 * own device; A's beheerder exporting the access log. A success uses up what it names (an update's
 * clock, a snapshot's parent), so each base is made again after one.
 */
import { ownCase, TestCase, userKeyBox, type Phone } from '../caseSyncWorld'
import type { Entry } from './catalogue'
import type { Caller } from './world'

const phone = (caller: Caller): Phone => ({ agent: caller.agent, device: caller.device!, userId: caller.userId! })

export const CASE_SYNC_CATALOGUE: Record<string, Entry> = {
  'GET /api/case-sync/access-log': { who: 'beheerder', build: async () => ({ query: { from: '2026-11-01', to: '2026-11-30' } }) },
  'GET /api/case-sync/user-keys': { who: 'sociaalWerker' },
  'POST /api/case-sync/user-keys': { who: 'sociaalWerker', build: async (_w, caller) => ({ body: await userKeyBox(phone(caller)) }) },
  'GET /api/case-sync/docs': { who: 'sociaalWerker' },
  'POST /api/case-sync/docs': { who: 'sociaalWerker', build: async (_w, caller) => ({ body: await (await TestCase.make()).createBody(phone(caller)) }) },
  'GET /api/case-sync/docs/:docId': {
    who: 'sociaalWerker',
    build: async (_w, caller) => {
      const c = await ownCase(phone(caller))
      return { params: { docId: c.docId }, query: { known: c.active.id, after: '0' } }
    },
  },
  'POST /api/case-sync/docs/:docId/updates': {
    who: 'sociaalWerker',
    build: async (_w, caller) => {
      const c = await ownCase(phone(caller))
      return { params: { docId: c.docId }, body: await c.update(phone(caller)) }
    },
  },
  'POST /api/case-sync/docs/:docId/snapshots': {
    who: 'sociaalWerker',
    build: async (_w, caller) => {
      const c = await ownCase(phone(caller))
      return { params: { docId: c.docId }, body: await c.snapshot(phone(caller)) }
    },
  },
  'GET /api/case-sync/docs/:docId/access-log': { who: 'sociaalWerker', build: async (_w, caller) => ({ params: { docId: (await ownCase(phone(caller))).docId } }) },
}
