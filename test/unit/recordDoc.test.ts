/**
 * The case record as a Yjs document (src/shared/caseSync/recordDoc.ts): a full case comes back
 * as it went in, a save that changes nothing makes no update, every long text field of the schema
 * is free text, and typing a word sends a few bytes.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { caseRecordSchema, newCase } from '../../src/shared/cases/v2'
import { FREE_TEXT_MIN_MAX, isFreeTextPath, ITEM } from '../../src/shared/caseSync/freeText'
import { readMeta, readRecord, writeMeta, writeRecord } from '../../src/shared/caseSync/recordDoc'
import { BUNDLED_METHOD } from '../../src/shared/method/sigMethod'
import { copyDoc, fullCase, NOW, recordOf, recordUpdates } from './recordDocFixtures'

type Def = { type: string; [k: string]: unknown }
const defOf = (s: unknown) => (s as { _zod: { def: Def } })._zod.def

/** Every string in a schema whose maximum is at least `min`, as a path ('*' = a record's key). */
function longStrings(schema: unknown, min: number, path: string[] = []): string[][] {
  const def = defOf(schema)
  const inner = (s: unknown, p = path) => longStrings(s, min, p)
  switch (def.type) {
    case 'string':
      return ((schema as { maxLength: number | null }).maxLength ?? 0) >= min ? [path] : []
    case 'object':
      return Object.entries(def.shape as Record<string, unknown>).flatMap(([k, s]) => inner(s, [...path, k]))
    case 'record':
      return inner(def.valueType, [...path, '*'])
    case 'array':
      return inner(def.element, [...path, ITEM])
    case 'union':
      return (def.options as unknown[]).flatMap((s) => inner(s))
    case 'pipe':
      return inner(def.in)
    default:
      return 'innerType' in def ? inner(def.innerType) : []
  }
}

/** What the doc keeps at a path of a record (array elements by index): a root text's marker or a Y type. */
function storedAt(doc: Y.Doc, path: (string | number)[]): unknown {
  let map = doc.getMap<unknown>('record')
  let root = true
  let key: string[] = []
  for (const seg of path) {
    if (typeof seg === 'number') {
      const list = root ? doc.getArray<unknown>(`list:${key.join('.')}`) : (map.get(key.join('.')) as Y.Array<unknown>)
      map = list.get(seg) as Y.Map<unknown>
      root = false
      key = []
    } else key.push(seg)
  }
  const value = map.get(key.join('.'))
  return root && (value as { k?: string })?.k === 'text' ? doc.getText(`text:${key.join('.')}`) : value
}

