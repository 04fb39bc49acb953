/**
 * Two devices of one worker edit a case offline, then exchange their Yjs updates (in both orders):
 * nothing typed is lost, a single value ends as one of the two, and a merge that breaks a limit
 * comes back with problems rather than an exception (src/shared/caseSync/recordDoc.ts).
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { newCase, type CaseRecord } from '../../src/shared/cases/v2'
import { writeRecord } from '../../src/shared/caseSync/recordDoc'
import { concurrently, copyDoc, fullCase, NOW, recordOf, recordUpdates } from './recordDocFixtures'

const uuid = () => crypto.randomUUID()
const bare = () => newCase(uuid(), 'wor', NOW)
const step = (what: string): CaseRecord['steps'][number] => ({ id: uuid(), what, who: 'inwoner', done: false })
const words = (s: string) => s.split(/\s+/).filter(Boolean)

function merge(base: CaseRecord, editA: (c: CaseRecord) => void, editB: (c: CaseRecord) => void) {
  const { results, merged } = concurrently(base, editA, editB)
  // All devices agree, whichever order the updates came in.
  expect(new Set(results).size).toBe(1)
  return merged
}
function mergedRecord(...args: Parameters<typeof merge>): CaseRecord {
  const r = merge(...args)
  if ('problems' in r) throw new Error(r.problems.join('; '))
  return r.record
}

describe('two devices editing one case offline', () => {
  it('keeps edits to different fields, also inside a section neither device had yet', () => {
    const c = mergedRecord(
      bare(),
      (c) => {
        c.resident.name = 'Anna'
        c.consultation = { date: '2026-03-05', residentPresent: true, participants: [], actions: [] }
        c.lifeDomains.wonen = { wantsToTalk: true, score: 2 }
      },
      (c) => {
        c.resident.municipality = 'Oss'
        c.consultation = { place: 'Thuis', residentPresent: true, participants: [], actions: [] }
        c.lifeDomains.wonen = { wantsToTalk: true, note: 'Trap is lastig.' }
      },
    )
    expect(c.resident).toEqual({ name: 'Anna', municipality: 'Oss' })
    expect(c.consultation).toMatchObject({ date: '2026-03-05', place: 'Thuis' })
    expect(c.lifeDomains.wonen).toEqual({ wantsToTalk: true, score: 2, note: 'Trap is lastig.' })
  })

  it('merges typing in the same free-text field: every word of both is there', () => {
    const base = bare()
    base.questions.wil = 'Ik wil weer mensen zien.'
    const a = ' Misschien bij het koor in Oss.'
    const c = mergedRecord(
      base,
      (c) => (c.questions.wil += a),
      (c) => (c.questions.wil = 'Ik wil graag weer mensen zien. En wandelen met de hond.'),
    )
    for (const w of [...words(a), 'graag', 'wandelen', 'hond.', 'Ik', 'zien.']) expect(words(c.questions.wil)).toContain(w)
  })

  it('merges typing in a free-text field that was not there yet on either device', () => {
    const base = bare()
    base.consultation = { residentPresent: true, participants: [], actions: [] }
    const c = mergedRecord(
      base,
      (c) => {
        c.consultation!.escalation = 'Schuldhulp erbij halen.'
        c.lifeDomains.geldzaken = { wantsToTalk: true, note: 'Rekeningen stapelen.' }
      },
      (c) => {
        c.consultation!.escalation = 'Wijkagent vragen.'
        c.lifeDomains.geldzaken = { wantsToTalk: true, note: 'Bang voor de post.' }
      },
    )
    for (const w of ['Schuldhulp', 'Wijkagent']) expect(c.consultation!.escalation).toContain(w)
    for (const w of ['Rekeningen', 'Bang']) expect(c.lifeDomains.geldzaken!.note).toContain(w)
  })

  it('sets a date to one of the two values, never a mix', () => {
    const base = bare()
    base.wor = { matchedServiceIds: [] }
    const c = mergedRecord(
      base,
      (c) => (c.wor!.intakeDate = '2026-03-04'),
      (c) => (c.wor!.intakeDate = '2026-04-17'),
    )
    expect(['2026-03-04', '2026-04-17']).toContain(c.wor!.intakeDate)
  })

  it('sets "evaluatie gehouden op" and the reason a case closed to one of the two values, like the other dates and choices', () => {
    const base = bare()
    base.consultation = { residentPresent: true, participants: [], actions: [], evaluationDate: '2026-05-01' }
    const c = mergedRecord(
      base,
      (c) => {
        c.consultation!.evaluationHeldOn = '2026-04-28'
        c.closeCategory = 'doel-bereikt'
      },
      (c) => {
        c.consultation!.evaluationHeldOn = '2026-05-06'
        c.closeCategory = 'verhuisd'
      },
    )
    expect(['2026-04-28', '2026-05-06']).toContain(c.consultation!.evaluationHeldOn)
    expect(['doel-bereikt', 'verhuisd']).toContain(c.closeCategory)
    expect(c.consultation!.evaluationDate).toBe('2026-05-01')
  })

  it('merges support categories as a set: ticks on both devices stay, the same tick on both is there once, an untick stays', () => {
    const base = bare()
    base.support = { before: ['Huisarts elke week'], after: [], beforeCategories: ['huisarts', 'ggz'], afterCategories: [] }
    const c = mergedRecord(
      base,
      (c) => {
        c.support!.beforeCategories!.push('schuldhulp')
        c.support!.afterCategories!.push('vrijwilligers', 'eigen-netwerk')
      },
      (c) => {
        c.support!.beforeCategories = c.support!.beforeCategories!.filter((x) => x !== 'ggz')
        c.support!.beforeCategories.push('schuldhulp', 'wmo')
        c.support!.afterCategories!.push('vrijwilligers')
      },
    )
    expect([...c.support!.beforeCategories!].sort()).toEqual(['huisarts', 'schuldhulp', 'wmo'])
    expect([...c.support!.afterCategories!].sort()).toEqual(['eigen-netwerk', 'vrijwilligers'])
    // The free text beside them is untouched.
    expect(c.support!.before).toEqual(['Huisarts elke week'])
  })

  it('reads a category ticked on both devices once; the next save leaves one copy, an untick removes every copy', () => {
    const base = bare()
    base.support = { before: [], after: [], beforeCategories: [], afterCategories: [] }
    const { results, merged, docs } = concurrently(
      base,
      (c) => c.support!.afterCategories!.push('mantelzorg'),
      (c) => c.support!.afterCategories!.push('mantelzorg'),
    )
    expect(new Set(results).size).toBe(1)
    expect('problems' in merged).toBe(false)
    expect((merged.record as CaseRecord).support!.afterCategories).toEqual(['mantelzorg'])
    const [doc] = docs
    expect(doc!.getArray('list:support.afterCategories').length).toBe(2)
    writeRecord(doc!, merged.record as CaseRecord)
    expect(doc!.getArray('list:support.afterCategories').toArray()).toEqual(['mantelzorg'])
    // Unticking on a device that holds both copies removes both.
    const c = merged.record as CaseRecord
    c.support!.afterCategories = []
    const twice = docs[1]!
    expect(twice.getArray('list:support.afterCategories').length).toBe(2)
    writeRecord(twice, c)
    expect(twice.getArray('list:support.afterCategories').length).toBe(0)
  })

  it('keeps a category ticked on the other device while this device ticked and unticked it offline (add wins)', () => {
    const base = bare()
    base.support = { before: [], after: [], beforeCategories: [], afterCategories: [] }
    const origin = new Y.Doc()
    writeRecord(origin, base)
    const [a, b] = [copyDoc(origin), copyDoc(origin)]
    const [fromA, fromB] = [recordUpdates(a), recordUpdates(b)]
    const edit = (doc: Y.Doc, change: (c: CaseRecord) => void) => {
      const c = recordOf(doc)
      change(c)
      writeRecord(doc, c)
    }
    edit(a, (c) => c.support!.beforeCategories!.push('ggz'))
    edit(a, (c) => (c.support!.beforeCategories = []))
    edit(b, (c) => c.support!.beforeCategories!.push('ggz'))
    for (const u of fromB) Y.applyUpdateV2(a, u)
    for (const u of fromA) Y.applyUpdateV2(b, u)
    expect(recordOf(a).support!.beforeCategories).toEqual(['ggz'])
    expect(recordOf(b).support!.beforeCategories).toEqual(['ggz'])
  })

  it('sets a method answer that is a date or a choice to one of the two values; merges a text answer', () => {
    const base = bare()
    base.method.answers = { 'sa-next-review': '2026-05-01', 'wor-contact-way': 'telefoon', 'sa-plan-partners': 'Huisarts.' }
    const c = mergedRecord(
      base,
      (c) => Object.assign(c.method.answers, { 'sa-next-review': '2026-05-04', 'wor-contact-way': 'huisbezoek', 'sa-plan-partners': 'Huisarts. Wijkteam.' }),
      (c) => Object.assign(c.method.answers, { 'sa-next-review': '2026-06-17', 'wor-contact-way': 'anders', 'sa-plan-partners': 'Huisarts, dochter.' }),
    )
    expect(['2026-05-04', '2026-06-17']).toContain(c.method.answers['sa-next-review'])
    expect(['huisbezoek', 'anders']).toContain(c.method.answers['wor-contact-way'])
    for (const w of ['Wijkteam', 'dochter']) expect(c.method.answers['sa-plan-partners']).toContain(w)
  })

  it('keeps small steps added on both devices, and matched activities appended on both', () => {
    const base = bare()
    base.steps = [step('Bellen met het koor')]
    base.wor = { matchedServiceIds: [uuid()] }
    const [x, y] = [uuid(), uuid()]
    const c = mergedRecord(
      base,
      (c) => {
        c.steps.push(step('Fiets laten maken'))
        c.wor!.matchedServiceIds.push(x)
      },
      (c) => {
        c.steps.push(step('Buurman vragen'))
        c.wor!.matchedServiceIds.push(y)
      },
    )
    expect(c.steps.map((s) => s.what).sort()).toEqual(['Bellen met het koor', 'Buurman vragen', 'Fiets laten maken'])
    expect(c.steps[0]!.what).toBe('Bellen met het koor')
    expect(c.wor!.matchedServiceIds).toHaveLength(3)
    expect(c.wor!.matchedServiceIds).toEqual(expect.arrayContaining([base.wor.matchedServiceIds[0], x, y]))
  })

  it('keeps an edit of one step and a step added on the other device', () => {
    const base = bare()
    base.steps = [step('Bellen met het koor')]
    const c = mergedRecord(
      base,
      (c) => {
        c.steps[0]!.what += ' op maandag'
        c.steps[0]!.done = true
      },
      (c) => c.steps.unshift(step('Eerst de huisarts bellen')),
    )
    expect(c.steps.map((s) => [s.what, s.done])).toEqual([
      ['Eerst de huisarts bellen', false],
      ['Bellen met het koor op maandag', true],
    ])
  })

  it('lets a removed step stay removed when the other device edited it meanwhile', () => {
    const base = bare()
    base.steps = [step('Bellen met het koor'), step('Buurman vragen')]
    const { results, merged, docs } = concurrently(
      base,
      (c) => c.steps.splice(0, 1),
      (c) => {
        c.steps[0]!.what = 'Bellen met het koor en de kerk'
        c.steps[0]!.done = true
      },
    )
    expect(new Set(results).size).toBe(1)
    expect('problems' in merged).toBe(false)
    expect((merged.record as CaseRecord).steps.map((s) => s.what)).toEqual(['Buurman vragen'])
    // What was typed into the removed step is garbage-collected: not in the state a snapshot encodes.
    for (const doc of docs) expect(Buffer.from(Y.encodeStateAsUpdateV2(doc)).toString('latin1')).not.toContain('kerk')
  })

  it('keeps both when a section is removed on one device while another field of it is typed on the other', () => {
    const base = fullCase()
    const { results, merged, docs } = concurrently(
      base,
      (c) => {
        delete c.consultation
        delete c.lifeDomains.wonen
      },
      (c) => {
        c.consultation!.place = 'Buurthuis'
        c.lifeDomains.wonen!.note += ' Lift is kapot.'
      },
    )
    expect(new Set(results).size).toBe(1)
    // The removal wins for the section: the lone field does not come back without its section.
    expect((merged.record as CaseRecord).consultation).toBeUndefined()
    expect((merged.record as CaseRecord).lifeDomains.wonen).toBeUndefined()
    expect('problems' in merged).toBe(false)
    // The next save clears what no section holds any more, so it does not linger in the doc.
    const [doc] = docs
    expect(Buffer.from(Y.encodeStateAsUpdateV2(doc!)).toString('latin1')).toContain('Lift')
    writeRecord(doc!, merged.record as CaseRecord)
    for (const gone of ['Lift', 'Buurthuis']) expect(Buffer.from(Y.encodeStateAsUpdateV2(doc!)).toString('latin1')).not.toContain(gone)
  })

  it('returns a merged text over its limit with the problem in words, nothing cut', () => {
    const base = bare()
    base.questions.wil = 'Begin. '
    const a = 'a'.repeat(3_000)
    const b = 'b'.repeat(3_000)
    const r = merge(
      base,
      (c) => (c.questions.wil += a),
      (c) => (c.questions.wil += b),
    )
    expect('problems' in r && r.problems).toEqual([expect.stringMatching(/^questions\.wil: .*5000/)])
    const wil = (r.record as CaseRecord).questions.wil
    expect(wil).toHaveLength(7 + 6_000)
    expect(wil).toContain(a)
    expect(wil).toContain(b)
  })

  it('returns a list over its limit with the problem in words (participants: at most 50)', () => {
    const base = bare()
    const person = (name: string) => ({ id: uuid(), name, role: 'r', organisation: 'o', discipline: 'd' })
    base.consultation = { residentPresent: true, participants: Array.from({ length: 49 }, (_, i) => person(`P ${i}`)), actions: [] }
    const r = merge(
      base,
      (c) => c.consultation!.participants.push(person('A')),
      (c) => c.consultation!.participants.push(person('B')),
    )
    expect('problems' in r && r.problems).toEqual([expect.stringMatching(/^consultation\.participants: .*50/)])
    expect((r.record as CaseRecord).consultation!.participants).toHaveLength(51)
  })
})
