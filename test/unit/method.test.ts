/**
 * The method as data (docs/method.md): the bundled definition is valid, each pathway walks its own
 * steps, a step is done only through its essentials, the moments of inclusion keep their meaning,
 * and migrations are deterministic, idempotent and lose nothing.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { caseMoments } from '../../src/shared/cases/inclusion'
import { caseIndexOf } from '../../src/shared/cases/caseIndex'
import { caseRecordSchema, caseRecordV1Schema, newCase, storedCaseRecordSchema, type CaseRecord } from '../../src/shared/cases/v2'
import { INTERVENTION_IDS } from '../../src/shared/interventions'
import { methodDefinitionSchema, type MethodDefinition } from '../../src/shared/method/definition'
import { historyProblems, successorProblems } from '../../src/shared/method/succession'
import { migrateCase } from '../../src/shared/method/migrate'
import { currentStepOf, essentialState, fidelityCounts, fidelityOf, stepDone } from '../../src/shared/method/progress'
import { BUNDLED_METHOD } from '../../src/shared/method/sigMethod'

const ID = '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d'
const NOW = new Date('2026-03-02T09:00:00Z')
const base = (pathway: CaseRecord['pathway']) => newCase(ID, pathway, NOW)
const d = BUNDLED_METHOD
const stepIds = (p: CaseRecord['pathway']) => d.pathways[p].steps.map((s) => s.id)
const clone = <T>(x: T): T => structuredClone(x)

describe('the bundled method definition', () => {
  it('passes its own schema, with Dutch and English for every text', () => {
    const parsed = methodDefinitionSchema.safeParse(d)
    expect(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([])
  })
  it('is frozen: phones carry it and servers stored it as version 1 — change the method by publishing version 2', () => {
    // A change here would leave phones and servers with two different "version 1"s (docs/method.md).
    expect(createHash('sha256').update(JSON.stringify(d)).digest('hex')).toBe('509017004cb87ce1fcbd879b510d9e08c82694652427b650113b68cb22de1d45')
  })
  it('gives each pathway its own steps (domain.md)', () => {
    expect(stepIds('wor')).toEqual(['wor-aanmelding', 'wor-contact', 'wor-intake', 'wor-bredere-check', 'wor-activiteit', 'wor-terugkoppeling', 'wor-afsluiten'])
    expect(stepIds('vg')).toEqual(['vg-verwijzing', 'vg-voorbereiden', 'vg-gesprek', 'vg-advies', 'vg-afsluiten'])
    expect(stepIds('sa')).toEqual(['sa-aanmelding', 'sa-intake', 'sa-triage', 'sa-plan', 'sa-ondersteuning', 'sa-afsluiten'])
    expect(stepIds('samenwerkwijze')).toEqual(['sww-signaleren', 'sww-voorbereiden', 'sww-overleg', 'sww-uitvoeren', 'sww-afsluiten'])
  })
  it('refuses a version that drops what counting relies on, a duplicate id, a condition on a field that does not exist', () => {
    const noIntake = clone(d)
    noIntake.pathways.wor.steps[2]!.blocks = noIntake.pathways.wor.steps[2]!.blocks.filter((b) => !('core' in b && b.core === 'wor.intakeDate'))
    expect(methodDefinitionSchema.safeParse(noIntake).error?.issues.map((i) => i.message)).toContain('wor must keep the "wor.intakeDate" part in one of its steps (counting relies on it)')
    const noFirstContact = clone(d)
    noFirstContact.pathways.wor.steps[1]!.blocks = [{ field: { id: 'wor-note', kind: 'text', label: { nl: 'Notitie', en: 'Note' } } }]
    noFirstContact.pathways.wor.steps[1]!.essentials = [{ id: 'wor-note-made', text: { nl: 'Notitie', en: 'Note' } }]
    expect(methodDefinitionSchema.safeParse(noFirstContact).error?.issues.map((i) => i.message)).toEqual(['wor must keep the "wor.firstContactDate" part in one of its steps (counting relies on it)'])
    const twice = clone(d)
    twice.pathways.vg.steps[1]!.essentials.push({ ...twice.pathways.wor.steps[0]!.essentials[0]! })
    expect(methodDefinitionSchema.safeParse(twice).error?.issues.map((i) => i.message)).toContain('essential id "wor-consent" is used twice')
    const ghost = clone(d)
    ghost.pathways.sa.steps[0]!.essentials[0]!.metWhen = { filled: 'answers.nowhere' }
    expect(methodDefinitionSchema.safeParse(ghost).error?.issues.map((i) => i.message)).toContain('"answers.nowhere" is not a field of this method')
    const english = clone(d) as unknown as { pathways: { wor: { steps: { purpose: { en: string } }[] } } }
    english.pathways.wor.steps[0]!.purpose.en = ' '
    expect(methodDefinitionSchema.safeParse(english).success).toBe(false)
  })
})

describe('a step is done through its essentials, never by looking', () => {
  it('a new case stands at its first step; only met or skipped essentials move it', () => {
    const c = base('wor')
    expect(c.method.step).toBe('wor-aanmelding')
    expect(currentStepOf(d, c).id).toBe('wor-aanmelding')
    c.consent = { given: true, purpose: 'welzijn', scope: 'coach' }
    c.referral = { date: '2026-03-01', referrerType: 'huisarts' }
    expect(currentStepOf(d, c).id).toBe('wor-aanmelding')
    c.resident.municipality = 'Oss'
    expect(currentStepOf(d, c).id).toBe('wor-contact')
    // Skipping needs a reason: a skip without one leaves the essential open.
    c.method.essentials['wor-first-contact'] = { state: 'skipped', on: '2026-03-02', reason: '  ' }
    expect(essentialState(c, d.pathways.wor.steps[1]!.essentials[0]!)).toBe('open')
    expect(caseRecordSchema.safeParse(c).success).toBe(false)
    c.method.essentials['wor-first-contact'] = { state: 'skipped', on: '2026-03-02', reason: 'Inwoner belde zelf, contact liep via de POH' }
    expect(stepDone(c, d.pathways.wor.steps[1]!)).toBe(true)
    expect(currentStepOf(d, c).id).toBe('wor-intake')
  })
  it('a tick does not count for an essential the data must show', () => {
    const c = base('wor')
    c.method.essentials['wor-intake-held'] = { state: 'met', on: '2026-03-02' }
    expect(essentialState(c, d.pathways.wor.steps[2]!.essentials[0]!)).toBe('open')
    c.wor = { matchedServiceIds: [], intakeDate: '2026-03-10' }
    expect(essentialState(c, d.pathways.wor.steps[2]!.essentials[0]!)).toBe('met')
  })
  it('a samenwerkoverleg called from another pathway is shown beside its steps but does not move the case', () => {
    const c = base('vg')
    c.consultation = { residentPresent: true, participants: [], actions: [] }
    expect(currentStepOf(d, c).id).toBe('vg-verwijzing')
    expect(fidelityOf(d, c).filter((i) => i.step === 'overleg').map((i) => i.state)).toEqual(['open', 'met', 'open', 'open', 'open'])
  })
})

describe('moments of inclusion against the new steps (domain.md)', () => {
  /** The step whose blocks hold the field inclusion is read from. */
  const stepHolding = (p: CaseRecord['pathway'], core: string) => d.pathways[p].steps.find((s) => s.blocks.some((b) => 'core' in b && b.core === core))?.id
  it('Welzijn op Recept: intake held — at the intake step, not before', () => {
    expect(stepHolding('wor', 'wor.intakeDate')).toBe('wor-intake')
    const c = base('wor')
    c.wor = { matchedServiceIds: [], firstContactDate: '2026-03-05' }
    expect(caseMoments(c).includedAt).toBeUndefined()
    c.wor.intakeDate = '2026-03-10'
    expect(caseMoments(c)).toMatchObject({ includedAt: '2026-03-10', period: '2026-H1' })
    expect(d.pathways.wor.steps.find((s) => s.id === 'wor-intake')!.essentials[0]!.metWhen).toEqual({ filled: 'wor.intakeDate' })
  })
  it('Verkennend Gesprek: conversation held — at the conversation step', () => {
    expect(stepHolding('vg', 'vg.conversationDate')).toBe('vg-gesprek')
    const c = { ...base('vg'), vg: { conversationDate: '2026-08-01' } }
    expect(caseMoments(c)).toMatchObject({ includedAt: '2026-08-01', period: '2026-H2' })
  })
  it('Sociaal Arrangeren: arrangement started after intake — triage step; a referral onwards is not included', () => {
    expect(stepHolding('sa', 'sa.intakeDate')).toBe('sa-intake')
    expect(stepHolding('sa', 'sa.triage')).toBe('sa-triage')
    expect(stepHolding('sa', 'sa.arrangementStartDate')).toBe('sa-triage')
    const c: CaseRecord = { ...base('sa'), sa: { intakeDate: '2026-04-01', triage: 'doorverwezen' } }
    expect(caseMoments(c).includedAt).toBeUndefined()
    c.sa = { intakeDate: '2026-04-01', triage: 'arrangement', arrangementStartDate: '2026-04-15' }
    expect(caseMoments(c).includedAt).toBe('2026-04-15')
  })
  it('Samenwerkoverleg: held and plan set — at the overleg step; essentials and inclusion read the same fields', () => {
    expect(stepHolding('samenwerkwijze', 'consultation')).toBe('sww-overleg')
    const c = { ...base('samenwerkwijze'), consultation: { date: '2026-05-20', residentPresent: true, participants: [], actions: [] as { id: string; what: string; owner: string }[] } }
    expect(caseMoments(c).includedAt).toBeUndefined()
    c.consultation.actions = [{ id: ID, what: 'Schuldhulp aanvragen', owner: 'sociaal werker' }]
    expect(caseMoments(c).includedAt).toBe('2026-05-20')
  })
  it('every pathway closes through its last step, and completion is still "closed after inclusion"', () => {
    for (const p of INTERVENTION_IDS) expect(stepHolding(p, 'close')).toBe(stepIds(p).at(-1))
    const c = { ...base('vg'), vg: { conversationDate: '2026-08-01' }, status: 'closed' as const, closedAt: '2026-09-01' }
    expect(caseMoments(c).completedAt).toBe('2026-09-01')
  })
})

