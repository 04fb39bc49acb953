/**
 * The steering measures (issue 18; measures.ts) counted from case facts (caseFacts.ts): per period,
 * one row per measure, bucket and breakdown cell that holds at least one case. This file is the one
 * place that says which date puts a case in a period for each measure (`eventsOf`), so the counts
 * and the list of periods can never disagree. Pure: counts only.
 *
 * Decisions where issue 18 is silent are written at the measure they belong to.
 */
import { daysBetween } from '../core/dates'
import { interventionOf } from '../interventions'
import { REQUIRED_BLOCKS } from '../method/definition'
import type { CaseFacts } from './caseFacts'
import { UNKNOWN } from './counts'
import { periodEnd, periodOf, periodStart, type Period } from './period'
import type { MeasureId, MeasureRow } from './measures'

/**
 * Where a case's counts go. `wants` is asked first, so a bucket (a day difference, a step's state)
 * is only worked out for a date that counts: counting one period skips the rest cheaply.
 */
interface Sink {
  wants(date: string): boolean
  add(date: string, measure: MeasureId, bucket: string): void
}

const satisfactionBucket = (n: number) => (n <= 4 ? '0-4' : n <= 6 ? '5-6' : n <= 8 ? '7-8' : '9-10')
const intakeBucket = (days: number) => (days <= 7 ? '1-week' : days <= 14 ? '2-weeks' : days <= 28 ? '4-weeks' : 'longer')
/** Scores run 1 = grote zorgen … 5 = gaat goed (cases/lifeDomainPicture.ts): higher is better. */
const change = (first: number, last: number) => (last > first ? 'better' : last < first ? 'worse' : 'same')

/**
 * Every count one case adds, each with the date that puts it in a period. `today` decides whether
 * an evaluation that was not held is already late; without it (listing periods) such an
 * evaluation's period is listed as if it were.
 */
function eventsOf(f: CaseFacts, today: string | undefined, to: Sink): void {
  // First contact: only an intervention with a first-contact term (Welzijn op Recept, 14 days).
  // Days run from the referral date (the day the case was made when it has none, as the funnel
  // does); a first contact recorded before the referral counts as within the term.
  const term = interventionOf(f.intervention).firstContactDays
  if (term !== undefined && f.firstContactOn && to.wants(f.firstContactOn)) {
    to.add(f.firstContactOn, 'first-contact', daysBetween(f.referredOn, f.firstContactOn) <= term ? 'within-14-days' : 'later')
  }

  // Feedback or advice to the GP: for referrals by a GP or POH to an intervention whose method
  // must hold the message back to the GP (REQUIRED_BLOCKS: Welzijn op Recept and Verkennend
  // Gesprek). Sociaal Arrangeren and the samenwerkwijze have no place to record it, so counting
  // them would only ever say "not given". Counted in the referral's period, so a referral answered
  // after its period ended moves from not-given to given there (a correction).
  if (f.gpReferral && REQUIRED_BLOCKS[f.intervention].includes('gpMessage') && to.wants(f.referredOn)) to.add(f.referredOn, 'gp-feedback', f.gpAnswered ? 'given' : 'not-given')

  // Referral to intake (WoR, SA) or conversation (VG); the samenwerkwijze has none. An intake
  // recorded before the referral date counts as within a week.
  if (f.intakeOn && to.wants(f.intakeOn)) to.add(f.intakeOn, 'referral-to-intake', intakeBucket(daysBetween(f.referredOn, f.intakeOn)))

  // Samenwerkplan: every included samenwerkwijze case, and an included case of another pathway
  // that called a samenwerkoverleg (a WoR case without one has no plan to make; counting it
  // "without" would drown the figure).
  if (f.includedOn && (f.intervention === 'samenwerkwijze' || f.overleg) && to.wants(f.includedOn)) to.add(f.includedOn, 'plan', f.hasPlan ? 'with-plan' : 'without-plan')

  // Evaluation, in the period of its planned date: held on or before it, held later, or not held
  // once the date has passed (a date still ahead, or today, is not counted yet). A case closed on
  // or before its evaluation date without holding it is not counted: closing overtook the
  // evaluation (the close step is the evaluation of the samenwerkwijze).
  if (f.evaluationOn) {
    const due = f.evaluationOn
    const bucket = f.evaluationHeldOn
      ? f.evaluationHeldOn <= due
        ? 'on-time'
        : 'late'
      : !(f.closedOn && f.closedOn <= due) && (today === undefined || due < today)
        ? 'not-held'
        : undefined
    if (bucket && to.wants(due)) to.add(due, 'evaluation', bucket)
  }

  // Closing: every closed case, included or not (a WoR referral that never led to contact closes too).
  if (f.closedOn && to.wants(f.closedOn)) {
    const on = f.closedOn
    to.add(on, 'close-reason', f.closeCategory ?? UNKNOWN)
    if (f.satisfactionEnd !== undefined) to.add(on, 'satisfaction-end', satisfactionBucket(f.satisfactionEnd))
    // A domain counts when its first score was given on an earlier day than the closing: scored
    // for the first time on the closing day there is nothing to compare.
    for (const d of f.domains) if (d.firstOn < on) to.add(on, 'domain-change', `${d.domain}:${change(d.first, d.last)}`)
    for (const s of f.supportBefore ?? []) to.add(on, 'support-before', s)
    for (const s of f.supportAfter ?? []) to.add(on, 'support-after', s)
    // Fidelity: missed in the period of closing (caseFacts.ts only records missed for a closed case).
    for (const item of f.fidelity) if (item.state === 'missed') to.add(on, 'fidelity', `${item.step}:missed`)
  }

  // Satisfaction at the start: only for an included case, in the period of inclusion.
  if (f.includedOn && f.satisfactionStart !== undefined && to.wants(f.includedOn)) to.add(f.includedOn, 'satisfaction-start', satisfactionBucket(f.satisfactionStart))

  // Fidelity: met and skipped on their day.
  for (const item of f.fidelity) if (item.state !== 'missed' && to.wants(item.on)) to.add(item.on, 'fidelity', `${item.step}:${item.state}`)
}

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)

