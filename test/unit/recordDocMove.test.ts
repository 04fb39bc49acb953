/**
 * A step moved up or down on one device (CaseSmallSteps.vue) while the other device edits that
 * step: the edit survives the move (src/shared/caseSync/recordDoc.ts, elements by id).
 */
import { describe, expect, it } from 'vitest'
import { newCase, type CaseRecord } from '../../src/shared/cases/v2'
import { concurrently, NOW } from './recordDocFixtures'

const uuid = () => crypto.randomUUID()
const step = (what: string): CaseRecord['steps'][number] => ({ id: uuid(), what, who: 'inwoner', done: false })

describe('a step moved on one device and edited on the other', () => {
  for (const [name, move] of [
    ['moved up', (c: CaseRecord) => c.steps.splice(0, 0, c.steps.splice(1, 1)[0]!)],
    ['moved down', (c: CaseRecord) => c.steps.splice(1, 0, c.steps.splice(0, 1)[0]!)],
    ['moved to the end of three', (c: CaseRecord) => c.steps.push(c.steps.shift()!)],
  ] as const) {
    it(`keeps the typed words and the tick of both steps (${name})`, () => {
      const base = newCase(uuid(), 'wor', NOW)
      base.steps = [step('Bellen met het koor'), step('Buurman vragen'), step('Fiets laten maken')]
      const { results, merged } = concurrently(base, move, (c) => {
        for (const s of c.steps) {
          s.what += ' op maandag'
          s.done = true
        }
      })
      expect(new Set(results).size).toBe(1)
      if ('problems' in merged) throw new Error(merged.problems.join('; '))
      const expected = structuredClone(base.steps)
      move({ steps: expected } as CaseRecord)
      expect(merged.record.steps.map((s) => [s.id, s.what, s.done])).toEqual(expected.map((s) => [s.id, `${s.what} op maandag`, true]))
    })
  }

  it('keeps a step added on the device that did not see the move, and every step once when both moved', () => {
    const base = newCase(uuid(), 'wor', NOW)
    base.steps = [step('Een'), step('Twee'), step('Drie')]
    const [one, two, three] = base.steps.map((s) => s.id)
    const added = step('Nieuw')
    const { results, merged } = concurrently(
      base,
      (c) => c.steps.unshift(c.steps.pop()!),
      (c) => {
        c.steps.splice(1, 0, added)
        c.steps.push(c.steps.shift()!)
        c.steps[2]!.what = 'Drie en meer'
      },
    )
    expect(new Set(results).size).toBe(1)
    if ('problems' in merged) throw new Error(merged.problems.join('; '))
    const ids = merged.record.steps.map((s) => s.id)
    expect([...ids].sort()).toEqual([one, two, three, added.id].sort())
    expect(merged.record.steps.find((s) => s.id === three)!.what).toBe('Drie en meer')
  })
})