describe('method fidelity', () => {
  it('per essential met, skipped with its reason, missed once the case moved on or closed — counts carry no reasons or ids', () => {
    const c = base('vg')
    c.consent = { given: true, purpose: 'p', scope: 's' }
    c.referral = { date: '2026-08-01' }
    c.resident.municipality = 'Boekel'
    c.method.essentials['vg-naaste-invited'] = { state: 'skipped', on: '2026-08-02', reason: 'Woont alleen, wil niemand vragen' }
    c.vg = { conversationDate: '2026-08-10' }
    const items = fidelityOf(d, c)
    expect(items.find((i) => i.essential === 'vg-naaste-invited')).toEqual({ step: 'vg-voorbereiden', essential: 'vg-naaste-invited', state: 'skipped', reason: 'Woont alleen, wil niemand vragen' })
    expect(items.find((i) => i.essential === 'vg-held')?.state).toBe('met')
    // The conversation step was touched, so preparation is passed: what was neither met nor skipped is missed.
    expect(items.find((i) => i.essential === 'vg-ggz-invited')?.state).toBe('missed')
    expect(items.find((i) => i.essential === 'vg-outcome-chosen')?.state).toBe('open')
    const closed = { ...c, status: 'closed' as const, closedAt: '2026-09-01' }
    expect(fidelityOf(d, closed).find((i) => i.essential === 'vg-outcome-chosen')?.state).toBe('missed')
    const counts = fidelityCounts(d, [closed, closed])
    expect(counts.find((r) => r.essential === 'vg-naaste-invited')).toEqual({ intervention: 'vg', step: 'vg-voorbereiden', essential: 'vg-naaste-invited', met: 0, skipped: 2, missed: 0 })
    expect(JSON.stringify(counts)).not.toMatch(/Woont|Boekel|9a1b2c3d/)
  })
})

