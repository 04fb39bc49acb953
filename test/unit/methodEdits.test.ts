import { describe, expect, it } from 'vitest'
import { CORE_BLOCKS, FIELD_KINDS, methodDefinitionSchema, type MethodDefinition } from '../../src/shared/method/definition'
import { successorProblems } from '../../src/shared/method/succession'
import { migrateCase, type CaseMethod } from '../../src/shared/method/migrate'
import { BUNDLED_METHOD } from '../../src/shared/method/sigMethod'
import {
  addCoreBlock,
  addEssential,
  addField,
  addOption,
  addPrompt,
  moveBlock,
  moveFieldToStep,
  movePrompt,
  newId,
  removeBlock,
  removeEssential,
  removeOption,
  removePrompt,
  replaceField,
  setHint,
  setKind,
  startDraft,
  stepAt,
  usedIds,
  type StepRef,
} from '../../src/app/features/methodEditor/methodEdits'
import { draftProblems, PROBLEM_KEYS, problemOf } from '../../src/app/features/methodEditor/methodProblems'
import { addStepAfter, MAX_STEPS, moveStep, removeStep, stepRemovalBlock } from '../../src/app/features/methodEditor/methodStepEdits'
import proNl from '../../src/app/i18n/pro.nl.json'
import proEn from '../../src/app/i18n/pro.en.json'

const v1 = BUNDLED_METHOD
const note = (d: MethodDefinition): MethodDefinition => ({ ...d, note: { nl: 'Wat er veranderde.', en: 'What changed.' } })
/** Deterministic random parts: a, b, c … as four characters. */
const counter = () => {
  let n = 10
  return () => (n++).toString(36).padStart(4, '0')
}
const contact: StepRef = { pathway: 'wor', step: 1 }
const check: StepRef = { pathway: 'wor', step: 3 }
const valid = (d: MethodDefinition) => {
  expect(draftProblems(v1, d)).toEqual([])
  const parsed = methodDefinitionSchema.parse(d)
  expect(successorProblems(v1, parsed)).toEqual([])
  return parsed
}
const method = (m: Partial<CaseMethod>): { method: CaseMethod } => ({ method: { version: 1, step: 'wor-aanmelding', answers: {}, essentials: {}, ...m } })

describe('starting a draft', () => {
  it('takes the latest content under the next number, with no migrations and an empty note that must be filled', () => {
    const d = startDraft(v1)
    expect(d.version).toBe(2)
    expect(d.migrations).toEqual([])
    expect(d.pathways).toEqual(v1.pathways)
    stepAt(d, contact).title.nl = 'Anders'
    expect(stepAt(v1, contact).title.nl).toBe('Contact binnen twee weken')
    expect(draftProblems(v1, d).map((p) => [p.path.join('.'), p.key])).toEqual([
      ['note.nl', 'emptyNl'],
      ['note.en', 'emptyEn'],
    ])
    valid(note(d))
  })
})

describe('ids', () => {
  it('generates an id from a base and a random part that no version used, valid for the schema', () => {
    const taken = usedIds(v1)
    expect(taken.has('wor-contact-way')).toBe(true)
    const parts = ['aaaa', 'aaaa', 'bbbb']
    const random = () => parts.shift()!
    expect(newId('wor-contact-e', new Set(['wor-contact-e-aaaa']), random)).toBe('wor-contact-e-bbbb')
    const id = newId('x'.repeat(60), taken)
    expect(id).toMatch(/^[a-z][a-z0-9-]{1,47}$/)
  })
})

