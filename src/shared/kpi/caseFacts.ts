/**
 * Case facts (issue 18): the few things the steering measures (measures.ts) need of one case, and
 * nothing else — its breakdown cell, the dates that put it in a period, a handful of categories
 * and scores. No names, no free text, no ids of people or records, no birth year (only the age
 * band). Facts are kept (encrypted) beside the case and outlive it: a closed case that leaves the
 * device after its retention period still counts in the periods it fell in, so the facts are
 * complete on their own. measureCounts.ts turns facts into rows.
 *
 * Pure: the same record, method and previous facts give the same facts.
 */
import { z } from 'zod'
import { isoDate } from '../core/dates'
import { regionDate } from '../core/clock'
import { caseMoments } from '../cases/inclusion'
import { CLOSE_CATEGORIES, REFERRER_TYPES, SA_OUTFLOW, SUPPORT_CATEGORIES, VG_OUTCOMES, type CaseRecord, type SupportCategory } from '../cases/v2'
import { INTERVENTION_IDS } from '../interventions'
import { methodIdSchema, type MethodDefinition } from '../method/definition'
import { fidelityOf } from '../method/progress'
import { LIFE_DOMAINS } from '../socialMap/lifeDomains'
import { MUNICIPALITIES } from '../socialMap/places'
import { UNKNOWN } from './counts'
import { AGE_BANDS, type AgeBand } from './measures'

/** The version of the facts format, so stored facts from an older app can be told apart. */
export const CASE_FACTS_VERSION = 1

/** Referrer types that count as "referred by the GP practice" (gp-feedback). */
export const GP_REFERRERS = ['huisarts', 'praktijkondersteuner'] as const satisfies readonly (typeof REFERRER_TYPES)[number][]

const score = z.number().int().min(1).max(5)
const satisfaction = z.number().int().min(0).max(10)
const unique = <T>(a: readonly T[]) => new Set(a).size === a.length
const supportList = z.array(z.enum(SUPPORT_CATEGORIES)).max(SUPPORT_CATEGORIES.length).refine(unique, 'a category appears more than once')

/** Every essential of every step of a pathway plus the samenwerkoverleg: far below this (12 steps × 12 essentials + 12). */
export const MAX_FIDELITY_ITEMS = 200

export const fidelityFactSchema = z.union([
  /** Met or skipped on a day: counted in that day's period. */
  z.strictObject({ step: methodIdSchema, essential: methodIdSchema, state: z.enum(['met', 'skipped']), on: isoDate }),
  /** Missed: the case closed without it; counted in the period of closing. */
  z.strictObject({ step: methodIdSchema, essential: methodIdSchema, state: z.literal('missed') }),
])
export type FidelityFact = z.infer<typeof fidelityFactSchema>

/** One life domain's first and last score (1 = grote zorgen, 5 = gaat goed), and the day of the first. */
export const domainFactSchema = z.strictObject({ domain: z.enum(LIFE_DOMAINS), first: score, last: score, firstOn: isoDate })
export type DomainFact = z.infer<typeof domainFactSchema>

export const caseFactsSchema = z.strictObject({
  version: z.literal(CASE_FACTS_VERSION),
  /** The case's intervention (the record's `pathway`). */
  intervention: z.enum(INTERVENTION_IDS),
  municipality: z.enum([...MUNICIPALITIES, UNKNOWN]),
  referrerType: z.enum([...REFERRER_TYPES, UNKNOWN]),
  /** Age at the referral date, from the birth year (the birth year itself is not kept). */
  ageBand: z.enum([...AGE_BANDS, UNKNOWN]),
  /** The referral date; a case without one counts as referred on the day it was made (caseMoments). */
  referredOn: isoDate,
  firstContactOn: isoDate.optional(),
  /** The intake (WoR, SA) or the exploratory conversation (VG). */
  intakeOn: isoDate.optional(),
  /** Referred by the GP or the practice nurse (POH). */
  gpReferral: z.boolean(),
  /** Feedback (WoR: a date or a message) or advice (VG) went back to the GP. */
  gpAnswered: z.boolean(),
  includedOn: isoDate.optional(),
  /** Closed after inclusion (caseMoments). */
  completedOn: isoDate.optional(),
  /** Closed, included or not. */
  closedOn: isoDate.optional(),
  /** The pathway's outflow category, or "onbekend"; only for a closed case. */
  closeCategory: z.enum([...new Set([...CLOSE_CATEGORIES, ...SA_OUTFLOW, ...VG_OUTCOMES, UNKNOWN])] as [string, ...string[]]).optional(),
  /** A samenwerkoverleg was called (always part of the samenwerkwijze; any other pathway may call one). */
  overleg: z.boolean(),
  /** The samenwerkplan: at least one action with an owner, and an evaluation date. */
  hasPlan: z.boolean(),
  evaluationOn: isoDate.optional(),
  evaluationHeldOn: isoDate.optional(),
  fidelity: z.array(fidelityFactSchema).max(MAX_FIDELITY_ITEMS),
  satisfactionStart: satisfaction.optional(),
  satisfactionEnd: satisfaction.optional(),
  domains: z
    .array(domainFactSchema)
    .max(LIFE_DOMAINS.length)
    .refine((d) => unique(d.map((x) => x.domain)), 'a domain appears more than once'),
  supportBefore: supportList.optional(),
  supportAfter: supportList.optional(),
})
export type CaseFacts = z.infer<typeof caseFactsSchema>

