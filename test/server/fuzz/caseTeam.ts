/**
 * The team routes' valid requests for the fuzz (test/server/fuzz.test.ts; docs/case-sync.md
 * "The team"): A's social worker on their approved device, leading a case of their own made through
 * the API; the colleague is A's member `someUserId`, given an exchange key (or a membership) in the
 * tables first. A success uses up what it names, so each base is made again after one.
 */
import { randomUUID } from 'node:crypto'
import { makeExchangeKey } from '../../../src/shared/caseSync/exchange'
import { ownCase, type Phone } from '../caseSyncWorld'
import { addBody, removeBody, seedMember } from '../caseTeamWorld'
import type { Entry } from './catalogue'
import type { Caller } from './world'

const phone = (caller: Caller): Phone => ({ agent: caller.agent, device: caller.device!, userId: caller.userId! })

export const CASE_TEAM_CATALOGUE: Record<string, Entry> = {
  'GET /api/case-sync/exchange-key': { who: 'sociaalWerker' },
  'PUT /api/case-sync/exchange-key': {
    who: 'sociaalWerker',
    build: async (_w, caller) => {
      const uk = { keyId: randomUUID(), key: await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']) }
      return { body: (await makeExchangeKey(caller.userId!, uk, { deviceId: caller.device!.id, signingKey: caller.device!.keys.signing.privateKey })).record }
    },
  },
  'GET /api/case-sync/colleagues': { who: 'sociaalWerker' },
  'GET /api/case-sync/docs/:docId/members': { who: 'sociaalWerker', build: async (_w, caller) => ({ params: { docId: (await ownCase(phone(caller))).docId } }) },
  'POST /api/case-sync/docs/:docId/members': {
    who: 'sociaalWerker',
    build: async (w, caller) => {
      const c = await ownCase(phone(caller))
      return { params: { docId: c.docId }, body: await addBody(w.db, c, phone(caller), w.someUserId) }
    },
  },
  'POST /api/case-sync/docs/:docId/members/:userId/remove': {
    who: 'sociaalWerker',
    build: async (w, caller) => {
      const c = await ownCase(phone(caller))
      await seedMember(w.db, c.docId, w.someUserId)
      return { params: { docId: c.docId, userId: w.someUserId }, body: await removeBody(c, phone(caller)) }
    },
  },
  'POST /api/case-sync/docs/:docId/lead': {
    who: 'sociaalWerker',
    build: async (w, caller) => {
      const c = await ownCase(phone(caller))
      await seedMember(w.db, c.docId, w.someUserId)
      return { params: { docId: c.docId }, body: { userId: w.someUserId } }
    },
  },
}