describe('prompts', () => {
  it('adds, reorders and removes prompts; an empty one is refused in both languages', () => {
    let d = addPrompt(startDraft(v1), contact)
    expect(stepAt(d, contact).prompts).toHaveLength(3)
    expect(draftProblems(v1, note(d)).map((p) => p.path.join('.'))).toEqual(['pathways.wor.steps.1.prompts.2.nl', 'pathways.wor.steps.1.prompts.2.en'])
    stepAt(d, contact).prompts[2] = { nl: 'Nieuw', en: 'New' }
    d = movePrompt(d, contact, 2, 0)
    expect(stepAt(d, contact).prompts.map((p) => p.en)[0]).toBe('New')
    d = removePrompt(d, contact, 1)
    expect(stepAt(d, contact).prompts.map((p) => p.en)).toEqual(['New', 'Where and when would you like to meet? At your home is fine too.'])
    valid(note(d))
  })
})

describe('essentials', () => {
  it('a new essential gets a fresh id; removing it again leaves no migration', () => {
    let d = addEssential(startDraft(v1), v1, contact, counter())
    const added = stepAt(d, contact).essentials[1]!
    expect(added.id).toBe('wor-contact-e-000a')
    d = removeEssential(d, v1, contact, 1)
    expect(d.migrations).toEqual([])
    valid(note(d))
  })

  it('removing a published essential retires it: a case that ticked it keeps the mark aside, not counted', () => {
    const d = valid(note(removeEssential(startDraft(v1), v1, { pathway: 'wor', step: 2 }, 1)))
    expect(d.migrations).toEqual([{ op: 'retireEssential', essential: 'wor-own-words' }])
    const mark = { state: 'skipped' as const, on: '2026-11-20', reason: 'Geen tijd' }
    const moved = migrateCase(method({ essentials: { 'wor-own-words': mark } }), [v1, d])
    if (!moved.ok) throw new Error('the case moves to version 2')
    expect(moved.record.method).toMatchObject({ version: 2, essentials: {} })
    expect(Object.values(moved.record.method.retired?.essentials ?? {})).toEqual([mark])
  })
})

describe('method fields', () => {
  it('moves a field to another step of the pathway: the id and the answers stay, no migration', () => {
    const d = valid(note(moveFieldToStep(startDraft(v1), contact, 1, 2)))
    expect(d.migrations).toEqual([])
    expect(stepAt(d, contact).blocks).toEqual([{ core: 'wor.firstContactDate' }])
    expect(stepAt(d, { pathway: 'wor', step: 2 }).blocks.at(-1)).toMatchObject({ field: { id: 'wor-contact-way' } })
    const moved = migrateCase(method({ answers: { 'wor-contact-way': 'huisbezoek' } }), [v1, d])
    expect(moved.ok && moved.record.method.answers).toEqual({ 'wor-contact-way': 'huisbezoek' })
  })

  it('replaces a published field by a new one: the answer moves, essentials read the new field', () => {
    let d = replaceField(startDraft(v1), v1, check, 0, counter())
    const field = stepAt(d, check).blocks[0]!
    expect(field).toMatchObject({ field: { id: 'wor-other-route-000a', kind: 'choice' } })
    expect(stepAt(d, check).essentials[0]!.metWhen).toEqual({ filled: 'answers.wor-other-route-000a' })
    // Replaced again before publishing: one move, from the published field to the newest.
    d = moveFieldToStep(replaceField(d, v1, check, 0, counter()), check, 0, 4)
    const parsed = valid(note(d))
    expect(parsed.migrations).toEqual([{ op: 'moveAnswer', from: 'wor-other-route', to: 'wor-other-route-000a-000a' }])
    const moved = migrateCase(method({ answers: { 'wor-other-route': 'schulden', 'wor-contact-way': 'telefoon' } }), [v1, parsed])
    expect(moved.ok && moved.record.method.answers).toEqual({ 'wor-other-route-000a-000a': 'schulden', 'wor-contact-way': 'telefoon' })
  })

  it('adds a choice field with two options to fill in; a published field or option cannot simply go', () => {
    let d = addField(startDraft(v1), v1, contact, 'choice', counter())
    const added = stepAt(d, contact).blocks[2]!
    expect(added).toMatchObject({ field: { id: 'wor-contact-choice-000a', kind: 'choice', options: [{ id: 'optie-000b' }, { id: 'optie-000c' }] } })
    expect(draftProblems(v1, note(d)).filter((p) => p.key === 'emptyNl')).toHaveLength(3)
    d = addOption(d, v1, contact, 2, counter())
    d = removeOption(d, v1, contact, 2, 'optie-000b')
    expect(removeBlock(d, v1, contact, 1)).toBe(d)
    expect(removeOption(d, v1, contact, 1, 'telefoon')).toBe(d)
    expect(setKind(d, v1, contact, 1, 'text')).toBe(d)
    d = setKind(d, v1, contact, 2, 'date')
    expect(stepAt(d, contact).blocks[2]).toEqual({ field: { id: 'wor-contact-choice-000a', kind: 'date', label: { nl: '', en: '' } } })
    stepAt(d, contact).blocks[2] = { field: { id: 'wor-contact-choice-000a', kind: 'date', label: { nl: 'Wanneer?', en: 'When?' } } }
    d = setHint(d, contact, 2, { nl: 'Een datum', en: 'A date' })
    d = setHint(d, contact, 1, { nl: '', en: ' ' })
    valid(note(d))
    expect(removeBlock(d, v1, contact, 2)).not.toBe(d)
  })
})

