/**
 * The team routes' valid requests for the fuzz (test/server/fuzz.test.ts; docs/case-sync.md
 * "The team"): A's social worker on their approved device, leading a case of their own made through
 * the API; the colleague is A's member `someUserId`, given an exchange key (or a membership) in the
 * tables first. A success uses up what it names, so each base is made again after one.
 */
import { randomUUID } from 'node:crypto'
import { makeExchangeKey } from '../../../src/shared/caseSync/exchange'
import { ownCase, someoneElsesCase, type Phone } from '../caseSyncWorld'
import { addBody, removeBody, seedExchangeKey, seedInvitation, seedMember } from '../caseTeamWorld'
import type { Entry } from './catalogue'
import type { Caller, World } from './world'

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
  'POST /api/case-sync/docs/:docId/invitations': {
    who: 'sociaalWerker',
    build: async (_w, caller) => ({ params: { docId: (await ownCase(phone(caller))).docId }, body: { email: 'lid@example.org' } }),
  },
  'GET /api/case-sync/invitations': { who: 'sociaalWerker' },
  'POST /api/case-sync/invitations/:docId/accept': { who: 'sociaalWerker', build: async (w, caller) => ({ params: { docId: await invitedTo(w, caller) } }) },
  'POST /api/case-sync/invitations/:docId/decline': { who: 'sociaalWerker', build: async (w, caller) => ({ params: { docId: await invitedTo(w, caller) } }) },
}

/** A case of someone else's the caller is invited to, with an exchange key to accept with. */
async function invitedTo(w: World, caller: Caller): Promise<string> {
  const docId = await someoneElsesCase(w.db, w.orgA, w.someUserId)
  await seedInvitation(w.db, docId, caller.userId!)
  await seedExchangeKey(w.db, caller.userId!)
  return docId
}
