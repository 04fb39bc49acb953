import { describe, expect, it } from 'vitest'
import { newCase, type CaseRecord } from '../../src/shared/cases/v2'
import { CORE_BLOCKS, type MethodDefinition } from '../../src/shared/method/definition'
import { BUNDLED_METHOD } from '../../src/shared/method/sigMethod'
import { callConsultation, markEssential, retiredAnswers, setAnswer, standingOf, stepItems } from '../../src/app/features/cases/caseGuide'
import { CORE_FIELD_SPECS, isCoreField } from '../../src/app/features/cases/coreFields'
import type { InterventionId } from '../../src/shared/interventions'

const D = BUNDLED_METHOD
const made = (p: InterventionId): CaseRecord => newCase('8f7e4a52-6b0c-4a8e-9d51-0c1f3f6c2b11', p, new Date('2026-11-30T10:00:00Z'))
/** Step 1 of every pathway done through its data. */
function registered(c: CaseRecord): CaseRecord {
  c.consent = { given: true, purpose: 'hulp', scope: 'gegevens' }
  c.referral = { date: '2026-11-02' }
  c.resident.municipality = 'Oss'
  return c
}

describe('the guided editor’s step list', () => {
  it('numbers the pathway’s own steps and says which is done, where the case stands and what is not yet', () => {
    const c = registered(made('wor'))
    const items = stepItems(D, c)
    expect(items.map((i) => [i.n, i.step.id, i.state])).toEqual([
      [1, 'wor-aanmelding', 'done'],
      [2, 'wor-contact', 'current'],
      [3, 'wor-intake', 'todo'],
      [4, 'wor-bredere-check', 'todo'],
      [5, 'wor-activiteit', 'todo'],
      [6, 'wor-terugkoppeling', 'todo'],
      [7, 'wor-afsluiten', 'todo'],
    ])
  })

  it('shows the samenwerkoverleg beside the steps once called, unnumbered, and it does not move the case', () => {
    const c = registered(made('vg'))
    expect(stepItems(D, c).some((i) => i.step.id === 'overleg')).toBe(false)
    callConsultation(c)
    expect(c.consultation).toEqual({ residentPresent: true, participants: [], actions: [], place: 'thuis' })
    const last = stepItems(D, c).at(-1)!
    expect(last.step.id).toBe('overleg')
    expect(last.n).toBeUndefined()
    expect(standingOf(D, c)).toBe('vg-voorbereiden')
    // Calling again keeps what was there.
    c.consultation!.date = '2026-11-20'
    callConsultation(c)
    expect(c.consultation!.date).toBe('2026-11-20')
  })

  it('the samenwerkwijze keeps its own step 3 and gets no second samenwerkoverleg', () => {
    const c = made('samenwerkwijze')
    callConsultation(c)
    expect(stepItems(D, c).map((i) => i.step.id)).toEqual(['sww-signaleren', 'sww-voorbereiden', 'sww-overleg', 'sww-uitvoeren', 'sww-afsluiten'])
  })
})

describe('essentials', () => {
  it('refuses a skip without a reason and stores nothing; with a reason the step counts as done', () => {
    const c = registered(made('vg'))
    c.method.answers = { 'vg-naaste': 'Dochter', 'vg-social-professional': 'Coach' }
    expect(standingOf(D, c)).toBe('vg-voorbereiden')
    expect(markEssential(c.method, 'vg-ggz-invited', { state: 'skipped', reason: '   ' }, '2026-11-30')).toBe('reason-required')
    expect(c.method.essentials).toEqual({})
    expect(standingOf(D, c)).toBe('vg-voorbereiden')
    expect(markEssential(c.method, 'vg-ggz-invited', { state: 'skipped', reason: ' Geen behandelaar vrij ' }, '2026-11-30')).toBe('ok')
    expect(c.method.essentials['vg-ggz-invited']).toEqual({ state: 'skipped', on: '2026-11-30', reason: 'Geen behandelaar vrij' })
    expect(standingOf(D, c)).toBe('vg-gesprek')
    // Undone: the step is open again.
    markEssential(c.method, 'vg-ggz-invited', undefined, '2026-11-30')
    expect(c.method.essentials).toEqual({})
    expect(standingOf(D, c)).toBe('vg-voorbereiden')
  })

  it('a ticked essential moves the case; only the data meets one with a condition', () => {
    const c = registered(made('vg'))
    c.method.answers = { 'vg-naaste': 'Dochter', 'vg-social-professional': 'Coach', 'vg-ggz-clinician': 'Psycholoog' }
    c.vg = { conversationDate: '2026-11-18' }
    c.questions.wil = 'Rust'
    expect(standingOf(D, c)).toBe('vg-gesprek')
    markEssential(c.method, 'vg-not-diagnosis', { state: 'met' }, '2026-11-30')
    expect(standingOf(D, c)).toBe('vg-advies')
    // A tick on an essential the data must show counts for nothing.
    markEssential(c.method, 'vg-outcome-chosen', { state: 'met' }, '2026-11-30')
    expect(standingOf(D, c)).toBe('vg-advies')
  })
})

describe('method field answers', () => {
  it('removes the key when a field is cleared, and keeps a no', () => {
    const answers: Record<string, string | number | boolean> = {}
    setAnswer(answers, 'a', 'tekst')
    setAnswer(answers, 'b', false)
    setAnswer(answers, 'c', 0)
    expect(answers).toEqual({ a: 'tekst', b: false, c: 0 })
    setAnswer(answers, 'a', '  ')
    setAnswer(answers, 'b', undefined)
    setAnswer(answers, 'c', Number.NaN)
    expect(answers).toEqual({})
  })

  it('lists answers the version no longer asks, labelled by the newest older version that had the field', () => {
    const v2: MethodDefinition = structuredClone(D)
    v2.version = 2
    const check = v2.pathways.wor.steps.find((s) => s.id === 'wor-bredere-check')!
    check.blocks = check.blocks.filter((b) => !('field' in b && b.field.id === 'wor-other-route'))
    check.essentials = [{ id: 'wor-other-route-checked', text: { nl: 'Nagegaan', en: 'Checked' } }]
    const c = made('wor')
    c.method = { version: 2, step: 'wor-aanmelding', answers: { 'wor-other-route': 'schulden', 'wor-contact-way': 'telefoon' }, essentials: {}, retired: { answers: { 'oud-veld': 'x' }, essentials: {} } }
    const out = retiredAnswers(v2, [D, v2], c.method)
    expect(out.map((a) => [a.id, a.value, a.field?.label.nl])).toEqual([
      ['wor-other-route', 'schulden', 'Is eerst een andere route nodig?'],
      ['oud-veld', 'x', undefined],
    ])
  })
})

describe('core blocks', () => {
  it('every intervention field among the core blocks has a field spec', () => {
    const dotted = CORE_BLOCKS.filter((b) => b.includes('.'))
    expect(dotted.filter((b) => !isCoreField(b))).toEqual([])
    expect(Object.keys(CORE_FIELD_SPECS).sort()).toEqual([...dotted].sort())
  })
})
