/**
 * The steering measures counted from case facts (issue 18; src/shared/kpi/measureCounts.ts): a
 * small set of cases that hits every measure and bucket kind, counted by hand per half-year (with
 * the 30 June / 1 July boundary, a case with no dates, a case closed in a later period than it
 * was included), and properties over generated facts: every row is a valid wire row, each cell
 * appears once, counts add up case by case, and a case adds at most one to a single-bucket measure.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fromDayNumber, toDayNumber } from '../../src/shared/core/dates'
import { REFERRER_TYPES } from '../../src/shared/cases/v2'
import { INTERVENTION_IDS } from '../../src/shared/interventions'
import { caseFactsSchema, type CaseFacts, type FidelityFact } from '../../src/shared/kpi/caseFacts'
import { UNKNOWN } from '../../src/shared/kpi/counts'
import { countMeasures, periodsOfFacts } from '../../src/shared/kpi/measureCounts'
import { AGE_BANDS, CLOSE_CATEGORIES, MEASURE_IDS, measureKey, measureRowSchema, SUPPORT_CATEGORIES, type MeasureId, type MeasureRow } from '../../src/shared/kpi/measures'
import type { Period } from '../../src/shared/kpi/period'
import { LIFE_DOMAINS } from '../../src/shared/socialMap/lifeDomains'
import { MUNICIPALITIES } from '../../src/shared/socialMap/places'

const fact = (over: Partial<CaseFacts> & Pick<CaseFacts, 'intervention' | 'referredOn'>): CaseFacts => ({
  version: 1,
  municipality: UNKNOWN,
  referrerType: UNKNOWN,
  ageBand: UNKNOWN,
  gpReferral: false,
  gpAnswered: false,
  overleg: false,
  hasPlan: false,
  fidelity: [],
  domains: [],
  ...over,
})

// Breakdown cells (intervention|municipality|referrer type|age band).
const WOR = 'wor|Oss|huisarts|18-30'
const VG = 'vg|Bernheze|praktijkondersteuner|65-plus'
const SA = 'sa|Boekel|wijkverpleging|31-64'
const SWE = 'samenwerkwijze|Maashorst|onbekend|onbekend'
const SWF = 'samenwerkwijze|Meierijstad|sociaal-werker|tot-18'
const SWH = 'samenwerkwijze|Oss|anders|31-64'

const worCell = { intervention: 'wor', municipality: 'Oss', referrerType: 'huisarts', ageBand: '18-30' } as const
const swfCell = { intervention: 'samenwerkwijze', municipality: 'Meierijstad', referrerType: 'sociaal-werker', ageBand: 'tot-18' } as const

const cases: Record<string, CaseFacts> = {
  // Welzijn op Recept: first contact on 30 June (H1), intake on 1 July (H2), closed in 2027-H1.
  A: fact({
    ...worCell,
    referredOn: '2026-06-20',
    gpReferral: true,
    gpAnswered: true,
    firstContactOn: '2026-06-30',
    intakeOn: '2026-07-01',
    includedOn: '2026-07-01',
    satisfactionStart: 3,
    satisfactionEnd: 9,
    closedOn: '2027-01-05',
    completedOn: '2027-01-05',
    closeCategory: 'doel-bereikt',
    domains: [
      { domain: 'geldzaken', first: 3, last: 3, firstOn: '2027-01-05' }, // first scored on the closing day: not counted
      { domain: 'wonen', first: 2, last: 4, firstOn: '2026-07-01' },
    ],
    supportBefore: ['huisarts', 'schuldhulp'],
    supportAfter: ['vrijwilligers'],
    fidelity: [
      { step: 'wor-contact', essential: 'wor-first-contact', state: 'met', on: '2026-06-30' },
      { step: 'wor-bredere-check', essential: 'wor-other-route-checked', state: 'skipped', on: '2026-06-30' },
      { step: 'wor-intake', essential: 'wor-intake-held', state: 'met', on: '2026-07-01' },
      { step: 'wor-activiteit', essential: 'wor-activity-matched', state: 'missed' },
    ],
  }),
  // Same cell as A: first contact after 15 days, intake after 28, no feedback to the GP yet, open.
  B: fact({
    ...worCell,
    referredOn: '2026-01-01',
    gpReferral: true,
    firstContactOn: '2026-01-16',
    intakeOn: '2026-01-29',
    includedOn: '2026-01-29',
    satisfactionStart: 5,
    fidelity: [{ step: 'wor-contact', essential: 'wor-first-contact', state: 'met', on: '2026-01-16' }],
  }),
  // Verkennend Gesprek, closed on 30 June: a first-contact date is not a VG measure.
  C: fact({
    intervention: 'vg',
    municipality: 'Bernheze',
    referrerType: 'praktijkondersteuner',
    ageBand: '65-plus',
    referredOn: '2026-02-01',
    gpReferral: true,
    gpAnswered: true,
    firstContactOn: '2026-02-05',
    intakeOn: '2026-02-08',
    includedOn: '2026-02-08',
    satisfactionStart: 7,
    satisfactionEnd: 6,
    closedOn: '2026-06-30',
    completedOn: '2026-06-30',
    closeCategory: 'basis-ggz',
    domains: [{ domain: 'wonen', first: 4, last: 2, firstOn: '2026-02-08' }],
    fidelity: [{ step: 'vg-gesprek', essential: 'vg-not-diagnosis', state: 'missed' }],
  }),
  // Sociaal Arrangeren with a samenwerkoverleg: intake after 31 days, plan, evaluation held on its day.
  D: fact({
    intervention: 'sa',
    municipality: 'Boekel',
    referrerType: 'wijkverpleging',
    ageBand: '31-64',
    referredOn: '2026-03-01',
    intakeOn: '2026-04-01',
    includedOn: '2026-04-15',
    overleg: true,
    hasPlan: true,
    evaluationOn: '2026-06-30',
    evaluationHeldOn: '2026-06-30',
  }),
  // Samenwerkwijze without a complete plan; its evaluation (1 July) was held late.
  E: fact({ intervention: 'samenwerkwijze', municipality: 'Maashorst', referredOn: '2025-12-20', includedOn: '2026-01-10', overleg: true, evaluationOn: '2026-07-01', evaluationHeldOn: '2026-07-20' }),
  // Two samenwerkwijze cases in one cell: evaluations not held, one passed and one still ahead on 15 September.
  F: fact({ ...swfCell, referredOn: '2026-02-01', includedOn: '2026-02-10', overleg: true, hasPlan: true, evaluationOn: '2026-08-01' }),
  G: fact({ ...swfCell, referredOn: '2026-02-20', includedOn: '2026-03-01', overleg: true, hasPlan: true, evaluationOn: '2026-10-01' }),
  // Closed before its evaluation date without holding it, never included, no close category.
  H: fact({ intervention: 'samenwerkwijze', municipality: 'Oss', referrerType: 'anders', ageBand: '31-64', referredOn: '2026-03-10', overleg: true, evaluationOn: '2026-05-01', closedOn: '2026-04-20', closeCategory: UNKNOWN }),
  // No dates at all (only the referral day every case has): counts nowhere.
  I: fact({ intervention: 'wor', municipality: 'Oss', referrerType: 'inwoner-zelf', referredOn: '2026-05-05' }),
  // An evaluation far ahead, not held.
  L: fact({ intervention: 'samenwerkwijze', referredOn: '2027-10-01', overleg: true, evaluationOn: '2028-01-10' }),
}
const all = Object.values(cases)
const TODAY = '2026-09-15'
const table = (rows: MeasureRow[]) => Object.fromEntries(rows.map((r) => [measureKey(r), r.count]))

describe('the measures, counted by hand', () => {
  it('the facts are valid facts', () => {
    for (const f of all) expect(caseFactsSchema.safeParse(f).error).toBeUndefined()
  })

  it('counts 2026-H1 (January to 30 June)', () => {
    expect(table(countMeasures(all, '2026-H1', TODAY))).toEqual({
      [`first-contact|within-14-days|${WOR}`]: 1, // A: 10 days
      [`first-contact|later|${WOR}`]: 1, // B: 15 days
      [`gp-feedback|given|${WOR}`]: 1, // A, referred 20 June
      [`gp-feedback|not-given|${WOR}`]: 1, // B
      [`gp-feedback|given|${VG}`]: 1,
      [`referral-to-intake|4-weeks|${WOR}`]: 1, // B: 28 days
      [`referral-to-intake|1-week|${VG}`]: 1, // C: 7 days
      [`referral-to-intake|longer|${SA}`]: 1, // D: 31 days
      [`plan|with-plan|${SA}`]: 1,
      [`plan|without-plan|${SWE}`]: 1,
      [`plan|with-plan|${SWF}`]: 2, // F and G
      [`evaluation|on-time|${SA}`]: 1,
      [`close-reason|basis-ggz|${VG}`]: 1, // closed 30 June
      [`close-reason|onbekend|${SWH}`]: 1,
      [`satisfaction-start|5-6|${WOR}`]: 1, // B
      [`satisfaction-start|7-8|${VG}`]: 1,
      [`satisfaction-end|5-6|${VG}`]: 1,
      [`domain-change|wonen:worse|${VG}`]: 1,
      [`fidelity|wor-contact:met|${WOR}`]: 2, // A on 30 June, B
      [`fidelity|wor-bredere-check:skipped|${WOR}`]: 1,
      [`fidelity|vg-gesprek:missed|${VG}`]: 1,
    })
  })

  it('counts 2026-H2 (1 July on); an evaluation counts as not held only once its date has passed', () => {
    const h2 = {
      [`referral-to-intake|2-weeks|${WOR}`]: 1, // A: 11 days, intake 1 July
      [`satisfaction-start|0-4|${WOR}`]: 1, // A, included 1 July
      [`fidelity|wor-intake:met|${WOR}`]: 1,
      [`evaluation|late|${SWE}`]: 1,
      [`evaluation|not-held|${SWF}`]: 1, // F (1 August); G's date (1 October) is still ahead
    }
    expect(table(countMeasures(all, '2026-H2', TODAY))).toEqual(h2)
    // On 1 August itself F's evaluation can still be held that day.
    expect(table(countMeasures(all, '2026-H2', '2026-08-01'))[`evaluation|not-held|${SWF}`]).toBeUndefined()
    expect(table(countMeasures(all, '2026-H2', '2027-02-01'))).toEqual({ ...h2, [`evaluation|not-held|${SWF}`]: 2 })
  })

  it('counts a case closed in a later period than it was included in the period of closing', () => {
    expect(table(countMeasures(all, '2027-H1', '2027-02-01'))).toEqual({
      [`close-reason|doel-bereikt|${WOR}`]: 1,
      [`satisfaction-end|9-10|${WOR}`]: 1,
      [`domain-change|wonen:better|${WOR}`]: 1,
      [`support-before|huisarts|${WOR}`]: 1,
      [`support-before|schuldhulp|${WOR}`]: 1,
      [`support-after|vrijwilligers|${WOR}`]: 1,
      [`fidelity|wor-activiteit:missed|${WOR}`]: 1,
    })
  })

  it('lists the periods the measures fall in, and nothing for a case without dates', () => {
    expect(periodsOfFacts(all, TODAY)).toEqual(['2026-H1', '2026-H2', '2027-H1'])
    // Without today an evaluation not held is listed even while ahead.
    expect(periodsOfFacts(all)).toEqual(['2026-H1', '2026-H2', '2027-H1', '2028-H1'])
    expect(periodsOfFacts([cases.I!], TODAY)).toEqual([])
    for (const p of ['2025-H2', '2027-H2'] as Period[]) expect(countMeasures(all, p, TODAY)).toEqual([])
  })

  it('gives full rows, sorted by their key', () => {
    const rows = countMeasures(all, '2026-H1', TODAY)
    expect(rows.find((r) => r.measure === 'plan' && r.intervention === 'samenwerkwijze' && r.bucket === 'with-plan')).toEqual({ measure: 'plan', bucket: 'with-plan', ...swfCell, count: 2 })
    const keys = rows.map(measureKey)
    expect(keys).toEqual([...keys].sort())
    for (const r of rows) expect(measureRowSchema.safeParse(r).success).toBe(true)
  })
})

// ---- properties over generated facts ----

const SINGLE_BUCKET: MeasureId[] = MEASURE_IDS.filter((m) => !['fidelity', 'domain-change', 'support-before', 'support-after'].includes(m))
const FROM = toDayNumber('2024-12-01')
const TO = toDayNumber('2028-02-01')
const day = fc.integer({ min: FROM, max: TO }).map(fromDayNumber)
const steps = ['wor-contact', 'wor-intake', 'vg-gesprek', 'sa-triage', 'overleg', 'sww-afsluiten']
const fidelityItem: fc.Arbitrary<FidelityFact> = fc.oneof(
  fc.record({ step: fc.constantFrom(...steps), essential: fc.constantFrom('aa-one', 'bb-two', 'cc-three'), state: fc.constantFrom('met' as const, 'skipped' as const), on: day }),
  fc.record({ step: fc.constantFrom(...steps), essential: fc.constantFrom('aa-one', 'bb-two'), state: fc.constant('missed' as const) }),
)
const factArb: fc.Arbitrary<CaseFacts> = fc
  .record(
    {
      intervention: fc.constantFrom(...INTERVENTION_IDS),
      municipality: fc.constantFrom(...MUNICIPALITIES, UNKNOWN),
      referrerType: fc.constantFrom(...REFERRER_TYPES, UNKNOWN),
      ageBand: fc.constantFrom(...AGE_BANDS, UNKNOWN),
      referredOn: day,
      firstContactOn: day,
      intakeOn: day,
      gpReferral: fc.boolean(),
      gpAnswered: fc.boolean(),
      includedOn: day,
      closedOn: day,
      closeCategory: fc.constantFrom(...CLOSE_CATEGORIES, UNKNOWN),
      overleg: fc.boolean(),
      hasPlan: fc.boolean(),
      evaluationOn: day,
      evaluationHeldOn: day,
      fidelity: fc.array(fidelityItem, { maxLength: 8 }),
      satisfactionStart: fc.integer({ min: 0, max: 10 }),
      satisfactionEnd: fc.integer({ min: 0, max: 10 }),
      domains: fc.uniqueArray(fc.record({ domain: fc.constantFrom(...LIFE_DOMAINS), first: fc.integer({ min: 1, max: 5 }), last: fc.integer({ min: 1, max: 5 }), firstOn: day }), { selector: (d) => d.domain, maxLength: 5 }),
      supportBefore: fc.subarray([...SUPPORT_CATEGORIES]),
      supportAfter: fc.subarray([...SUPPORT_CATEGORIES]),
    },
    { requiredKeys: ['intervention', 'municipality', 'referrerType', 'ageBand', 'referredOn', 'gpReferral', 'gpAnswered', 'overleg', 'hasPlan', 'fidelity', 'domains'] },
  )
  .map((f) => {
    const out: CaseFacts = { version: 1, ...f }
    // A close category belongs to a closed case only.
    if (!out.closedOn) delete out.closeCategory
    return out
  })

const sum = (rows: MeasureRow[]) => {
  const out = new Map<string, number>()
  for (const r of rows) out.set(measureKey(r), (out.get(measureKey(r)) ?? 0) + r.count)
  return out
}

describe('the measures over generated facts', () => {
  it('give valid rows, each cell once, sorted; counts add up case by case; a case adds at most one to a single-bucket measure per period', () => {
    fc.assert(
      fc.property(fc.array(factArb, { maxLength: 25 }), day, (facts, today) => {
        for (const f of facts) expect(caseFactsSchema.safeParse(f).error).toBeUndefined()
        const periods = periodsOfFacts(facts, today)
        for (const p of periods) {
          const rows = countMeasures(facts, p, today)
          for (const r of rows) expect(measureRowSchema.safeParse(r).error).toBeUndefined()
          const keys = rows.map(measureKey)
          expect(new Set(keys).size).toBe(keys.length)
          expect(keys).toEqual([...keys].sort())
          // Additive: all cases together are the sum of each case alone.
          const perCase = facts.map((f) => countMeasures([f], p, today))
          const added = new Map<string, number>()
          for (const one of perCase) for (const [k, n] of sum(one)) added.set(k, (added.get(k) ?? 0) + n)
          expect(sum(rows)).toEqual(added)
          for (const one of perCase) {
            for (const m of SINGLE_BUCKET) expect(one.filter((r) => r.measure === m).reduce((n, r) => n + r.count, 0)).toBeLessThanOrEqual(1)
          }
        }
        // A period not listed has nothing; a listed one has something.
        const listed = new Set(periods)
        for (const p of ['2024-H2', '2025-H1', '2025-H2', '2026-H1', '2026-H2', '2027-H1', '2027-H2', '2028-H1'] as Period[]) {
          expect(countMeasures(facts, p, today).length > 0).toBe(listed.has(p))
        }
      }),
      { numRuns: 150 },
    )
  })

})