/**
 * The measures of `period`: only non-zero rows, each measure × bucket × cell once, sorted by
 * measureKey. `today` is the region's date (an evaluation counts as not held only once its date
 * has passed).
 */
export function countMeasures(facts: readonly CaseFacts[], period: Period, today: string): MeasureRow[] {
  const start = periodStart(period)
  const end = periodEnd(period)
  // Per breakdown cell, per measure|bucket: the cell's key is made once per case, not per count.
  const cells = new Map<string, Map<string, MeasureRow>>()
  let f: CaseFacts
  let cell: Map<string, MeasureRow> | undefined
  const sink: Sink = {
    wants: (date) => date >= start && date <= end,
    add(_date, measure, bucket) {
      if (!cell) {
        // measureKey's order: measure|bucket|intervention|municipality|referrerType|ageBand.
        const key = `${f.intervention}|${f.municipality}|${f.referrerType}|${f.ageBand}`
        cell = cells.get(key)
        if (!cell) cells.set(key, (cell = new Map()))
      }
      const key = `${measure}|${bucket}`
      const row = cell.get(key)
      if (row) row.count++
      else cell.set(key, { measure, bucket, intervention: f.intervention, municipality: f.municipality, referrerType: f.referrerType, ageBand: f.ageBand, count: 1 })
    },
  }
  for (f of facts) {
    cell = undefined
    eventsOf(f, today, sink)
  }
  const out: { key: string; row: MeasureRow }[] = []
  for (const [cellKey, rows] of cells) for (const [key, row] of rows) out.push({ key: `${key}|${cellKey}`, row })
  return out.sort(byKey).map((r) => r.row)
}

/**
 * Every half-year in which any measure of any case falls. Without `today`, the period of an
 * evaluation not (yet) held is listed even while its date is ahead (a period with no rows then).
 */
export function periodsOfFacts(facts: readonly CaseFacts[], today?: string): Period[] {
  const set = new Set<Period>()
  const sink: Sink = { wants: () => true, add: (date) => set.add(periodOf(date)) }
  for (const f of facts) eventsOf(f, today, sink)
  return [...set].sort()
}
