import { describe, expect, it } from 'vitest'
import { readReceiverMemory, receiverChange, receiverKey, rememberReceiver } from '../../src/app/features/referrals/receiverMemory'

const WELZIJN = { organisationId: 'org-welzijn', organisationName: 'Welzijn Oss' }
const IBN = { organisationId: 'org-ibn', organisationName: 'Stichting IBN' }

describe('the referral form remembers where it sent last time', () => {
  it('asks nothing the first time: nothing to compare with', () => {
    expect(receiverChange(undefined, WELZIJN, WELZIJN.organisationId)).toBeNull()
  })

  it('asks nothing when the routing table names the same organisation as last time', () => {
    expect(receiverChange(WELZIJN, { ...WELZIJN, organisationName: 'Welzijn Oss (nieuwe naam)' }, WELZIJN.organisationId)).toBeNull()
  })

  it('shows "before → now" when the routing table now names another organisation', () => {
    expect(receiverChange(WELZIJN, IBN, IBN.organisationId)).toEqual({ before: WELZIJN, now: IBN })
  })

  it('asks nothing when the GP picked the receiver by hand', () => {
    expect(receiverChange(WELZIJN, IBN, 'org-other')).toBeNull()
  })

  it('asks nothing when there is no route for this intervention and municipality', () => {
    expect(receiverChange(WELZIJN, undefined, WELZIJN.organisationId)).toBeNull()
  })

  it('keeps one receiver per intervention × municipality', () => {
    let memory = readReceiverMemory(null)
    memory = rememberReceiver(memory, receiverKey('wor', 'Oss'), WELZIJN)
    memory = rememberReceiver(memory, receiverKey('vg', 'Oss'), IBN)
    memory = rememberReceiver(memory, receiverKey('wor', 'Oss'), IBN)
    const back = readReceiverMemory(JSON.stringify(memory))
    expect(back.receivers).toEqual({ 'wor|Oss': IBN, 'vg|Oss': IBN })
  })

  it('reads damaged or foreign storage as nothing remembered', () => {
    for (const raw of ['{', '[]', JSON.stringify({ schemaVersion: 2, receivers: {} }), JSON.stringify({ schemaVersion: 1, receivers: { 'wor|Oss': { organisationId: 5 } } })]) {
      expect(readReceiverMemory(raw)).toEqual({ schemaVersion: 1, receivers: {} })
    }
  })
})
