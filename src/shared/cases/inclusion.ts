/**
 * Moments of inclusion (per intervention, in interventions.ts) and completion: the case closed
 * after inclusion. These feed the clear index fields and, later, the KPI counts.
 */
import { periodOf, type Period } from '../kpi/period'
import type { CaseRecord } from './v2'
import { daysBetween } from '../core/dates'
import { regionDate } from '../core/clock'
import { interventionOf } from '../interventions'

export interface CaseMoments {
  referredAt?: string
  includedAt?: string
  completedAt?: string
  period?: Period
}

export function inclusionDate(c: CaseRecord): string | undefined {
  return interventionOf(c.pathway).includedOn(c)
}

export function caseMoments(c: CaseRecord): CaseMoments {
  const includedAt = inclusionDate(c)
  const completedAt = includedAt && c.status === 'closed' && c.closedAt ? c.closedAt : undefined
  // A case without a referral date counts as referred on the region's date it was made.
  const referredAt = c.referral?.date ?? regionDate(new Date(c.createdAt))
  return { referredAt, ...(includedAt ? { includedAt, period: periodOf(includedAt) } : {}), ...(completedAt ? { completedAt } : {}) }
}

/** Days left until first contact is due (negative: overdue); undefined when done or the intervention sets no term. */
export function firstContactDaysLeft(c: CaseRecord, today: string): number | undefined {
  const term = interventionOf(c.pathway).firstContactDays
  if (term === undefined || c.wor?.firstContactDate || !c.referral?.date) return undefined
  return term - daysBetween(c.referral.date, today)
}
