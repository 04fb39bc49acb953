/**
 * The steering measures on a phone (issue 18): all measures for 10,000 generated cases — each
 * case's facts from its record (kpi/caseFacts.ts factsOf under the bundled method), then
 * countMeasures for every period — against today's inclusion counting of the same cases
 * (caseIndexOf, then countInclusions for every period). Also the counting alone, from facts and
 * index already stored (what a snapshot costs once the facts are kept beside the cases), and the
 * rows per period against MAX_MEASURE_ROWS (for 300, 1,000 and 3,000 of the cases too).
 */
import { caseIndexOf } from '../src/shared/cases/caseIndex'
import { CLOSE_CATEGORIES, newCase, REFERRER_TYPES, SA_OUTFLOW, SUPPORT_CATEGORIES, VG_OUTCOMES, type CaseRecord } from '../src/shared/cases/v2'
import { addDays } from '../src/shared/core/dates'
import { INTERVENTION_IDS } from '../src/shared/interventions'
import { factsOf, type CaseFacts } from '../src/shared/kpi/caseFacts'
import { countInclusions, periodsOf } from '../src/shared/kpi/counts'
import { countMeasures, periodsOfFacts } from '../src/shared/kpi/measureCounts'
import { MAX_MEASURE_ROWS } from '../src/shared/kpi/measures'
import { BUNDLED_METHOD } from '../src/shared/method/sigMethod'
import { LIFE_DOMAINS } from '../src/shared/socialMap/lifeDomains'
import { MUNICIPALITIES } from '../src/shared/socialMap/places'

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** A small seeded generator (mulberry32), so every run counts the same cases. */
function random(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (max: number) => Math.floor(next() * max)
  return { next, int, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)]!, chance: (p: number) => next() < p }
}

