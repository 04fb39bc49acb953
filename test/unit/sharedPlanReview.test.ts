/**
 * Review of the shared samenwerkplan (issue 17), each test performing the attack it names, with real
 * crypto (certificates up to a pinned organisation key, responses encrypted and signed as a
 * participant's phone does):
 *
 * - the server hands a participant's older answer out again under a later `seq` (same id, same
 *   signature): the lead's phone must not let it undo the newer answer the action shows;
 * - a damaged row in the participant's `invitedBy` table is not read back as if it were one.
 */
import 'fake-indexeddb/auto'
import { Dexie } from 'dexie'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DEVICE_DB_NAME } from '../../src/app/core/deviceIdentity'
import { acceptNewKey, forgetPinnedKeys } from '../../src/app/core/pinnedKeys'
import { ensureSharedPlan, linkAccount } from '../../src/app/features/sharedPlan/accounts'
import { sharedPlanDb } from '../../src/app/features/sharedPlan/planDb'
import { invitedBy } from '../../src/app/features/sharedPlan/planStore'
import { readResponses } from '../../src/app/features/sharedPlan/readResponses'
import type { PlanResponses } from '../../src/shared/api/plans'
import { encryptResponse, planResponseMessage, type ResponseKey } from '../../src/shared/cases/sharedPlan'
import { newCase, type CaseRecord } from '../../src/shared/cases/v2'
import { signMessage } from '../../src/shared/crypto/signatures'
import { fingerprint, type Certificate } from '../../src/shared/devices/certificates'
import { organisation } from './planPhones'
import { phone, type Phone } from './testPhones'

const PRAKTIJK = '7d2f3a4b-5c6d-4e7f-8a91-92a3b4c5d6e8'
const LEAD = '3a3b3c3d-1e0f-4a9b-8c7d-6e5f4a3b2c11'
const JANSEN_USER = '3a3b3c3d-1e0f-4a9b-8c7d-6e5f4a3b2c12'
const JANSEN = '0b7c3a52-7d2e-4c51-9a4e-2f1c6a3b9d11'
const SANNE = '0b7c3a52-7d2e-4c51-9a4e-2f1c6a3b9d13'
const ACTION = '5e5e5e5e-1e0f-4a9b-8c7d-6e5f4a3b2c11'
const PLAN = '8d7c6b5a-4e3f-4a2b-9c1d-0e9f8a7b6c11'

let praktijk: Awaited<ReturnType<typeof organisation>>
let jansenPhone: Phone
let jansenCert: Certificate

beforeAll(async () => {
  await Dexie.delete(DEVICE_DB_NAME)
  praktijk = await organisation(PRAKTIJK)
  jansenPhone = await phone()
  jansenCert = await praktijk.approve(jansenPhone, JANSEN_USER, ['huisarts'])
  await acceptNewKey(PRAKTIJK, await fingerprint(praktijk.chain.organisationKey))
})
afterAll(async () => {
  await forgetPinnedKeys()
})
afterEach(async () => {
  await sharedPlanDb.invitedBy.clear()
})

const consent = { purpose: 'Samenwerken aan het plan', date: '2026-03-05', recordedBy: 'Sanne', ownWords: false }

/** A case whose samenwerkplan names Dr. Jansen (an account at the Praktijk, consent standing) as owner of one action. */
function sharedCase(): CaseRecord {
  const c = newCase(crypto.randomUUID(), 'samenwerkwijze', new Date('2026-03-01T09:00:00Z'))
  c.resident.name = 'Anna de Vries'
  c.consultation = {
    date: '2026-03-05',
    residentPresent: true,
    participants: [
      { id: JANSEN, name: 'Dr. Jansen', role: 'huisarts', organisation: 'Praktijk Oss', discipline: 'huisarts', consent },
      { id: SANNE, name: 'Sanne', role: 'casusregisseur', organisation: 'Welzijn Oss', discipline: 'sociaal-werk' },
    ],
    actions: [{ id: ACTION, what: 'Medicatie nakijken', owner: 'Dr. Jansen', ownerId: JANSEN }],
    leadId: SANNE,
  }
  ensureSharedPlan(c.consultation)
  linkAccount(c.consultation, JANSEN, { userId: JANSEN_USER, organisationId: PRAKTIJK, name: 'Dr. Jansen', organisationName: 'Praktijk Oss' })
  return c
}

