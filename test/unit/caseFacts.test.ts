/**
 * Case facts (issue 18; src/shared/kpi/caseFacts.ts): what the measures keep of one case — read
 * from a real case record under the bundled method, checked by hand; per pathway where intake and
 * close category come from; the age band without the birth year; fidelity days that do not move
 * when the case is edited later; and nothing of the resident's name, free text or people.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { caseRecordSchema, CLOSE_CATEGORIES, newCase, REFERRER_TYPES, SA_OUTFLOW, SUPPORT_CATEGORIES, VG_OUTCOMES, type CaseRecord } from '../../src/shared/cases/v2'
import { AGE_BANDS, FIDELITY_STATES } from '../../src/shared/kpi/measures'
import { allSteps } from '../../src/shared/method/definition'
import { LIFE_DOMAINS } from '../../src/shared/socialMap/lifeDomains'
import { MUNICIPALITIES } from '../../src/shared/socialMap/places'
import { ageBandOf, caseFactsSchema, factsOf, MAX_FIDELITY_ITEMS, type CaseFacts } from '../../src/shared/kpi/caseFacts'
import { BUNDLED_METHOD } from '../../src/shared/method/sigMethod'
import { INTERVENTION_IDS } from '../../src/shared/interventions'

const NOW = new Date('2026-03-02T09:00:00Z')
let n = 0
const nextId = () => `9a1b2c3d-4e5f-4a6b-8c7d-${String(++n).padStart(12, '0')}`
const make = (pathway: CaseRecord['pathway'], edit: (c: CaseRecord) => void = () => {}): CaseRecord => {
  const c = newCase(nextId(), pathway, NOW)
  edit(c)
  return caseRecordSchema.parse(c)
}

/** A Welzijn op Recept case from referral to closing, with scores over time and support categories. */
const worCase = () =>
  make('wor', (c) => {
    c.updatedAt = '2026-07-05T10:00:00.000Z'
    c.resident = { name: 'Anna de Vries', birthYear: 1996, municipality: 'Oss' }
    c.consent = { given: true, purpose: 'Hulp zoeken', scope: 'Coach en huisarts', date: '2026-03-01' }
    c.referral = { date: '2026-03-01', referrerType: 'huisarts' }
    c.questions = { wil: 'Weer onder de mensen komen', kan: '', nodig: '' }
    c.wor = { firstContactDate: '2026-03-10', intakeDate: '2026-03-20', matchedServiceIds: [], feedbackDate: '2026-04-01', feedbackToGp: 'Gaat goed.' }
    c.satisfaction = { start: 4, end: 8 }
    c.domainSnapshots = [
      { date: '2026-03-20', scores: { wonen: 2, geldzaken: 3 } },
      { date: '2026-05-01', scores: { wonen: 4, geldzaken: 3, meedoen: 2 } },
    ]
    c.lifeDomains = {
      wonen: { score: 4, wantsToTalk: false },
      geldzaken: { score: 2, wantsToTalk: true },
      meedoen: { score: 2, wantsToTalk: false },
      zingeving: { score: 3, wantsToTalk: false }, // never in a snapshot: no first score with a day
    }
    c.support = { before: ['Huisarts elke week'], after: ['Wandelgroep'], beforeCategories: ['schuldhulp', 'huisarts'], afterCategories: ['vrijwilligers'] }
    c.method.essentials = { 'wor-other-route-checked': { state: 'skipped', on: '2026-03-25', reason: 'Geen tijd' } }
    c.status = 'closed'
    c.closedAt = '2026-07-03'
    c.closeReason = 'Gaat weer goed'
    c.closeCategory = 'doel-bereikt'
  })