const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`

/** Cases spread over 2025–2027, every pathway, the dates and fields each measure reads. */
export function generateCases(count: number, seed = 18): CaseRecord[] {
  const r = random(seed)
  return Array.from({ length: count }, (_, i) => {
    const pathway = INTERVENTION_IDS[i % INTERVENTION_IDS.length]!
    const referral = addDays('2025-01-01', r.int(1000))
    const c = newCase(uuid(i + 1), pathway, new Date(`${referral}T09:00:00Z`))
    c.updatedAt = `${addDays(referral, 60)}T10:00:00.000Z`
    c.resident = { name: `Inwoner ${i}`, birthYear: 1930 + r.int(80), municipality: r.pick(MUNICIPALITIES) }
    c.consent = { given: true, purpose: 'hulp', scope: 'team' }
    c.referral = { date: referral, referrerType: r.pick(REFERRER_TYPES) }
    c.questions = { wil: 'Weer mensen zien', kan: 'Koken', nodig: 'Vervoer' }
    const first = addDays(referral, 3 + r.int(20))
    const intake = addDays(referral, 5 + r.int(40))
    if (pathway === 'wor') c.wor = { matchedServiceIds: [], firstContactDate: first, intakeDate: intake, ...(r.chance(0.6) ? { feedbackDate: addDays(intake, 14) } : {}) }
    if (pathway === 'vg') c.vg = { conversationDate: intake, ...(r.chance(0.7) ? { adviceToGp: 'Advies', outcome: r.pick(VG_OUTCOMES) } : {}) }
    if (pathway === 'sa') c.sa = { intakeDate: intake, triage: 'arrangement', arrangementStartDate: addDays(intake, 7), ...(r.chance(0.5) ? { outflowReason: r.pick(SA_OUTFLOW) } : {}) }
    if (pathway === 'samenwerkwijze' || r.chance(0.2)) {
      c.consultation = {
        date: intake,
        residentPresent: true,
        participants: [],
        actions: [{ id: uuid(100_000 + i), what: 'Schulden op een rij', owner: r.chance(0.8) ? 'Piet' : '' }],
        evaluationDate: addDays(intake, 60),
        ...(r.chance(0.6) ? { evaluationHeldOn: addDays(intake, 50 + r.int(20)) } : {}),
      }
    }
    c.lifeDomains = Object.fromEntries(LIFE_DOMAINS.slice(0, 5).map((d) => [d, { score: 1 + r.int(5), wantsToTalk: false }]))
    c.domainSnapshots = [{ date: intake, scores: Object.fromEntries(LIFE_DOMAINS.slice(0, 5).map((d) => [d, 1 + r.int(5)])) }]
    c.satisfaction = { start: r.int(11), ...(r.chance(0.7) ? { end: r.int(11) } : {}) }
    const cats = (n: number) => SUPPORT_CATEGORIES.filter(() => r.chance(n))
    c.support = { before: [], after: [], beforeCategories: cats(0.2), afterCategories: cats(0.2) }
    if (r.chance(0.3)) c.method.essentials = { 'wor-join-offered': { state: 'skipped', on: addDays(intake, 1), reason: 'Wil alleen' }, 'sww-steps-checked': { state: 'met', on: addDays(intake, 30) } }
    if (r.chance(0.6)) {
      c.status = 'closed'
      c.closedAt = addDays(intake, 30 + r.int(200))
      c.closeReason = 'Klaar'
      if (pathway === 'wor' || pathway === 'samenwerkwijze') c.closeCategory = r.pick(CLOSE_CATEGORIES)
    }
    return c
  })
}

function timed(runs: number, f: () => unknown): number {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    f()
    times.push(performance.now() - t0)
  }
  return median(times)
}

export function measuresBench(count = 10_000, runs = 7, today = '2027-10-01') {
  const cases = generateCases(count)
  let rows = 0
  let maxRowsInPeriod = 0
  let periods = 0
  const allMeasures = (facts: readonly CaseFacts[]) => {
    const list = periodsOfFacts(facts, today)
    periods = list.length
    rows = 0
    maxRowsInPeriod = 0
    for (const p of list) {
      const n = countMeasures(facts, p, today).length
      rows += n
      maxRowsInPeriod = Math.max(maxRowsInPeriod, n)
    }
  }
  let inclusionRows = 0
  const allInclusions = (index: ReturnType<typeof caseIndexOf>[]) => {
    inclusionRows = periodsOf(index).reduce((n, p) => n + countInclusions(index, p).length, 0)
  }
  const measures = timed(runs, () => allMeasures(cases.map((c) => factsOf(c, BUNDLED_METHOD))))
  const inclusions = timed(runs, () => allInclusions(cases.map(caseIndexOf)))
  const facts = cases.map((c) => factsOf(c, BUNDLED_METHOD))
  const index = cases.map(caseIndexOf)
  const countOnly = timed(runs, () => allMeasures(facts))
  const inclusionOnly = timed(runs, () => allInclusions(index))
  const factsBytes = facts.reduce((n, f) => n + JSON.stringify(f).length, 0)
  // How many cases (spread over three years, as here) one device can hold before a period's rows pass MAX_MEASURE_ROWS.
  const rowsAt = (n: number) => {
    const some = facts.slice(0, n)
    return Math.max(...periodsOfFacts(some, today).map((p) => countMeasures(some, p, today).length))
  }
  return {
    cases: count,
    periods,
    measure_rows: rows,
    max_measure_rows_in_one_period: maxRowsInPeriod,
    max_measure_rows_allowed: MAX_MEASURE_ROWS,
    max_measure_rows_in_one_period_by_cases: Object.fromEntries([300, 1_000, 3_000].map((n) => [n, rowsAt(n)])),
    inclusion_rows: inclusionRows,
    facts_and_measures_all_periods_ms: round(measures),
    index_and_inclusions_all_periods_ms: round(inclusions),
    ratio_measures_vs_inclusions: round(measures / inclusions),
    count_measures_from_stored_facts_ms: round(countOnly),
    count_inclusions_from_stored_index_ms: round(inclusionOnly),
    ratio_counting_only: round(countOnly / inclusionOnly),
    facts_json_bytes_per_case: Math.round(factsBytes / count),
  }
}
