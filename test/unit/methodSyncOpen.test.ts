/**
 * Opening a case on a phone that received a newer method (src/app/features/method/caseOnOpen.ts,
 * CasePage.vue): the answer whose field moved arrives intact under version 2, a retired essential
 * is kept aside, where the case stands is worked out again, and a missing version changes nothing.
 */
import { describe, expect, it } from 'vitest'
import { caseOnOpen } from '../../src/app/features/method/caseOnOpen'
import { caseRecordSchema, newCase, type CaseRecord } from '../../src/shared/cases/v2'
import { currentStepOf } from '../../src/shared/method/progress'
import { BUNDLED_METHOD } from '../../src/shared/method/sigMethod'
import { version2, version3 } from './methodSyncFixtures'

/** A Welzijn op Recept case under version 1, at the activity: one matched, coming along not (yet) offered. */
function openCaseUnderV1(): CaseRecord {
  const c = newCase('9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d', 'wor', new Date('2026-11-02T09:00:00Z'))
  c.referral = { date: '2026-11-02', referrerType: 'huisarts' }
  c.consent = { given: true, purpose: 'Welzijn op Recept', scope: 'coach', date: '2026-11-02' }
  c.resident = { name: 'Maria Verhoeven', municipality: 'Oss' }
  c.wor = { firstContactDate: '2026-11-05', intakeDate: '2026-11-10', matchedServiceIds: ['0b6a3d1e-2f4c-4a5b-9c8d-7e6f5a4b3c2d'] }
  c.questions.wil = 'Weer mensen zien'
  c.lifeDomains = { 'sociaal-netwerk': { score: 2, wantsToTalk: true } }
  c.method.answers = { 'wor-other-route': 'schulden', 'wor-contact-way': 'huisbezoek' }
  c.method.essentials = { 'wor-intake-held': { state: 'skipped', on: '2026-11-12', reason: 'Datum volgt' } }
  c.method.step = currentStepOf(BUNDLED_METHOD, c).id
  return caseRecordSchema.parse(c)
}

describe('a case opened under a newer method', () => {
  it('moves to version 2 with the moved answer intact and works out its step again', () => {
    const before = openCaseUnderV1()
    expect(before.method.step).toBe('wor-activiteit')
    const opened = caseOnOpen(before, [BUNDLED_METHOD, version2()])
    if (opened.kind !== 'moved') throw new Error(`expected a move, got ${opened.kind}`)
    expect(opened).toMatchObject({ from: 1, to: 2 })
    expect(opened.notes.map((n) => n.version)).toEqual([2])
    const m = opened.record.method
    expect(m.version).toBe(2)
    expect(m.answers).toEqual({ 'wor-route-first': 'schulden', 'wor-contact-way': 'huisbezoek' })
    expect(m.essentials).toEqual(before.method.essentials)
    // "Offered to come along" is no longer asked in version 2: the activity step is done now.
    expect(m.step).toBe('wor-terugkoppeling')
    // Everything else is as it was, and the result is a valid case to save.
    expect({ ...opened.record, method: undefined }).toEqual({ ...before, method: undefined })
    expect(caseRecordSchema.safeParse(opened.record).success).toBe(true)
    // Opening it again changes nothing (idempotent).
    expect(caseOnOpen(opened.record, [BUNDLED_METHOD, version2()]).kind).toBe('same')
  })

  it('goes through every version on the way and lists what each changed', () => {
    const opened = caseOnOpen(openCaseUnderV1(), [version3(), BUNDLED_METHOD, version2()])
    if (opened.kind !== 'moved') throw new Error(`expected a move, got ${opened.kind}`)
    expect(opened.record.method.version).toBe(3)
    expect(opened.record.method.answers['wor-route-first']).toBe('schulden')
    expect(opened.notes.map((n) => n.version)).toEqual([2, 3])
  })

  it('stays under its own version, unchanged, while a version on the way is missing', () => {
    const before = openCaseUnderV1()
    expect(caseOnOpen(before, [BUNDLED_METHOD, version3()])).toEqual({ kind: 'missing', record: before, missing: 2 })
  })

  it('leaves a closed case under the version it was closed under', () => {
    const closed = { ...openCaseUnderV1(), status: 'closed' as const, closedAt: '2026-11-20' }
    expect(caseOnOpen(closed, [BUNDLED_METHOD, version2()])).toEqual({ kind: 'same', record: closed })
  })
})
