/**
 * The recovery routes' valid requests for the fuzz (test/server/fuzz.test.ts; docs/case-sync.md
 * "Recovery"): A's beheerder on their certified device, A's social worker on theirs. A has one
 * beheerder with a certified device, so the setup is refused (too small a group) and the ceremony
 * finds no recovery key: each request still reaches the handler's own checks.
 */
import { randomUUID } from 'node:crypto'
import { recoveryBox, recoverySetup, startBody } from '../caseRecoveryWorld'
import { userKeyBox } from '../caseSyncWorld'
import { organisationTrust } from '../devices'
import type { Entry } from './catalogue'
import type { Caller } from './world'

const holder = (caller: Caller) => ({ agent: caller.agent, device: caller.device!, userId: caller.userId! })

export const CASE_RECOVERY_CATALOGUE: Record<string, Entry> = {
  'GET /api/case-sync/recovery/key': { who: 'sociaalWerker' },
  'POST /api/case-sync/recovery/key': {
    who: 'beheerder',
    build: async (w, caller) => {
      const worker = await w.caller('sociaalWerker')
      const me = { agent: caller.agent, userId: caller.userId!, device: (await organisationTrust(caller.agent, w.orgA)).admin }
      return { body: (await recoverySetup(me, [me.device, worker.device!])).body }
    },
  },
  'POST /api/case-sync/recovery/user-keys': {
    who: 'sociaalWerker',
    build: async (_w, caller) => {
      const { ork } = await recoverySetup(holder(caller), [])
      return { body: await recoveryBox(holder(caller), ork.key) }
    },
  },
  'GET /api/case-sync/recovery/requests': { who: 'beheerder' },
  'POST /api/case-sync/recovery/requests': {
    who: 'beheerder',
    build: async (w, caller) => {
      const worker = await w.caller('sociaalWerker')
      const me = { agent: caller.agent, userId: caller.userId!, device: (await organisationTrust(caller.agent, w.orgA)).admin }
      return { body: await startBody(me, { device: worker.device!, userId: worker.userId! }, new Date(w.clock.now())) }
    },
  },
  'GET /api/case-sync/recovery/requests/:id': { who: 'beheerder', build: async () => ({ params: { id: randomUUID() } }) },
  'POST /api/case-sync/recovery/requests/:id/confirm': {
    who: 'beheerder',
    build: async (w) => ({ params: { id: randomUUID() }, body: { boxes: [await userKeyBox(holder(await w.caller('sociaalWerker')))] } }),
  },
  'GET /api/case-sync/recovery/mine': { who: 'sociaalWerker' },
}