/** Version 2 of the method: the WoR contact field is replaced (new id, other step), an essential retired. */
function version2(): MethodDefinition {
  const v2 = clone(d)
  v2.version = 2
  v2.note = { nl: 'Contactvorm verhuisd naar de intake', en: 'Contact form moved to the intake' }
  const contact = v2.pathways.wor.steps[1]!
  contact.blocks = contact.blocks.filter((b) => !('field' in b))
  const intake = v2.pathways.wor.steps[2]!
  intake.blocks.push({ field: { id: 'wor-first-contact-way', kind: 'choice', label: { nl: 'Hoe was het eerste contact?', en: 'How was the first contact?' }, options: [{ id: 'telefoon', label: { nl: 'Telefoon', en: 'Phone' } }, { id: 'huisbezoek', label: { nl: 'Huisbezoek', en: 'Home visit' } }, { id: 'anders', label: { nl: 'Anders', en: 'Other' } }] } })
  v2.pathways.vg.steps[2]!.essentials = v2.pathways.vg.steps[2]!.essentials.filter((e) => e.id !== 'vg-not-diagnosis')
  v2.migrations = [
    { op: 'moveAnswer', from: 'wor-contact-way', to: 'wor-first-contact-way' },
    { op: 'retireEssential', essential: 'vg-not-diagnosis' },
  ]
  return methodDefinitionSchema.parse(v2)
}

