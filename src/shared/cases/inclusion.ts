/**
 * Moments of inclusion and completion (domain.md, product rules until the region says
 * otherwise): WoR = intake held; VG = conversation held; Sociaal Arrangeren = arrangement
 * started after intake; Samenwerkwijze = overleg held and plan set. Completion = the case
 * closed after inclusion. These feed the clear index fields and, later, the KPI counts.
 */
import { periodOf, type Period } from '../kpi/period'
import type { CaseRecord } from './v1'

export interface CaseMoments {
  referredAt?: string
  includedAt?: string
  completedAt?: string
  period?: Period
}

export function inclusionDate(c: CaseRecord): string | undefined {
  switch (c.pathway) {
    case 'wor':
      return c.wor?.intakeDate
    case 'vg':
      return c.vg?.conversationDate
    case 'sa':
      return c.sa?.triage === 'arrangement' && c.sa.intakeDate && c.sa.arrangementStartDate && c.sa.arrangementStartDate >= c.sa.intakeDate
        ? c.sa.arrangementStartDate
        : undefined
    case 'samenwerkwijze':
      return c.consultation?.date && c.consultation.actions.some((a) => a.what.trim()) ? c.consultation.date : undefined
  }
}

export function caseMoments(c: CaseRecord): CaseMoments {
  const includedAt = inclusionDate(c)
  const completedAt = includedAt && c.status === 'closed' && c.closedAt ? c.closedAt : undefined
  const referredAt = c.referral?.date ?? c.createdAt.slice(0, 10)
  return { referredAt, ...(includedAt ? { includedAt, period: periodOf(includedAt) } : {}), ...(completedAt ? { completedAt } : {}) }
}

/** WoR: the coach contacts the resident within two weeks of the referral (domain.md). */
export const WOR_FIRST_CONTACT_DAYS = 14

const dayNumber = (d: string) => Math.floor(Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10))) / 86_400_000)

/** Days left until first contact is due (negative: overdue); undefined when done or not a WoR case. */
export function firstContactDaysLeft(c: CaseRecord, today: string): number | undefined {
  if (c.pathway !== 'wor' || c.wor?.firstContactDate || !c.referral?.date) return undefined
  return dayNumber(c.referral.date) + WOR_FIRST_CONTACT_DAYS - dayNumber(today)
}