describe('core parts', () => {
  it('reorders within a step; removing one counting needs is refused by the schema, named in words', () => {
    const intake: StepRef = { pathway: 'wor', step: 2 }
    let d = moveBlock(startDraft(v1), intake, 0, 2)
    expect(stepAt(d, intake).blocks.map((b) => ('core' in b ? b.core : b.field.id))).toEqual(['questions', 'lifeDomains', 'wor.intakeDate'])
    valid(note(d))
    d = removeBlock(d, v1, intake, 2)
    expect(draftProblems(v1, note(d))).toEqual([{ path: ['pathways', 'wor'], key: 'keepPart', params: { pathway: 'wor', part: 'wor.intakeDate' } }])
    // Brought back in another step of the pathway: fine again; a part is in a step once.
    d = addCoreBlock(d, contact, 'wor.intakeDate')
    expect(addCoreBlock(d, contact, 'wor.intakeDate')).toBe(d)
    valid(note(d))
  })
})

describe('steps', () => {
  const ids = (d: MethodDefinition, p: 'wor' | 'vg' = 'wor') => d.pathways[p].steps.map((s) => s.id)
  const wor = (step: number): StepRef => ({ pathway: 'wor', step })
  const T = (nl: string, en: string) => ({ nl, en })

  it('adds an empty step after the current one: generated ids, texts and one essential to fill in, no parts yet', () => {
    let d = addStepAfter(startDraft(v1), v1, contact, counter())
    expect(ids(d)).toEqual(['wor-aanmelding', 'wor-contact', 'wor-stap-000a', 'wor-intake', 'wor-bredere-check', 'wor-activiteit', 'wor-terugkoppeling', 'wor-afsluiten'])
    expect(stepAt(d, wor(2))).toEqual({ id: 'wor-stap-000a', title: T('', ''), purpose: T('', ''), prompts: [], blocks: [], essentials: [{ id: 'wor-stap-000a-e-000b', text: T('', '') }] })
    // Publishing waits for the texts and at least one part.
    expect(draftProblems(v1, note(d)).map((p) => `${p.path.slice(4).join('.')} ${p.key}`)).toEqual(['title.nl emptyNl', 'title.en emptyEn', 'purpose.nl emptyNl', 'purpose.en emptyEn', 'blocks tooFew', 'essentials.0.text.nl emptyNl', 'essentials.0.text.en emptyEn'])
    const added = stepAt(d, wor(2))
    Object.assign(added, { title: T('Kennismaken', 'Getting acquainted'), purpose: T('Elkaar leren kennen.', 'Getting to know each other.') })
    added.essentials[0]!.text = T('Je spraken af hoe je contact houdt.', 'You agreed how to keep in touch.')
    d = addField(d, v1, wor(2), 'longText', counter())
    ;(stepAt(d, wor(2)).blocks[0] as { field: { label: object } }).field.label = T('Afspraken', 'Agreements')
    const parsed = valid(note(d))
    expect(parsed.migrations).toEqual([])
    // An open case follows unchanged: a new step asks something new, nothing moves.
    const moved = migrateCase(method({ step: 'wor-intake', answers: { 'wor-contact-way': 'telefoon' } }), [v1, parsed])
    expect(moved.ok && moved.record.method).toMatchObject({ version: 2, answers: { 'wor-contact-way': 'telefoon' }, essentials: {} })
  })

  it('adds no step after the samenwerkoverleg or beyond the maximum', () => {
    const d = startDraft(v1)
    expect(addStepAfter(d, v1, { pathway: 'consultation' })).toBe(d)
    let full = d
    while (full.pathways.wor.steps.length < MAX_STEPS) full = addStepAfter(full, v1, wor(0))
    expect(addStepAfter(full, v1, wor(0))).toBe(full)
    expect(new Set(ids(full)).size).toBe(MAX_STEPS)
  })

  it('moves a step up and down within its pathway: every id stays, no migration', () => {
    const d = startDraft(v1)
    const up = moveStep(d, wor(3), 1)
    expect(ids(up)).toEqual(['wor-aanmelding', 'wor-bredere-check', 'wor-contact', 'wor-intake', 'wor-activiteit', 'wor-terugkoppeling', 'wor-afsluiten'])
    expect(ids(moveStep(moveStep(up, wor(1), 2), wor(2), 3))).toEqual(ids(v1))
    expect(valid(note(up)).migrations).toEqual([])
    expect(moveStep(d, wor(0), -1)).toBe(d)
    expect(moveStep(d, wor(6), 7)).toBe(d)
    expect(moveStep(d, { pathway: 'consultation' }, 1)).toBe(d)
  })

  it('refuses to remove a step holding a part the pathway must keep, and says which; moved elsewhere first, it goes', () => {
    const intake = wor(2)
    let d = startDraft(v1)
    expect(stepRemovalBlock(d, intake)).toEqual({ reason: 'requiredPart', parts: ['wor.intakeDate'] })
    expect(removeStep(d, v1, intake, 'drop')).toBe(d)
    expect(stepRemovalBlock(d, { pathway: 'consultation' })).toEqual({ reason: 'consultation' })
    expect(removeStep(d, v1, { pathway: 'consultation' }, 'drop')).toBe(d)
    d = addCoreBlock(removeBlock(d, v1, intake, 0), contact, 'wor.intakeDate')
    expect(stepRemovalBlock(d, intake)).toBeUndefined()
    const parsed = valid(note(removeStep(d, v1, intake, 'drop')))
    expect(ids(parsed)).not.toContain('wor-intake')
    expect(parsed.migrations).toEqual(['wor-intake-held', 'wor-own-words', 'wor-domains'].map((essential) => ({ op: 'retireEssential', essential })))
  })

  it('refuses to leave a pathway with fewer steps than the schema allows', () => {
    const d = startDraft(v1)
    const vg = d.pathways.vg.steps
    d.pathways.vg.steps = [{ ...vg[0]!, blocks: vg.flatMap((s) => s.blocks.filter((b) => 'core' in b)) }, vg[1]!]
    expect(stepRemovalBlock(d, { pathway: 'vg', step: 1 })).toEqual({ reason: 'tooFew', min: 2 })
    expect(removeStep(d, v1, { pathway: 'vg', step: 1 }, 'drop')).toBe(d)
  })

  it('removes a step: its published essentials are retired, its fields move to the chosen step with their answers', () => {
    const d = removeStep(startDraft(v1), v1, wor(3), { moveTo: 4 })
    const parsed = valid(note(d))
    expect(ids(parsed)).toEqual(['wor-aanmelding', 'wor-contact', 'wor-intake', 'wor-activiteit', 'wor-terugkoppeling', 'wor-afsluiten'])
    expect(stepAt(parsed, wor(3)).blocks.at(-1)).toMatchObject({ field: { id: 'wor-other-route' } })
    expect(parsed.migrations).toEqual([{ op: 'retireEssential', essential: 'wor-other-route-checked' }])
    const mark = { state: 'skipped' as const, on: '2026-11-20', reason: 'Niet nodig' }
    const moved = migrateCase(method({ step: 'wor-bredere-check', answers: { 'wor-other-route': 'nee' }, essentials: { 'wor-other-route-checked': mark } }), [v1, parsed])
    if (!moved.ok) throw new Error('the case moves to version 2')
    expect(moved.record.method.answers).toEqual({ 'wor-other-route': 'nee' })
    expect(moved.record.method.essentials).toEqual({})
    expect(Object.values(moved.record.method.retired?.essentials ?? {})).toEqual([mark])
    // The chosen step must be another step of the pathway.
    const draft = startDraft(v1)
    expect(removeStep(draft, v1, wor(3), { moveTo: 3 })).toBe(draft)
    expect(removeStep(draft, v1, wor(3), { moveTo: 9 })).toBe(draft)
  })

  it('removes a step with its fields dropped: the answers stay in the cases, a move onto a dropped field goes too', () => {
    let d = replaceField(startDraft(v1), v1, check, 0, counter())
    expect(d.migrations).toEqual([{ op: 'moveAnswer', from: 'wor-other-route', to: 'wor-other-route-000a' }])
    d = removeStep(d, v1, check, 'drop')
    const parsed = valid(note(d))
    expect(parsed.migrations).toEqual([{ op: 'retireEssential', essential: 'wor-other-route-checked' }])
    const moved = migrateCase(method({ answers: { 'wor-other-route': 'schulden' } }), [v1, parsed])
    expect(moved.ok && moved.record.method.answers).toEqual({ 'wor-other-route': 'schulden' })
  })

  it('removing a step added in this draft leaves no migration', () => {
    const d = removeStep(addStepAfter(startDraft(v1), v1, contact), v1, wor(2), 'drop')
    expect(d).toEqual(startDraft(v1))
  })
})

