/** The samenwerkplan shared with participants: what each gets, and which responses count (src/shared/cases/sharedPlan.ts). */
import { describe, expect, it } from 'vitest'
import {
  acceptResponse,
  decryptResponse,
  encryptResponse,
  newResponseKey,
  participantPlanOf,
  participantPlanSchema,
  planRecipients,
  type PlanResponseContent,
} from '../../src/shared/cases/sharedPlan'
import { fullCase } from './recordDocFixtures'

const PLAN = '7a1c2e4f-0b3d-4e5f-8a9b-0c1d2e3f4a5b'
const LEAD_USER = '7a1c2e4f-0b3d-4e5f-8a9b-0c1d2e3f4a01'
const JANSEN_USER = '7a1c2e4f-0b3d-4e5f-8a9b-0c1d2e3f4a02'
const OTHER_USER = '7a1c2e4f-0b3d-4e5f-8a9b-0c1d2e3f4a03'

function sharedCase() {
  const c = fullCase()
  const co = c.consultation!
  co.participants[0]!.userId = JANSEN_USER
  co.participants[1]!.userId = OTHER_USER
  return c
}
const ctx = { planId: PLAN, version: 3, sentAt: '2026-03-06T10:00:00.000Z', leadUserId: LEAD_USER, organisation: 'Welzijn Oss', responseKey: newResponseKey() }

describe('what each participant gets', () => {
  it('only participants with an account whose consent stands receive the plan', () => {
    const c = sharedCase()
    expect(planRecipients(c, '2026-03-06').map((p) => p.name)).toEqual(['Dr. Jansen'])
    c.consultation!.participants[0]!.consent!.withdrawnOn = '2026-03-06'
    expect(planRecipients(c, '2026-03-06')).toEqual([])
  })

  it('the samenwerkplan — actions, who does each, the lead, the evaluation — and the own words only with consent for them; never the rest of the case', () => {
    const c = sharedCase()
    const jansen = c.consultation!.participants[0]!
    const plan = participantPlanOf(c, jansen.id, ctx)
    expect(participantPlanSchema.parse(plan)).toEqual(plan)
    expect(plan.recipient).toEqual({ userId: JANSEN_USER, participantId: jansen.id })
    expect(plan.actions.map((a) => [a.what, a.owner, a.done])).toEqual([
      ['Schuldhulp regelen', 'Sanne', false],
      ['Medicatie nakijken', 'Dr. Jansen', true],
    ])
    expect(plan.evaluationDate).toBe('2026-06-01')
    expect(plan.questions).toBeUndefined()
    const json = JSON.stringify(plan)
    for (const elsewhere of ['Ik wil weer mensen zien', 'Mevrouw is veel alleen', 'Trap is lastig', 'Doorzetter', 'Piet', 'Bellen met het koor', '06 12345678', 'Doelen bereikt', 'Hulp bij eenzaamheid', 'kkkkkkkk'])
      expect(json).not.toContain(elsewhere)
    jansen.consent!.ownWords = true
    expect(participantPlanOf(c, jansen.id, ctx).questions?.wil).toBe('Ik wil weer mensen zien.')
  })
})

describe('responses', () => {
  const content = (actionId: string, userId: string): PlanResponseContent => ({ v: 1, planId: PLAN, actionId, done: true, note: 'Afspraak gemaakt', at: '2026-03-07T09:00:00.000Z', userId })

  it('open with their generation’s key, for their plan and id only', async () => {
    const key = newResponseKey()
    const c = content(crypto.randomUUID(), JANSEN_USER)
    const r = await encryptResponse(c, crypto.randomUUID(), key)
    expect(await decryptResponse(PLAN, r, key)).toEqual(c)
    expect(await decryptResponse(PLAN, r, newResponseKey(key))).toBeUndefined()
    expect(await decryptResponse('7a1c2e4f-0b3d-4e5f-8a9b-0c1d2e3f4aff', r, key)).toBeUndefined()
    expect(await decryptResponse(PLAN, { ...r, id: crypto.randomUUID() }, key)).toBeUndefined()
  })

  it('count only from the action’s owner or the lead, signed by a device of the account they name', () => {
    const c = sharedCase()
    const plan = participantPlanOf(c, c.consultation!.participants[0]!.id, ctx)
    const jansensAction = plan.actions[1]!.id
    const sannesAction = plan.actions[0]!.id
    expect(acceptResponse(plan, { content: content(jansensAction, JANSEN_USER), signerUserId: JANSEN_USER })).toEqual({ ok: true })
    // Jansen ticking Sanne's action: ignored.
    expect(acceptResponse(plan, { content: content(sannesAction, JANSEN_USER), signerUserId: JANSEN_USER })).toEqual({ ok: false, reason: 'not-owner' })
    // Someone else's device claiming to be Jansen: ignored.
    expect(acceptResponse(plan, { content: content(jansensAction, JANSEN_USER), signerUserId: OTHER_USER })).toEqual({ ok: false, reason: 'not-signed-by-author' })
    expect(acceptResponse(plan, { content: content(crypto.randomUUID(), JANSEN_USER), signerUserId: JANSEN_USER })).toEqual({ ok: false, reason: 'unknown-action' })
    // The lead may change any action.
    expect(acceptResponse(plan, { content: content(jansensAction, LEAD_USER), signerUserId: LEAD_USER })).toEqual({ ok: true })
  })
})