describe('the facts of a case', () => {
  it('keeps what the measures need of a Welzijn op Recept case, and only that', () => {
    const facts = factsOf(worCase(), BUNDLED_METHOD)
    // Essentials the data meets have no day of their own: the last change, but for a closed case no later than its closing.
    const met = (step: string, essential: string) => ({ step, essential, state: 'met', on: '2026-07-03' })
    expect(facts).toEqual({
      version: 1,
      intervention: 'wor',
      municipality: 'Oss',
      referrerType: 'huisarts',
      ageBand: '18-30',
      referredOn: '2026-03-01',
      firstContactOn: '2026-03-10',
      intakeOn: '2026-03-20',
      gpReferral: true,
      gpAnswered: true,
      includedOn: '2026-03-20',
      completedOn: '2026-07-03',
      closedOn: '2026-07-03',
      closeCategory: 'doel-bereikt',
      overleg: false,
      hasPlan: false,
      fidelity: [
        met('wor-aanmelding', 'wor-consent'),
        met('wor-aanmelding', 'wor-referral-date'),
        met('wor-aanmelding', 'wor-municipality'),
        met('wor-contact', 'wor-first-contact'),
        met('wor-intake', 'wor-intake-held'),
        met('wor-intake', 'wor-own-words'),
        met('wor-intake', 'wor-domains'),
        { step: 'wor-bredere-check', essential: 'wor-other-route-checked', state: 'skipped', on: '2026-03-25' },
        { step: 'wor-activiteit', essential: 'wor-activity-matched', state: 'missed' },
        { step: 'wor-activiteit', essential: 'wor-join-offered', state: 'missed' },
        met('wor-terugkoppeling', 'wor-feedback-sent'),
        met('wor-afsluiten', 'wor-satisfaction'),
        met('wor-afsluiten', 'wor-close-reason'),
        met('wor-afsluiten', 'wor-closed'),
      ],
      satisfactionStart: 4,
      satisfactionEnd: 8,
      domains: [
        { domain: 'geldzaken', first: 3, last: 2, firstOn: '2026-03-20' },
        { domain: 'wonen', first: 2, last: 4, firstOn: '2026-03-20' },
        { domain: 'meedoen', first: 2, last: 2, firstOn: '2026-05-01' },
      ],
      supportBefore: ['huisarts', 'schuldhulp'],
      supportAfter: ['vrijwilligers'],
    })
    expect(caseFactsSchema.parse(JSON.parse(JSON.stringify(facts)))).toEqual(facts)
  })

  it('reads the intake, the close category and the answer to the GP where each pathway keeps them', () => {
    const vg = factsOf(
      make('vg', (c) => {
        c.referral = { date: '2026-02-01', referrerType: 'praktijkondersteuner' }
        c.vg = { conversationDate: '2026-02-08', outcome: 'basis-ggz', adviceToGp: 'Naar de POH-GGZ.' }
        c.status = 'closed'
        c.closedAt = '2026-02-20'
      }),
      BUNDLED_METHOD,
    )
    expect(vg).toMatchObject({ intakeOn: '2026-02-08', includedOn: '2026-02-08', gpReferral: true, gpAnswered: true, closedOn: '2026-02-20', closeCategory: 'basis-ggz' })
    const sa = factsOf(
      make('sa', (c) => {
        c.referral = { date: '2026-02-01', referrerType: 'wijkverpleging' }
        c.sa = { intakeDate: '2026-02-10', triage: 'arrangement', arrangementStartDate: '2026-02-15', outflowReason: 'zelfredzaam' }
        c.closeCategory = 'anders' // not sa's outflow: ignored
        c.status = 'closed'
        c.closedAt = '2026-09-01'
      }),
      BUNDLED_METHOD,
    )
    expect(sa).toMatchObject({ intakeOn: '2026-02-10', includedOn: '2026-02-15', gpReferral: false, gpAnswered: false, closeCategory: 'zelfredzaam', completedOn: '2026-09-01' })
    const sww = factsOf(
      make('samenwerkwijze', (c) => {
        c.wor = { matchedServiceIds: [], feedbackToGp: '   ' } // blank: nothing went back
        c.referral = { referrerType: 'huisarts' }
        c.status = 'closed'
        c.closedAt = '2026-04-01'
      }),
      BUNDLED_METHOD,
    )
    expect(sww).toMatchObject({ gpReferral: true, gpAnswered: false, closedOn: '2026-04-01', closeCategory: 'onbekend' })
    expect(sww.intakeOn).toBeUndefined()
    expect(sww.completedOn).toBeUndefined() // closed without inclusion
    // Closed without a closing day: no closing facts (nothing to put it in a period).
    const undated = factsOf(make('wor', (c) => (c.status = 'closed')), BUNDLED_METHOD)
    expect(undated.closedOn).toBeUndefined()
    expect(undated.closeCategory).toBeUndefined()
  })

  it('has a samenwerkplan only with an action someone does and an evaluation date', () => {
    const withPlan = (actions: NonNullable<CaseRecord['consultation']>['actions'], evaluationDate?: string) =>
      factsOf(
        make('samenwerkwijze', (c) => {
          c.consultation = { date: '2026-03-05', residentPresent: true, participants: [], actions, ...(evaluationDate ? { evaluationDate } : {}), evaluationHeldOn: '2026-06-01' }
        }),
        undefined,
      )
    const action = { id: nextId(), what: 'Schulden op een rij', owner: 'Piet' }
    expect(withPlan([action], '2026-06-01')).toMatchObject({ overleg: true, hasPlan: true, includedOn: '2026-03-05', evaluationOn: '2026-06-01', evaluationHeldOn: '2026-06-01' })
    expect(withPlan([{ ...action, owner: ' ', ownerId: nextId() }], '2026-06-01').hasPlan).toBe(true)
    expect(withPlan([{ ...action, owner: ' ' }], '2026-06-01').hasPlan).toBe(false)
    expect(withPlan([{ ...action, what: ' ' }], '2026-06-01').hasPlan).toBe(false)
    expect(withPlan([action]).hasPlan).toBe(false)
    expect(withPlan([action]).evaluationOn).toBeUndefined()
  })

  it('keeps a case with no dates at all to its referral day (the day it was made) and categories', () => {
    const c = make('samenwerkwijze')
    expect(factsOf(c, BUNDLED_METHOD)).toEqual({
      version: 1,
      intervention: 'samenwerkwijze',
      municipality: 'onbekend',
      referrerType: 'onbekend',
      ageBand: 'onbekend',
      referredOn: '2026-03-02',
      gpReferral: false,
      gpAnswered: false,
      overleg: false,
      hasPlan: false,
      fidelity: [],
      domains: [],
    })
  })

  it('gives the age band at the referral, from the birth year', () => {
    const at = (birthYear: number | undefined) => ageBandOf(birthYear, '2026-03-01')
    expect([2009, 2008, 1996, 1995, 1962, 1961, 1900, 2026, 2027, undefined].map(at)).toEqual(['tot-18', '18-30', '18-30', '31-64', '31-64', '65-plus', '65-plus', 'tot-18', 'onbekend', 'onbekend'])
    const facts = factsOf(make('wor', (c) => (c.resident = { name: '', birthYear: 2008 })), undefined)
    expect(facts.ageBand).toBe('18-30') // referred (made) in 2026
    expect(JSON.stringify(facts)).not.toContain('2008')
  })

  it('dates fidelity by the mark, or the day the data was first seen; later edits do not move it; missed only once closed', () => {
    const open = make('wor', (c) => {
      // 00:30 in Oss on 1 July is 22:30 UTC on 30 June: the region's day counts.
      c.updatedAt = '2026-06-30T22:30:00.000Z'
      c.referral = { date: '2026-06-01', referrerType: 'huisarts' }
      c.wor = { firstContactDate: '2026-06-10', intakeDate: '2026-06-20', matchedServiceIds: [] }
      c.method.essentials = { 'wor-join-offered': { state: 'skipped', on: '2026-06-21', reason: 'Wil alleen gaan' } }
    })
    const first = factsOf(open, BUNDLED_METHOD)
    const byId = (f: CaseFacts) => Object.fromEntries(f.fidelity.map((x) => [x.essential, 'on' in x ? `${x.state}@${x.on}` : x.state]))
    expect(byId(first)).toEqual({
      'wor-referral-date': 'met@2026-07-01',
      'wor-first-contact': 'met@2026-07-01',
      'wor-intake-held': 'met@2026-07-01',
      'wor-join-offered': 'skipped@2026-06-21',
      // consent, municipality, own words, domains, the broader check, the activity: passed but not missed while open
    })
    // Edited in August: what was met keeps its day when the stored facts are passed; consent is new.
    const edited = caseRecordSchema.parse({ ...open, updatedAt: '2026-08-12T09:00:00.000Z', consent: { given: true, purpose: 'x', scope: 'y' } })
    expect(byId(factsOf(edited, BUNDLED_METHOD, { previous: first }))).toEqual({ ...byId(first), 'wor-consent': 'met@2026-08-12' })
    // Without them, the day of the last change is all there is.
    expect(byId(factsOf(edited, BUNDLED_METHOD))['wor-intake-held']).toBe('met@2026-08-12')
    // Without the case's method version its steps are unknown: no fidelity, the rest stands.
    const noMethod = factsOf(edited, undefined)
    expect(noMethod.fidelity).toEqual([])
    expect(noMethod.intakeOn).toBe('2026-06-20')
  })

  it('is refused as facts when it holds anything more, or anything out of bounds', () => {
    const facts = factsOf(worCase(), BUNDLED_METHOD)
    expect(caseFactsSchema.safeParse({ ...facts, name: 'Anna' }).success).toBe(false)
    expect(caseFactsSchema.safeParse({ ...facts, satisfactionEnd: 11 }).success).toBe(false)
    expect(caseFactsSchema.safeParse({ ...facts, referredOn: '2026-02-30' }).success).toBe(false)
    expect(caseFactsSchema.safeParse({ ...facts, domains: [...facts.domains, facts.domains[0]] }).success).toBe(false)
    expect(caseFactsSchema.safeParse({ ...facts, supportBefore: ['huisarts', 'huisarts'] }).success).toBe(false)
    expect(caseFactsSchema.safeParse({ ...facts, fidelity: [{ ...facts.fidelity[0], reason: 'Geen tijd' }] }).success).toBe(false)
    expect(caseFactsSchema.safeParse({ ...facts, fidelity: Array.from({ length: MAX_FIDELITY_ITEMS + 1 }, () => facts.fidelity[0]) }).success).toBe(false)
  })

  it('gives valid facts for any pathway, status and mix of dates', () => {
    const day = fc.integer({ min: 0, max: 1200 }).map((d) => new Date(Date.UTC(2025, 0, 1 + d)).toISOString().slice(0, 10))
    fc.assert(
      fc.property(
        fc.constantFrom(...INTERVENTION_IDS),
        fc.record({ referral: fc.option(day), contact: fc.option(day), intake: fc.option(day), closed: fc.option(day), evaluation: fc.option(day), birthYear: fc.option(fc.integer({ min: 1900, max: 2100 })) }),
        fc.boolean(),
        (pathway, d, closed) => {
          const c = make(pathway, (c) => {
            if (d.referral) c.referral = { date: d.referral }
            if (d.birthYear !== null) c.resident.birthYear = d.birthYear
            if (d.contact || d.intake) c.wor = { matchedServiceIds: [], ...(d.contact ? { firstContactDate: d.contact } : {}), ...(d.intake ? { intakeDate: d.intake } : {}) }
            if (d.intake) c.vg = { conversationDate: d.intake }
            if (d.intake) c.sa = { intakeDate: d.intake, triage: 'arrangement', arrangementStartDate: d.intake }
            if (d.evaluation) c.consultation = { date: d.evaluation, residentPresent: true, participants: [], actions: [{ id: nextId(), what: 'x', owner: 'y' }], evaluationDate: d.evaluation }
            if (closed) c.status = 'closed'
            if (d.closed) c.closedAt = d.closed
          })
          const facts = factsOf(c, BUNDLED_METHOD)
          expect(caseFactsSchema.safeParse(facts).error).toBeUndefined()
          expect(!!facts.closedOn).toBe(closed && !!d.closed)
        },
      ),
      { numRuns: 200 },
    )
  })
})