describe('declarative migrations', () => {
  it('version 2 follows version 1; a publish that skips a number or moves from nowhere is refused', () => {
    const v2 = version2()
    expect(successorProblems(d, v2)).toEqual([])
    expect(successorProblems(d, { ...v2, version: 3 })).toEqual(['version must be 2, not 3'])
    expect(successorProblems(d, { ...v2, migrations: [{ op: 'moveAnswer', from: 'never-was', to: 'wor-first-contact-way' }] })).toEqual(['field "never-was" did not exist in version 1'])
  })
  it('moves an answer to its new field, keeps every other answer, and is deterministic and idempotent', () => {
    const c = base('wor')
    c.method.answers = { 'wor-contact-way': 'huisbezoek', 'wor-other-route': 'schulden', 'wor-coach-offered': true }
    const v2 = version2()
    const once = migrateCase(c, [v2, d])
    expect(once).toMatchObject({ ok: true, from: 1 })
    if (!once.ok) return
    expect(once.record.method).toEqual({ version: 2, step: 'wor-aanmelding', answers: { 'wor-first-contact-way': 'huisbezoek', 'wor-other-route': 'schulden', 'wor-coach-offered': true }, essentials: {} })
    // Two devices, definitions in another order: the same result. Again: nothing changes.
    const other = migrateCase(clone(c), [d, v2, v2])
    expect(other.ok && other.record).toEqual(once.record)
    const twice = migrateCase(once.record, [d, v2])
    expect(twice.ok && twice.record).toBe(once.record)
  })
  it('never loses an answer: a move onto a filled field keeps the moving one aside; a retired essential is kept aside', () => {
    const c = base('wor')
    c.method.answers = { 'wor-contact-way': 'telefoon', 'wor-first-contact-way': 'huisbezoek' }
    c.method.essentials = { 'vg-not-diagnosis': { state: 'met', on: '2026-03-03' } }
    const moved = migrateCase(c, [version2()])
    expect(moved.ok && moved.record.method).toEqual({
      version: 2,
      step: 'wor-aanmelding',
      answers: { 'wor-first-contact-way': 'huisbezoek' },
      essentials: {},
      retired: { answers: { 'wor-contact-way@v2': 'telefoon' }, essentials: { 'vg-not-diagnosis@v2': { state: 'met', on: '2026-03-03' } } },
    })
    expect(moved.ok && caseRecordSchema.safeParse(moved.record).success).toBe(true)
  })
  it('keeps every copy set aside: an essential retired, asked again and retired again keeps both marks (review)', () => {
    const v2 = { ...version2(), migrations: [{ op: 'retireEssential' as const, essential: 'vg-not-diagnosis' }] }
    const v3 = { ...clone(d), version: 3, migrations: [] }
    const v4 = { ...version2(), version: 4, migrations: [{ op: 'retireEssential' as const, essential: 'vg-not-diagnosis' }] }
    const c = base('vg')
    c.method.essentials = { 'vg-not-diagnosis': { state: 'met', on: '2026-03-03' } }
    const at3 = migrateCase(c, [v2, v3])
    if (!at3.ok) throw new Error('no migration')
    at3.record.method.essentials['vg-not-diagnosis'] = { state: 'skipped', on: '2026-04-01', reason: 'Inwoner wilde het niet horen' }
    const at4 = migrateCase(at3.record, [v2, v3, v4])
    expect(at4.ok && at4.record.method.retired?.essentials).toEqual({
      'vg-not-diagnosis@v2': { state: 'met', on: '2026-03-03' },
      'vg-not-diagnosis@v4': { state: 'skipped', on: '2026-04-01', reason: 'Inwoner wilde het niet horen' },
    })
    expect(at4.ok && caseRecordSchema.safeParse(at4.record).success).toBe(true)
  })
  it('refuses a move from a field that is still asked, and a tick moved onto an essential the data must show', () => {
    const keeps = clone(version2())
    keeps.pathways.wor.steps[1]!.blocks.push({ field: { id: 'wor-contact-way', kind: 'text', label: { nl: 'Contact', en: 'Contact' } } })
    expect(methodDefinitionSchema.safeParse(keeps).error?.issues.map((i) => i.message)).toContain('field "wor-contact-way" moves away but is still asked')
    const ontoData = { ...clone(version2()), migrations: [{ op: 'moveEssential' as const, from: 'vg-not-diagnosis', to: 'vg-held' }] }
    ontoData.pathways.vg.steps[2]!.essentials.push({ id: 'vg-extra', text: { nl: 'x', en: 'x' } })
    expect(methodDefinitionSchema.safeParse(ontoData).error?.issues.map((i) => i.message)).toContain(`essential "vg-held" is met by the case's data; a tick cannot move onto it`)
  })
  it('a field id keeps its kind and options across all versions, also when it was dropped in between (review)', () => {
    const v2 = version2() // drops wor-contact-way (choice)
    const v3 = clone(v2)
    v3.version = 3
    v3.migrations = []
    v3.pathways.wor.steps[1]!.blocks.push({ field: { id: 'wor-contact-way', kind: 'yesNo', label: { nl: 'Contact gehad', en: 'Contact made' } } })
    expect(successorProblems(v2, methodDefinitionSchema.parse(v3))).toEqual([])
    expect(historyProblems([d, v2], methodDefinitionSchema.parse(v3))).toEqual(['field "wor-contact-way" changed from choice to yesNo; add a new field and move the answer instead'])
    const fewer = clone(v2)
    fewer.version = 3
    fewer.migrations = []
    const route = fewer.pathways.wor.steps[3]!.blocks.find((b) => 'field' in b && b.field.id === 'wor-other-route')!
    if ('field' in route) route.field.options = route.field.options!.filter((o) => o.id !== 'schulden')
    expect(successorProblems(v2, methodDefinitionSchema.parse(fewer))).toEqual(['field "wor-other-route" lacks the options schulden of "wor-other-route"'])
  })
  it('a missing version in the chain changes nothing and says which', () => {
    const v3 = { ...version2(), version: 3, migrations: [] }
    const c = base('wor')
    expect(migrateCase(c, [v3])).toEqual({ ok: false, missing: 2 })
  })
})

describe('case record version 1 → 2', () => {
  it('reads a v1 case with every field kept; where it stands comes from its data, not the old tab', () => {
    const v1 = {
      ...Object.fromEntries(Object.entries(base('wor')).filter(([k]) => k !== 'method')),
      schemaVersion: 1,
      currentStep: 'evalueren',
      consent: { given: true, purpose: 'p', scope: 's' },
      referral: { date: '2026-03-01', referrerType: 'huisarts' },
      resident: { name: 'Maria Verhoeven', municipality: 'Oss' },
      wor: { matchedServiceIds: [], firstContactDate: '2026-03-04', broaderCheck: 'Geen schulden' },
    }
    expect(caseRecordV1Schema.safeParse(v1).success).toBe(true)
    const read = storedCaseRecordSchema.parse(v1)
    expect(read).toMatchObject({ schemaVersion: 2, resident: { name: 'Maria Verhoeven' }, wor: { broaderCheck: 'Geen schulden' }, method: { version: 1, step: 'wor-intake' } })
    expect('currentStep' in read).toBe(false)
    expect(caseIndexOf(read)).toMatchObject({ schemaVersion: 2, currentStep: 'wor-intake', methodVersion: 1 })
  })
})