describe('the case as a Yjs document', () => {
  it('gives back a full case exactly, on this device and on another', () => {
    const c = fullCase()
    const doc = new Y.Doc()
    writeRecord(doc, c)
    expect(readRecord(doc)).toEqual({ record: caseRecordSchema.parse(c) })
    expect(readRecord(copyDoc(doc))).toEqual({ record: caseRecordSchema.parse(c) })
    // Nothing read shares memory with what was written.
    c.support!.after.push('Later')
    c.domainSnapshots![0]!.scores.wonen = 5
    expect(recordOf(doc).support!.after).toEqual(['Koor', 'Buurman'])
    expect(recordOf(doc).domainSnapshots![0]!.scores.wonen).toBe(3)
  })

  it('makes no update for a save that changes nothing, and one for a save that does', () => {
    const doc = new Y.Doc()
    writeRecord(doc, fullCase())
    const updates = recordUpdates(doc)
    writeRecord(doc, recordOf(doc))
    writeRecord(doc, JSON.parse(JSON.stringify(recordOf(doc))))
    expect(updates).toHaveLength(0)
    const c = recordOf(doc)
    c.questions.wil += ' En zingen.'
    c.steps[0]!.done = true
    delete c.vg
    writeRecord(doc, c)
    expect(updates).toHaveLength(1)
    expect(recordOf(doc)).toEqual(c)
  })

  it('removes what the record no longer holds, also a section and its texts', () => {
    const doc = new Y.Doc()
    const c = fullCase()
    writeRecord(doc, c)
    delete c.consultation
    delete c.closeReason
    c.lifeDomains = {}
    c.steps = [c.steps[1]!]
    c.support = { before: [], after: [] }
    writeRecord(doc, c)
    expect(recordOf(doc)).toEqual(caseRecordSchema.parse(c))
    expect(doc.getText('text:closeReason').toString()).toBe('')
    expect(doc.getText('text:consultation.escalation').toString()).toBe('')
    expect(doc.getText('text:lifeDomains.wonen.note').toString()).toBe('')
  })

  it('follows steps moved, and a method answer that changes from text to a number and back', () => {
    const doc = new Y.Doc()
    const c = fullCase()
    c.steps.push({ id: crypto.randomUUID(), what: 'Derde', who: 'netwerk', done: false })
    writeRecord(doc, c)
    c.steps = [c.steps[2]!, c.steps[0]!, c.steps[1]!]
    c.method.answers['wor-contact-way'] = 4
    writeRecord(doc, c)
    expect(recordOf(doc)).toEqual(caseRecordSchema.parse(c))
    c.steps.reverse()
    c.method.answers['wor-contact-way'] = 'huisbezoek'
    writeRecord(doc, c)
    expect(recordOf(copyDoc(doc))).toEqual(caseRecordSchema.parse(c))
  })

  it('treats every string field of the case schema with a maximum of 1,000 or more as free text', () => {
    const paths = longStrings(caseRecordSchema, FREE_TEXT_MIN_MAX)
    expect(paths.length).toBeGreaterThan(15)
    expect(paths.filter((p) => !isFreeTextPath(p.map((s) => (s === '*' ? 'any-key' : s)))).map((p) => p.join('.'))).toEqual([])
    // And shorter strings (names, dates, enums, ids) are single values.
    for (const p of [['resident', 'name'], ['consultation', 'date'], ['steps', ITEM, 'whoName'], ['id'], ['pathway']]) expect(isFreeTextPath(p)).toBe(false)
  })

  it('stores each free text of a full case as a Y.Text and short strings as plain values', () => {
    const doc = new Y.Doc()
    writeRecord(doc, fullCase())
    const texts: (string | number)[][] = [
      ['questions', 'wil'],
      ['lifeDomains', 'wonen', 'note'],
      ['steps', 1, 'what'],
      ['consultation', 'actions', 0, 'what'],
      ['network', 0, 'canDo'],
      ['method', 'answers', 'sa-plan-partners'],
      ['method', 'essentials', 'wor-skip', 'reason'],
      ['referral', 'fromGp', 'note'],
    ]
    for (const p of texts) expect(storedAt(doc, p), p.join('.')).toBeInstanceOf(Y.Text)
    expect(storedAt(doc, ['resident', 'name'])).toBe('Anna de Vries')
    // The fields of issue 18: a date and an enum are one value; the categories a plain list.
    expect(storedAt(doc, ['consultation', 'evaluationHeldOn'])).toBe('2026-05-28')
    expect(storedAt(doc, ['closeCategory'])).toBe('doel-bereikt')
    expect(doc.getArray('list:support.beforeCategories').toArray()).toEqual(['huisarts', 'schuldhulp'])
    expect(storedAt(doc, ['steps', 0, 'when'])).toBe('2026-03-10')
    expect(storedAt(doc, ['method', 'answers', 'wor-count'])).toBe(3)
    // A choice's option id is one value, like a date: the method's field says so.
    expect(storedAt(doc, ['method', 'answers', 'wor-contact-way'])).toBe('telefoon')
  })

  it('takes the kind of an answer of a newer method version from that version', () => {
    const v2 = structuredClone(BUNDLED_METHOD)
    v2.version = 2
    v2.pathways.wor.steps[1]!.blocks.push({ field: { id: 'wor-new-date', kind: 'date', label: { nl: 'Datum', en: 'Date' } } })
    const c = fullCase()
    c.method.version = 2
    c.method.answers['wor-new-date'] = '2026-04-01'
    const [known, unknown] = [new Y.Doc(), new Y.Doc()]
    writeRecord(known, c, undefined, (v) => (v === 2 ? v2 : undefined))
    writeRecord(unknown, c)
    expect(storedAt(known, ['method', 'answers', 'wor-new-date'])).toBe('2026-04-01')
    expect(storedAt(unknown, ['method', 'answers', 'wor-new-date'])).toBeInstanceOf(Y.Text)
  })

  it('sends a few bytes for a word typed in a long text', () => {
    const doc = new Y.Doc()
    const c = fullCase()
    c.questions.wil = 'Ik wil weer mensen zien en naar buiten gaan. '.repeat(100)
    writeRecord(doc, c)
    const updates = recordUpdates(doc)
    c.questions.wil = c.questions.wil.slice(0, 200) + 'koffie ' + c.questions.wil.slice(200)
    writeRecord(doc, c)
    expect(updates).toHaveLength(1)
    expect(updates[0]!.length).toBeLessThan(100)
    expect(c.questions.wil.length).toBeGreaterThan(4_000)
    expect(recordOf(doc).questions.wil).toBe(c.questions.wil)
  })

  it('keeps an emoji whole when text next to it changes', () => {
    const doc = new Y.Doc()
    const c = fullCase()
    c.strengths = 'Zingt 🎵 graag'
    writeRecord(doc, c)
    c.strengths = 'Zingt 🎶 graag'
    writeRecord(doc, c)
    expect(recordOf(doc).strengths).toBe('Zingt 🎶 graag')
  })

  it('works out where the case stands from the data when given the method, else keeps the stored step', () => {
    const c = newCase(crypto.randomUUID(), 'wor', NOW)
    c.referral = { date: '2026-03-01', referrerType: 'huisarts' }
    c.resident.municipality = 'Oss'
    c.consent = { given: true, purpose: 'Hulp', scope: 'Team', date: '2026-03-01' }
    const doc = new Y.Doc()
    writeRecord(doc, c)
    expect(recordOf(doc).method.step).toBe('wor-aanmelding')
    const r = readRecord(doc, (v) => (v === BUNDLED_METHOD.version ? BUNDLED_METHOD : undefined))
    expect('problems' in r).toBe(false)
    expect((r.record as typeof c).method.step).toBe('wor-contact')
    expect(readRecord(doc, () => undefined).record).toEqual(recordOf(doc))
  })

  it('keeps who counts and who leads the case beside the record', () => {
    const doc = new Y.Doc()
    const device = crypto.randomUUID()
    const user = crypto.randomUUID()
    writeMeta(doc, { countingDeviceId: device, leadUserId: user })
    const updates = recordUpdates(doc)
    writeMeta(doc, { countingDeviceId: device })
    expect(updates).toHaveLength(0)
    expect(readMeta(copyDoc(doc))).toEqual({ countingDeviceId: device, leadUserId: user })
    writeRecord(doc, fullCase())
    expect(readMeta(doc)).toEqual({ countingDeviceId: device, leadUserId: user })
  })
})