/** Every string in a value (with its keys when `keys`), with where it sits. */
function strings(v: unknown, keys = true, at = ''): [string, string][] {
  if (typeof v === 'string') return [[at, v]]
  if (Array.isArray(v)) return v.flatMap((x, i) => strings(x, keys, `${at}[${i}]`))
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => [...(keys ? strings(k, keys, `${at}.key`) : []), ...strings(x, keys, `${at}.${k}`)])
  return []
}

describe('what the facts never hold', () => {
  it('has none of the resident’s name, the free text, people’s names or any id', () => {
    const secret = (what: string) => `Geheim ${what} Jansen-Öztürk`
    const ids = Array.from({ length: 8 }, nextId)
    const c = make('samenwerkwijze', (c) => {
      c.id = ids[0]!
      c.updatedAt = '2026-07-01T10:00:00.000Z'
      c.resident = { name: 'Maria Jansen-Öztürk', birthYear: 1961, municipality: 'Boekel', village: secret('dorp'), contact: secret('06-12345678') }
      c.consent = { given: true, purpose: secret('doel'), scope: secret('reikwijdte'), date: '2026-03-01', how: 'mondeling' }
      c.caseLead = secret('casusregisseur')
      c.referral = {
        date: '2026-03-01',
        referrerType: 'huisarts',
        referralId: ids[1]!,
        fromGp: { reasons: ['eenzaamheid'], note: secret('notitie huisarts'), domains: ['sociaal'], urgency: 'gewoon', referrer: secret('dokter') },
      }
      c.questions = { wil: secret('wil'), kan: secret('kan'), nodig: secret('nodig') }
      c.lifeDomains = { wonen: { score: 2, wantsToTalk: true, note: secret('notitie wonen') } }
      c.domainSnapshots = [{ date: '2026-03-05', scores: { wonen: 2 } }]
      c.strengths = secret('krachten')
      c.network = [{ id: ids[2]!, name: secret('buurvrouw'), relation: secret('relatie'), canDo: secret('boodschappen') }]
      c.steps = [{ id: ids[3]!, what: secret('stap'), who: 'netwerk', whoName: secret('zoon'), when: '2026-04-01', done: false }]
      c.consultation = {
        date: '2026-03-05',
        place: secret('plaats'),
        residentPresent: true,
        participants: [
          { id: ids[4]!, name: secret('deelnemer'), role: secret('rol'), organisation: secret('organisatie'), discipline: 'huisarts', phone: '0612345678', userId: ids[5]!, organisationId: ids[6]!, consent: { purpose: secret('deeldoel'), date: '2026-03-05', recordedBy: secret('vastgelegd door'), ownWords: true } },
        ],
        actions: [{ id: ids[7]!, what: secret('actie'), owner: secret('eigenaar'), ownerId: ids[4]!, due: '2026-05-01', done: true, reply: { done: true, note: secret('antwoord'), at: '2026-04-20T10:00:00Z', by: secret('antwoorder') } }],
        leadWithResident: secret('regie'),
        leadId: ids[4]!,
        organisation: secret('maker'),
        evaluationDate: '2026-06-01',
        evaluationHeldOn: '2026-06-02',
        escalation: secret('escalatie'),
      }
      c.wor = { matchedServiceIds: [ids[2]!], broaderCheck: secret('bredere check'), feedbackToGp: secret('terugkoppeling') }
      c.vg = { participants: secret('vg deelnemers'), adviceToGp: secret('advies') }
      c.sa = { informalCarer: secret('mantelzorger') }
      c.satisfaction = { start: 3, end: 9 }
      c.support = { before: [secret('steun voor')], after: [secret('steun na')], beforeCategories: ['wmo'], afterCategories: ['eigen-netwerk'] }
      c.method.answers = { 'sww-invitees': secret('genodigden') }
      c.method.essentials = { 'sww-steps-checked': { state: 'skipped', on: '2026-06-10', reason: secret('reden overslaan') } }
      c.status = 'closed'
      c.closedAt = '2026-06-30'
      c.closeReason = secret('reden afsluiten')
      c.closeCategory = 'doel-bereikt'
    })
    const free = strings(c).filter(([, s]) => s.includes('Geheim'))
    // The case really is full of such text (a test that finds nothing proves nothing).
    expect(free.length).toBeGreaterThanOrEqual(35)
    const facts = factsOf(c, BUNDLED_METHOD)
    const json = JSON.stringify(facts)
    for (const bad of ['Geheim', 'Jansen', 'Öztürk', 'Maria', '0612345678', '06-12345678', '1961', ...ids]) expect(json, bad).not.toContain(bad)
    // It did read the case: the facts are not empty.
    expect(facts).toMatchObject({ municipality: 'Boekel', ageBand: '65-plus', hasPlan: true, evaluationHeldOn: '2026-06-02', satisfactionEnd: 9, supportBefore: ['wmo'] })
    expect(facts.fidelity.length).toBeGreaterThan(5)
    // Every string value the facts hold (their keys are the schema's) is a date, a vocabulary word or a method id.
    const method = [...INTERVENTION_IDS.flatMap((p) => allSteps(BUNDLED_METHOD, p))].flatMap((s) => [s.id, ...s.essentials.map((e) => e.id)])
    const vocabulary = new Set<string>([...INTERVENTION_IDS, ...MUNICIPALITIES, ...REFERRER_TYPES, ...AGE_BANDS, 'onbekend', ...CLOSE_CATEGORIES, ...SA_OUTFLOW, ...VG_OUTCOMES, ...SUPPORT_CATEGORIES, ...LIFE_DOMAINS, ...FIDELITY_STATES, ...method])
    for (const [at, s] of strings(facts, false)) expect(/^\d{4}-\d{2}-\d{2}$/.test(s) || vocabulary.has(s), `${at}: ${s}`).toBe(true)
  })
})
