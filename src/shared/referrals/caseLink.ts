/**
 * One record from referral to case (docs/referral-case.md): the pure mapping between the dates a
 * worker enters in a case and the status steps of its referral, both ways, and what the case keeps
 * of what the GP wrote. Idempotent by construction: a step is derived from the referral's status
 * (and what already waits in the outbox), so a step already taken is never sent again.
 */
import type { CaseRecord } from '../cases/v2'
import { nextStatus, type EventKind, type ReferralContent, type ReferralStatus } from './referral'

/** The status steps a case can take for its referral. */
export type CaseStepKind = 'contact' | 'gesprek' | 'afgerond'
export interface CaseStep {
  kind: CaseStepKind
  /** The date entered in the case (YYYY-MM-DD). */
  date: string
}

/** The date a case holds for each step: first contact (WoR), the intake or conversation, the closing. */
export function caseSteps(c: CaseRecord): CaseStep[] {
  const out: CaseStep[] = []
  if (c.wor?.firstContactDate) out.push({ kind: 'contact', date: c.wor.firstContactDate })
  const talk = c.pathway === 'wor' ? c.wor?.intakeDate : c.pathway === 'vg' ? c.vg?.conversationDate : c.pathway === 'sa' ? c.sa?.intakeDate : undefined
  if (talk) out.push({ kind: 'gesprek', date: talk })
  if (c.status === 'closed' && c.closedAt) out.push({ kind: 'afgerond', date: c.closedAt })
  return out
}

/**
 * The steps still to send for a case whose referral has `status`, with `waiting` already queued:
 * each only when the referral can take it now, in order, once. With `today` (the region's date),
 * only a date that can be true is sent: not before the referral's date and not after today. A date
 * field fills while it is typed ("0002-11-05", "0020-11-05" … before "2026-11-05"), and a step
 * sent cannot be taken back; a planned date waits until its day. In order: a later step waits too.
 */
export function stepsToSend(c: CaseRecord, status: ReferralStatus, waiting: readonly EventKind[] = [], today?: string): CaseStep[] {
  let s = status
  for (const k of waiting) s = nextStatus(s, k) ?? s
  const out: CaseStep[] = []
  const earliest = c.referral?.date ?? ''
  for (const step of caseSteps(c)) {
    if (today !== undefined && (step.date < earliest || step.date > today)) break
    const next = nextStatus(s, step.kind)
    if (next === null || next === s) continue
    out.push(step)
    s = next
  }
  return out
}

/**
 * The case after a step pressed in the inbox on `date`: the matching date filled when it is still
 * empty (never overwritten), the message kept as the case's message to the GP. Undefined when
 * nothing changes.
 */
export function caseAfterEvent(c: CaseRecord, kind: EventKind, date: string, note = ''): CaseRecord | undefined {
  const next = JSON.parse(JSON.stringify(c)) as CaseRecord
  const text = note.trim()
  if (kind === 'contact' && c.pathway === 'wor') next.wor = { matchedServiceIds: [], ...next.wor, firstContactDate: next.wor?.firstContactDate ?? date }
  if (kind === 'gesprek') {
    if (c.pathway === 'wor') next.wor = { matchedServiceIds: [], ...next.wor, intakeDate: next.wor?.intakeDate ?? date }
    if (c.pathway === 'vg') next.vg = { ...next.vg, conversationDate: next.vg?.conversationDate ?? date }
    if (c.pathway === 'sa') next.sa = { ...next.sa, intakeDate: next.sa?.intakeDate ?? date }
  }
  if ((kind === 'bericht' || kind === 'afgerond') && text && !messageOf(c)) {
    if (c.pathway === 'wor') next.wor = { matchedServiceIds: [], ...next.wor, feedbackToGp: text, feedbackDate: next.wor?.feedbackDate ?? date }
    if (c.pathway === 'vg') next.vg = { ...next.vg, adviceToGp: text }
  }
  if (kind === 'afgerond' && c.status !== 'closed') {
    next.status = 'closed'
    next.closedAt = c.closedAt ?? date
  }
  return JSON.stringify(next) === JSON.stringify(c) ? undefined : next
}

/** The case's one message to the GP: the WoR feedback or the VG advice. */
export const messageOf = (c: CaseRecord): string | undefined => (c.wor?.feedbackToGp ?? c.vg?.adviceToGp)?.trim() || undefined

/** Whether `text` already went to the GP: a message or the closing carried exactly it. */
export const messageSent = (text: string, events: readonly { kind: EventKind; note?: string }[]): boolean =>
  events.some((e) => (e.kind === 'bericht' || e.kind === 'afgerond') && (e.note ?? '').trim() === text.trim())

/** What the case keeps of the referral (nothing retyped): the GP's reasons, note, 4D domains and urgency. */
export function fromGpOf(content: ReferralContent): NonNullable<NonNullable<CaseRecord['referral']>['fromGp']> {
  return {
    reasons: [...content.reasons],
    note: content.note,
    domains: [...content.domains],
    urgency: content.urgency,
    ...(content.referrer.name ? { referrer: content.referrer.name.slice(0, 200) } : {}),
  }
}

/**
 * The time an event sent from a case date carries (the device's recorded time; the server keeps
 * it clamped, docs/device-trust.md): noon of that day, or now when that is earlier.
 */
export function eventAtFor(date: string, now: Date): string {
  const noon = new Date(`${date}T12:00:00Z`)
  return (noon.getTime() < now.getTime() ? noon : now).toISOString()
}