/**
 * Age band from the birth year at the referral date. Only the year of birth is recorded, so the
 * age is the one the resident turns in the referral's year (a product decision: at most one year
 * off, never more precise than what the case holds). A birth year after the referral is unknown.
 */
export function ageBandOf(birthYear: number | undefined, referredOn: string): AgeBand | typeof UNKNOWN {
  if (birthYear === undefined) return UNKNOWN
  const age = Number(referredOn.slice(0, 4)) - birthYear
  if (!Number.isFinite(age) || age < 0) return UNKNOWN
  if (age < 18) return 'tot-18'
  if (age <= 30) return '18-30'
  if (age <= 64) return '31-64'
  return '65-plus'
}

const filled = (s: string | undefined) => !!s?.trim()

function intakeOf(c: CaseRecord): string | undefined {
  switch (c.pathway) {
    case 'wor':
      return c.wor?.intakeDate
    case 'sa':
      return c.sa?.intakeDate
    case 'vg':
      return c.vg?.conversationDate
    default:
      // The samenwerkwijze has no intake: the overleg is its moment of inclusion.
      return undefined
  }
}

function closeCategoryOf(c: CaseRecord): string {
  if (c.pathway === 'sa') return c.sa?.outflowReason ?? UNKNOWN
  if (c.pathway === 'vg') return c.vg?.outcome ?? UNKNOWN
  return c.closeCategory ?? UNKNOWN
}

/** At least one action someone does (text and an owner, by name or chosen participant), and an evaluation date. */
function hasPlan(c: CaseRecord): boolean {
  const p = c.consultation
  return !!p?.evaluationDate && p.actions.some((a) => filled(a.what) && (filled(a.owner) || !!a.ownerId))
}

/**
 * First and last score per life domain: the snapshots in order (the first is the baseline) and the
 * current scores after them. A domain counts only when its first score has a day (a snapshot):
 * an older case without snapshots has no baseline to compare with.
 */
function domainsOf(c: CaseRecord): DomainFact[] {
  const snapshots = c.domainSnapshots ?? []
  const out: DomainFact[] = []
  for (const domain of LIFE_DOMAINS) {
    const firstSnap = snapshots.find((s) => s.scores[domain] !== undefined)
    if (!firstSnap) continue
    const current = c.lifeDomains[domain]?.score
    const last = current ?? snapshots.findLast((s) => s.scores[domain] !== undefined)!.scores[domain]!
    out.push({ domain, first: firstSnap.scores[domain]!, last, firstOn: firstSnap.date })
  }
  return out
}

const inOrder = (list: readonly SupportCategory[] | undefined) => (list ? SUPPORT_CATEGORIES.filter((s) => list.includes(s)) : undefined)

/** The region's date of a stored instant, or undefined when it is not one. */
function dayOf(instant: string): string | undefined {
  const t = Date.parse(instant)
  return Number.isNaN(t) ? undefined : regionDate(t)
}