/** Dr. Jansen's answer as his phone makes it: encrypted under the plan's key and signed by his certified device. */
async function answer(planId: string, key: ResponseKey, o: { done: boolean; note: string; at: string }) {
  const id = crypto.randomUUID()
  const enc = await encryptResponse({ v: 1, planId, actionId: ACTION, done: o.done, note: o.note, at: o.at, userId: JANSEN_USER }, id, key)
  const unsigned = { ...enc, deviceId: jansenPhone.id }
  const signature = await signMessage(jansenPhone.signing.privateKey, planResponseMessage(planId, unsigned))
  return { ...unsigned, signature, userId: JANSEN_USER, receivedAt: o.at }
}

describe('the lead’s phone reading responses the server replays', () => {
  it('does not let an older answer, handed out again under a later seq, undo the newer one', async () => {
    const store = new Map<string, CaseRecord>()
    const c = sharedCase()
    store.set(c.id, structuredClone(c))
    const state = c.consultation!.sharedPlan!
    const first = await answer(state.planId, state.responseKey, { done: true, note: 'Gedaan', at: '2026-03-07T09:00:00.000Z' })
    const second = await answer(state.planId, state.responseKey, { done: false, note: 'Toch nog niet', at: '2026-03-08T09:00:00.000Z' })
    // What the server holds and hands out: the two answers in order, then the first again (same id, same signature) under a new seq.
    let held: PlanResponses['responses'] = [
      { ...first, seq: 1 },
      { ...second, seq: 2 },
    ]
    const responses = async (_planId: string, _docId: string, after: number): Promise<PlanResponses> => ({
      responses: held.filter((r) => r.seq > after),
      devices: [jansenCert],
      chains: { [PRAKTIJK]: praktijk.chain },
      more: false,
    })
    const env = { me: { userId: LEAD, name: 'Sanne' }, responses, cases: { load: async (id: string) => structuredClone(store.get(id)), save: async (r: CaseRecord) => void store.set(r.id, structuredClone(r)) } }

    expect(await readResponses(env, c.id)).toMatchObject({ applied: 2, ignored: 0 })
    expect(store.get(c.id)!.consultation!.actions[0]).toMatchObject({ done: false, reply: { done: false, note: 'Toch nog niet' } })

    // The replay, in a later read.
    held = [...held, { ...first, seq: 3 }]
    expect(await readResponses(env, c.id)).toMatchObject({ applied: 0, ignored: 1 })
    expect(store.get(c.id)!.consultation!.actions[0]).toMatchObject({ done: false, reply: { done: false, note: 'Toch nog niet', at: '2026-03-08T09:00:00.000Z' } })
    expect(store.get(c.id)!.consultation!.sharedPlan!.responsesAfter).toBe(3)

    // The replay within one read, right after the answers it would undo.
    const fresh = sharedCase()
    store.set(fresh.id, structuredClone(fresh))
    const s = fresh.consultation!.sharedPlan!
    const a = await answer(s.planId, s.responseKey, { done: true, note: 'Gedaan', at: '2026-03-07T09:00:00.000Z' })
    const b = await answer(s.planId, s.responseKey, { done: false, note: 'Toch nog niet', at: '2026-03-08T09:00:00.000Z' })
    held = [
      { ...a, seq: 1 },
      { ...b, seq: 2 },
      { ...a, seq: 3 },
    ]
    expect(await readResponses(env, fresh.id)).toMatchObject({ applied: 2, ignored: 1 })
    expect(store.get(fresh.id)!.consultation!.actions[0]).toMatchObject({ done: false, reply: { note: 'Toch nog niet' } })

    // A newer answer still counts.
    const third = await answer(s.planId, s.responseKey, { done: true, note: 'Nu wel', at: '2026-03-09T09:00:00.000Z' })
    held = [...held, { ...third, seq: 4 }]
    expect(await readResponses(env, fresh.id)).toMatchObject({ applied: 1, ignored: 0 })
    expect(store.get(fresh.id)!.consultation!.actions[0]).toMatchObject({ done: true, reply: { note: 'Nu wel' } })
  })
})

describe('who asked, as the participant’s phone remembered it', () => {
  it('reads a row back only when it fits its schema', async () => {
    await sharedPlanDb.invitedBy.put({ planId: PLAN, inviterName: 'Sanne', organisationName: 'Welzijn Oss' })
    expect(await invitedBy(PLAN)).toEqual({ planId: PLAN, inviterName: 'Sanne', organisationName: 'Welzijn Oss' })
    // A damaged row (written by an older or broken build, or changed on the device): not shown as who asked.
    await sharedPlanDb.invitedBy.put({ planId: PLAN, inviterName: 'Sanne', organisationName: { html: '<b>x</b>' } } as never)
    expect(await invitedBy(PLAN)).toBeUndefined()
    await sharedPlanDb.invitedBy.put({ planId: PLAN, inviterName: null, organisationName: 'W'.repeat(5_000) })
    expect(await invitedBy(PLAN)).toBeUndefined()
  })
})
