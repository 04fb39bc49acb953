/**
 * One record from referral to case (docs/referral-case.md), the app's half: a date entered in a case
 * sends the matching step of its referral through the referral outbox (it works offline and is sent
 * later), each step once (src/shared/referrals/caseLink.ts stepsToSend, from the referral's verified
 * status and what already waits); a message written in the case is the one message to the GP. What
 * happened to each step is kept per case, for the case page to show next to the field.
 */
import { reactive } from 'vue'
import type { CaseRecord } from '../../../shared/cases/v2'
import { eventAtFor, stepsToSend } from '../../../shared/referrals/caseLink'
import type { EventKind } from '../../../shared/referrals/referral'
import { thisDevice } from '../../core/deviceIdentity'
import { today } from '../../core/clock'
import { openReferral, type OpenedEvent, type OpenedReferral } from './readReferral'
import { flushOutbox, loadList, queueEvent, waitingItems } from './referralOutbox'

export interface StepResult {
  state: 'sending' | 'sent' | 'queued' | 'refused'
  error?: unknown
}
export interface CaseLink {
  /** The referral's status from its verified events, once read. */
  status?: OpenedReferral['status']
  events: OpenedEvent[]
  results: Partial<Record<EventKind, StepResult>>
}

/** By case id. */
export const caseLinks = reactive<Record<string, CaseLink>>({})
const linkOf = (caseId: string): CaseLink => (caseLinks[caseId] ??= { events: [], results: {} })

/** The case's referral, opened on this device: the inbox (offline: its last copy). */
async function openLinked(referralId: string): Promise<OpenedReferral | undefined> {
  const me = await thisDevice()
  if (!me) return undefined
  const { referrals } = await loadList('inbox')
  const r = referrals.find((x) => x.id === referralId)
  return r ? openReferral(r, me) : undefined
}

async function remember(caseId: string, referralId: string): Promise<OpenedReferral | undefined> {
  const o = await openLinked(referralId)
  if (o) Object.assign(linkOf(caseId), { status: o.status, events: o.events })
  return o
}

/** Queues one step and sends what waits; says whether it left or waits for a connection. */
async function sendStep(caseId: string, o: OpenedReferral, kind: EventKind, at?: string, note?: string): Promise<void> {
  const link = linkOf(caseId)
  link.results[kind] = { state: 'sending' }
  try {
    const id = await queueEvent(o.referral, o.senderUserId, kind, note, at)
    await flushOutbox().catch(() => 1)
    const waiting = (await waitingItems()).some((i) => i.id === id)
    link.results[kind] = { state: waiting ? 'queued' : 'sent' }
  } catch (e) {
    link.results[kind] = { state: 'refused', error: e }
  }
}

let chain: Promise<unknown> = Promise.resolve()
/** Runs one after the other: two quick changes never send a step twice. */
const serial = <T>(job: () => Promise<T>): Promise<T> => {
  const run = chain.then(job, job)
  chain = run.catch(() => undefined)
  return run
}

/** Sends the steps the case's dates stand for that the referral has not taken yet (none twice). */
export function syncCaseSteps(c: CaseRecord): Promise<void> {
  const referralId = c.referral?.referralId
  if (!referralId) return Promise.resolve()
  // A plain copy: the draft is a reactive proxy, which structuredClone refuses.
  const snapshot = JSON.parse(JSON.stringify(c)) as CaseRecord
  return serial(async () => {
    // A step queued offline earlier leaves now, not only when the inbox is next opened.
    if ((await waitingItems()).some((i) => i.referralId === referralId)) await flushOutbox().catch(() => 1)
    const o = await remember(snapshot.id, referralId).catch(() => undefined)
    if (!o) return
    const waiting = (await waitingItems()).filter((i) => i.referralId === referralId && i.kind === 'event').map((i) => (i.body as { kind: EventKind }).kind)
    // Only dates that can be true: not one still being typed (year 0002), not a planned one (caseLink.ts).
    for (const step of stepsToSend(snapshot, o.status, waiting, today())) {
      // Closing carries the case's message when it did not go yet (one message to the GP).
      const note = step.kind === 'afgerond' ? closingNote(snapshot, o.events) : undefined
      await sendStep(snapshot.id, o, step.kind, eventAtFor(step.date, new Date()), note)
    }
    await remember(snapshot.id, referralId).catch(() => undefined)
  })
}

function closingNote(c: CaseRecord, events: readonly OpenedEvent[]): string {
  const text = (c.wor?.feedbackToGp ?? c.vg?.adviceToGp)?.trim() ?? ''
  return text && !events.some((e) => (e.kind === 'bericht' || e.kind === 'afgerond') && e.note?.trim() === text) ? text : ''
}

/** Reads the referral's status and messages for the case page. */
export function readCaseLink(c: CaseRecord): Promise<void> {
  const referralId = c.referral?.referralId
  if (!referralId) return Promise.resolve()
  return serial(async () => void (await remember(c.id, referralId).catch(() => undefined)))
}

/** Sends the case's message to the GP (WoR feedback, VG advice): the same one the inbox offers. */
export function sendCaseMessage(c: CaseRecord, text: string): Promise<void> {
  const referralId = c.referral?.referralId
  if (!referralId || !text.trim()) return Promise.resolve()
  return serial(async () => {
    const o = await remember(c.id, referralId).catch((e: unknown) => {
      linkOf(c.id).results.bericht = { state: 'refused', error: e }
      return undefined
    })
    if (!o) return
    await sendStep(c.id, o, 'bericht', undefined, text.trim())
    await remember(c.id, referralId).catch(() => undefined)
  })
}