/**
 * Fidelity per essential (docs/method.md "Fidelity"). Met or skipped carry the day they became so:
 * the mark's `on` date when the worker ticked or skipped it. An essential the case's data meets
 * (an intake date, a score) has no mark, so it keeps the day the previous facts first saw it met;
 * facts computed for the first time give it the day the case was last changed (the latest day the
 * data can have been entered; for a closed case no later than its closing day). Missed (fidelityOf: the case closed without it) only for a closed
 * case: while it is open, an essential of a passed step can still be met or skipped.
 */
function fidelityFacts(c: CaseRecord, method: MethodDefinition, closedOn: string | undefined, previous: CaseFacts | undefined): FidelityFact[] {
  // A closed case's data was there by its closing day at the latest (an edit after closing does not move it).
  const changed = dayOf(c.updatedAt)
  const fallback = (closedOn && (!changed || closedOn < changed) ? closedOn : changed) ?? caseMoments(c).referredAt!
  const before = new Map((previous?.fidelity ?? []).map((f) => [`${f.step}|${f.essential}|${f.state}`, f]))
  const out: FidelityFact[] = []
  for (const item of fidelityOf(method, c)) {
    if (item.state === 'open') continue
    if (item.state === 'missed') {
      if (closedOn) out.push({ step: item.step, essential: item.essential, state: 'missed' })
      continue
    }
    const mark = c.method.essentials[item.essential]
    const kept = before.get(`${item.step}|${item.essential}|${item.state}`)
    const on = mark?.state === item.state ? mark.on : kept && 'on' in kept ? kept.on : fallback
    out.push({ step: item.step, essential: item.essential, state: item.state, on })
  }
  return out.slice(0, MAX_FIDELITY_ITEMS)
}

export interface FactsOptions {
  /**
   * The facts stored for this case before (if any): an essential the data meets keeps the day it
   * was first seen met, so a later edit does not move it to another period.
   */
  previous?: CaseFacts
}

/**
 * The facts of one case. `method` is the method definition of the case's version (method.version);
 * without it (a version this device does not hold) the case has no fidelity facts, since its steps
 * are unknown — every other fact stands.
 */
export function factsOf(record: CaseRecord, method: MethodDefinition | undefined, options: FactsOptions = {}): CaseFacts {
  const c = record
  const moments = caseMoments(c)
  // caseMoments always finds a referral day (the referral's, else the day the case was made).
  const referredOn = moments.referredAt!
  const closedOn = c.status === 'closed' ? c.closedAt : undefined
  const referrerType = c.referral?.referrerType
  const facts: CaseFacts = {
    version: CASE_FACTS_VERSION,
    intervention: c.pathway,
    municipality: c.resident.municipality ?? UNKNOWN,
    referrerType: referrerType ?? UNKNOWN,
    ageBand: ageBandOf(c.resident.birthYear, referredOn),
    referredOn,
    gpReferral: !!referrerType && (GP_REFERRERS as readonly string[]).includes(referrerType),
    gpAnswered: !!c.wor?.feedbackDate || filled(c.wor?.feedbackToGp) || filled(c.vg?.adviceToGp),
    overleg: !!c.consultation,
    hasPlan: hasPlan(c),
    fidelity: method ? fidelityFacts(c, method, closedOn, options.previous) : [],
    domains: domainsOf(c),
  }
  const firstContact = c.wor?.firstContactDate
  if (firstContact) facts.firstContactOn = firstContact
  const intake = intakeOf(c)
  if (intake) facts.intakeOn = intake
  if (moments.includedAt) facts.includedOn = moments.includedAt
  if (moments.completedAt) facts.completedOn = moments.completedAt
  if (closedOn) {
    facts.closedOn = closedOn
    facts.closeCategory = closeCategoryOf(c)
  }
  if (c.consultation?.evaluationDate) facts.evaluationOn = c.consultation.evaluationDate
  if (c.consultation?.evaluationHeldOn) facts.evaluationHeldOn = c.consultation.evaluationHeldOn
  if (c.satisfaction.start !== undefined) facts.satisfactionStart = c.satisfaction.start
  if (c.satisfaction.end !== undefined) facts.satisfactionEnd = c.satisfaction.end
  const before = inOrder(c.support?.beforeCategories)
  const after = inOrder(c.support?.afterCategories)
  if (before) facts.supportBefore = before
  if (after) facts.supportAfter = after
  return facts
}