describe('problems in words', () => {
  it('turns the successor checks into keys with their ids', () => {
    expect(problemOf('version must be 3, not 2')).toEqual({ path: [], key: 'version', params: { expected: '3', got: '2' } })
    expect(problemOf('field "a-b" changed from date to text; add a new field and move the answer instead').params).toEqual({ id: 'a-b', from: 'date', to: 'text' })
    expect(problemOf('field "wor-contact-way" moves away but is still asked')).toEqual({ path: [], key: 'stillAsked', params: { id: 'wor-contact-way' } })
    expect(problemOf('something new', ['x']).key).toBe('other')
    expect(problemOf('Too small', [], 'too_small', 2)).toEqual({ path: [], key: 'tooFew', params: { n: 2 } })
  })

  it('a draft that skips a version is refused', () => {
    expect(draftProblems(v1, { ...note(startDraft(v1)), version: 3 }).map((p) => p.key)).toEqual(['version'])
  })
})

describe('the editor’s words', () => {
  it('has a Dutch and an English text for every problem, every part of the app and every kind of field', () => {
    const at = (messages: unknown, path: string) => path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), messages)
    const keys = [...PROBLEM_KEYS.map((k) => `problem.${k}`), ...CORE_BLOCKS.map((c) => `parts.${c}`), ...FIELD_KINDS.map((k) => `kinds.${k}`)]
    for (const messages of [proNl, proEn]) expect(keys.filter((k) => typeof at(messages.methodEditor, k) !== 'string')).toEqual([])
  })
})
