/**
 * What a sociaal-werker and a GP find on "Vandaag" (ProfessionalHomePage.vue): small pure functions
 * over the referral lists' clear metadata (status, dates: nothing sealed is opened here) and the
 * cases in the open vault. Each item carries where it is handled, one tap away.
 */
import type { CaseRecord } from '../../../shared/cases/v2'
import { addDays } from '../../../shared/core/dates'
import type { ListedReferral } from '../../../shared/referrals/referral'

/** WoR: the coach contacts the resident within two weeks (docs/glossary.md, domain.md). */
export const FIRST_CONTACT_DAYS = 14

export type WorkItemKind = 'accept' | 'first-contact' | 'evaluation' | 'step' | 'action' | 'gp-news'

export interface TodayItem {
  key: string
  kind: WorkItemKind
  /** Where it is handled. */
  to: string
  /** Words for the item's text: an intervention id, an organisation's name, what to do. */
  intervention?: string
  organisation?: string
  what?: string
  /** A residents's name only from the open vault (cases), never from a sealed referral. */
  name?: string
  /** The date that matters (ISO day or moment). */
  date?: string
  overdue?: boolean
}

const WAITING_TO_ACCEPT = new Set<ListedReferral['status']>(['verstuurd', 'ontvangen'])

/** How many referrals wait to be accepted: the inbox badge. */
export const waitingToAccept = (inbox: readonly Pick<ListedReferral, 'status'>[]): number => inbox.filter((r) => WAITING_TO_ACCEPT.has(r.status)).length

/** The inbox card of a referral. */
export const inboxLink = (id: string) => `/werk/verwijzingen#verwijzing-${id}`

/** Referrals to accept, then accepted ones whose first contact is due or late (oldest first). */
export function referralItems(inbox: readonly ListedReferral[]): TodayItem[] {
  const accept = inbox
    .filter((r) => WAITING_TO_ACCEPT.has(r.status))
    .sort((a, b) => a.sentAt.localeCompare(b.sentAt))
    .map((r): TodayItem => ({ key: `accept-${r.id}`, kind: 'accept', to: inboxLink(r.id), intervention: r.intervention, organisation: r.senderOrganisation.name, date: r.sentAt }))
  const contact = inbox
    .filter((r) => r.status === 'geaccepteerd' && !r.firstContactAt && r.firstContactDue)
    .sort((a, b) => (a.firstContactDue ?? '').localeCompare(b.firstContactDue ?? ''))
    .map((r): TodayItem => ({ key: `contact-${r.id}`, kind: 'first-contact', to: inboxLink(r.id), intervention: r.intervention, organisation: r.senderOrganisation.name, date: r.firstContactDue!, overdue: r.overdue }))
  return [...accept, ...contact]
}

const sameName = (a: string | undefined, b: string) => !!a && a.trim().toLocaleLowerCase('nl') === b.trim().toLocaleLowerCase('nl')

/**
 * From the open cases: WoR first contacts (cases made without a referral in the inbox), evaluations
 * up to a week ahead (and late ones), the professional's own open small steps and the plan's
 * actions in their name not yet done. `today` is the region's date (core/clock.ts).
 */
export function caseItems(cases: readonly CaseRecord[], today: string, myName: string): TodayItem[] {
  const weekAhead = addDays(today, 7)
  const out: TodayItem[] = []
  for (const c of cases) {
    if (c.status !== 'open') continue
    const to = `/werk/casus/${c.id}`
    const name = c.resident.name || undefined
    if (c.pathway === 'wor' && !c.referral?.referralId && c.referral?.date && !c.wor?.firstContactDate) {
      const due = addDays(c.referral.date, FIRST_CONTACT_DAYS)
      if (due <= weekAhead) out.push({ key: `contact-${c.id}`, kind: 'first-contact', to, name, intervention: 'wor', date: due, overdue: due < today })
    }
    const evaluation = c.consultation?.evaluationDate
    // Held ("evaluatie gehouden op", issue 18): nothing left to do for it.
    if (evaluation && !c.consultation?.evaluationHeldOn && evaluation <= weekAhead) out.push({ key: `evaluation-${c.id}`, kind: 'evaluation', to, name, date: evaluation, overdue: evaluation < today })
    for (const s of c.steps) {
      if (s.done || s.who !== 'professional' || (s.whoName && !sameName(s.whoName, myName))) continue
      out.push({ key: `step-${c.id}-${s.id}`, kind: 'step', to, name, what: s.what, ...(s.when ? { date: s.when, overdue: s.when < today } : {}) })
    }
    // An action's `owner` is the name shown (kept in step with the participant chosen, `ownerId`),
    // and participants are not accounts: the name is what ties an action to this worker. Done ones are done.
    for (const a of c.consultation?.actions ?? []) {
      if (!a.done && sameName(a.owner, myName)) out.push({ key: `action-${c.id}-${a.id}`, kind: 'action', to: `/werk/casus/${c.id}/plan`, name, what: a.what })
    }
  }
  // Late first, then by date; items without a date last.
  return out.sort((a, b) => Number(!!b.overdue) - Number(!!a.overdue) || (a.date ?? '9').localeCompare(b.date ?? '9'))
}

/** The GP's sent referrals with an event after `seenAt` (their last look at the overview), newest first. */
export function gpNews(sent: readonly ListedReferral[], seenAt: string | null): TodayItem[] {
  return sent
    .flatMap((r) => {
      const last = r.events.filter((e) => e.kind !== 'ontvangen').reduce<string | undefined>((m, e) => (!m || e.at > m ? e.at : m), undefined)
      if (!last || (seenAt && last <= seenAt)) return []
      return [{ key: `news-${r.id}`, kind: 'gp-news' as const, to: '/verwijzen/overzicht', intervention: r.intervention, organisation: r.receivingOrganisation.name, what: r.status, date: last }]
    })
    .sort((a, b) => b.date.localeCompare(a.date))
}
