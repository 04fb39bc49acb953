/**
 * Random edits on two devices (seeded, so a failure repeats): after every save the doc reads back
 * exactly as written, and after the devices exchange updates both read the same, with every step
 * either device added and did not remove (src/shared/caseSync/recordDoc.ts).
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { caseRecordSchema, newCase, type CaseRecord } from '../../src/shared/cases/v2'
import { writeRecord } from '../../src/shared/caseSync/recordDoc'
import { canonical, copyDoc, NOW, recordOf, recordUpdates } from './recordDocFixtures'

/** mulberry32: a small seeded generator. */
function random(seed: number) {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const WORDS = ['koffie', 'wandelen', 'buurman', 'koor', 'fiets', 'huisarts', 'post', 'trap', '🚲', 'é']

function edit(c: CaseRecord, rnd: () => number, tag: string, added: Set<string>, removed: Set<string>) {
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!
  const word = () => `${pick(WORDS)}-${tag}`
  switch (Math.floor(rnd() * 8)) {
    case 0: {
      const at = Math.floor(rnd() * (c.questions.wil.length + 1))
      c.questions.wil = `${c.questions.wil.slice(0, at)} ${word()} ${c.questions.wil.slice(at)}`
      break
    }
    case 1: {
      const id = crypto.randomUUID()
      added.add(id)
      c.steps.splice(Math.floor(rnd() * (c.steps.length + 1)), 0, { id, what: word(), who: 'inwoner', done: false })
      break
    }
    case 2:
      if (c.steps.length) removed.add(c.steps.splice(Math.floor(rnd() * c.steps.length), 1)[0]!.id)
      break
    case 3:
      if (c.steps.length) c.steps.push(c.steps.splice(Math.floor(rnd() * c.steps.length), 1)[0]!)
      break
    case 4:
      if (c.steps.length) pick(c.steps).what += ` ${word()}`
      break
    case 5: {
      const domain = pick(['wonen', 'geldzaken'] as const)
      if (rnd() < 0.3) delete c.lifeDomains[domain]
      else c.lifeDomains[domain] = { wantsToTalk: rnd() < 0.5, score: 1 + Math.floor(rnd() * 5), note: word() }
      break
    }
    case 6: {
      if (rnd() < 0.2) {
        delete c.support
        break
      }
      // A support category ticked or unticked, as the checkboxes do (a set: recordDoc.ts SET_PATHS).
      const category = pick(['huisarts', 'ggz', 'wmo'] as const)
      const ticked = c.support?.beforeCategories ?? []
      const beforeCategories = ticked.includes(category) ? ticked.filter((x) => x !== category) : [...ticked, category]
      c.support = { before: [...(c.support?.before ?? []), word()], after: [], beforeCategories }
      break
    }
    default:
      c.method.answers[pick(['a-text', 'a-count'])] = rnd() < 0.5 ? word() : Math.floor(rnd() * 10)
  }
}

describe('random edits on two devices', () => {
  it('read back as written after every save, and converge', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const rnd = random(seed)
      const origin = new Y.Doc()
      const base = newCase(crypto.randomUUID(), 'samenwerkwijze', NOW)
      base.steps = [{ id: crypto.randomUUID(), what: 'Begin', who: 'inwoner', done: false }]
      writeRecord(origin, base)
      const devices = [copyDoc(origin), copyDoc(origin)]
      const sent = devices.map(recordUpdates)
      const added = new Set<string>()
      const removed = new Set<string>()
      devices.forEach((doc, d) => {
        const c = recordOf(doc)
        for (let i = 0; i < 12; i++) {
          edit(c, rnd, `${seed}${'ab'[d]}${i}`, added, removed)
          writeRecord(doc, c)
          expect(canonical(recordOf(doc)), `seed ${seed}, device ${d}, edit ${i}`).toBe(canonical(caseRecordSchema.parse(c)))
          expect(doc.getArray('list:steps').length, 'no stale copy of a moved step').toBe(c.steps.length)
        }
      })
      for (const u of sent[1]!) Y.applyUpdateV2(devices[0]!, u)
      for (const u of sent[0]!) Y.applyUpdateV2(devices[1]!, u)
      const [a, b] = devices.map(recordOf)
      expect(canonical(a), `seed ${seed}`).toBe(canonical(b))
      const ids = new Set(a!.steps.map((s) => s.id))
      for (const id of added) if (!removed.has(id)) expect(ids.has(id), `seed ${seed}: step ${id}`).toBe(true)
      expect(ids.size).toBe(a!.steps.length)
      // A step moved on both devices is there twice in the doc until the next save, which keeps one.
      writeRecord(devices[0]!, a!)
      expect(devices[0]!.getArray('list:steps').length, `seed ${seed}`).toBe(a!.steps.length)
    }
  })
})
