/**
 * What a beheerder, a kaartbeheerder and the programme team find on "Vandaag": small pure functions
 * over what the API answers (api/organisations.ts, api/mapEditor.ts, api/kpi.ts).
 */
import type { Invitation, OrganisationDevice } from '../../api/organisations'
import type { EditorRow, Proposal, ServiceReportRow } from '../../api/mapEditor'
import type { Target, TotalsRow } from '../../api/kpi'
import { addDays } from '../../../shared/core/dates'
import { DEFAULT_MET_SHARE } from '../../../shared/kpi/snapshot'

export interface OrgWaiting {
  organisationId: string
  organisationName: string
  devicesPending: number
  invitationsOpen: number
}

/** Devices waiting for approval and invitations not yet used, per organisation the person manages. */
export function orgWaiting(organisationId: string, organisationName: string, devices: readonly Pick<OrganisationDevice, 'status'>[], invitations: readonly Pick<Invitation, 'expiresAt'>[], now: string): OrgWaiting {
  return {
    organisationId,
    organisationName,
    devicesPending: devices.filter((d) => d.status === 'pending').length,
    invitationsOpen: invitations.filter((i) => i.expiresAt > now).length,
  }
}

export interface MapWaiting {
  reports: number
  proposals: number
  /** Listings in use whose last check (assured date) is more than a year ago, or never: oldest first. */
  stale: { id: string; name: string; assuredDate: string | null }[]
}

/** A listing counts as checked for a year from its assured date. */
export function mapWaiting(reports: readonly Pick<ServiceReportRow, 'resolution'>[], proposals: readonly Pick<Proposal, 'status'>[], services: readonly EditorRow[], today: string): MapWaiting {
  const yearAgo = addDays(today, -365)
  return {
    reports: reports.filter((r) => r.resolution === null).length,
    proposals: proposals.filter((p) => p.status === 'open').length,
    stale: services
      .filter((s) => s.status !== 'defunct' && (!s.assuredDate || s.assuredDate < yearAgo))
      .sort((a, b) => (a.assuredDate ?? '').localeCompare(b.assuredDate ?? ''))
      .map((s) => ({ id: s.id, name: s.name, assuredDate: s.assuredDate })),
  }
}

export interface PeriodProgress {
  intervention: string
  included: number
  target: number
  /** Whole per cent of the target. */
  percent: number
  /** A KPI counts as met at DEFAULT_MET_SHARE (75 %) of its target. */
  met: boolean
}

/** The current period's inclusions per intervention against its targets (interventions without a target are left out). */
export function periodProgress(rows: readonly Pick<TotalsRow, 'intervention' | 'included'>[], targets: readonly Target[], period: string): PeriodProgress[] {
  return targets
    .filter((t) => t.period === period && t.target > 0)
    .map((t) => {
      const included = rows.filter((r) => r.intervention === t.intervention).reduce((n, r) => n + r.included, 0)
      const percent = Math.floor((included * 100) / t.target)
      return { intervention: t.intervention, included, target: t.target, percent, met: included >= t.target * DEFAULT_MET_SHARE }
    })
}
