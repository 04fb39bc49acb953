/**
 * What a beheerder, a kaartbeheerder and the programme team find on "Vandaag": small pure functions
 * over what the API answers (api/organisations.ts, api/mapEditor.ts, api/kpi.ts).
 */
import type { Invitation, OrganisationDevice } from '../../api/organisations'
import type { EditorRow, Proposal, ServiceReportRow } from '../../api/mapEditor'
import type { Target } from '../../api/kpi'
import { addDays } from '../../../shared/core/dates'
import { INTERVENTION_IDS, type InterventionId } from '../../../shared/interventions'
import type { AccountabilityPeriod } from '../../../shared/kpi/accountability'
import { KPI_IDS, kpiValue, verdictOf, type HalfYearFigures, type KpiId } from '../../../shared/kpi/kpis'

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
  /** Residents' proposed initiatives waiting for an editor (docs/initiatives.md). */
  initiatives: number
  /** Listings in use whose last check (assured date) is more than a year ago, or never: oldest first. */
  stale: { id: string; name: string; assuredDate: string | null }[]
}

/** A listing counts as checked for a year from its assured date. */
export function mapWaiting(reports: readonly Pick<ServiceReportRow, 'resolution'>[], proposals: readonly Pick<Proposal, 'status'>[], services: readonly EditorRow[], today: string, initiatives = 0): MapWaiting {
  const yearAgo = addDays(today, -365)
  return {
    reports: reports.filter((r) => r.resolution === null).length,
    proposals: proposals.filter((p) => p.status === 'open').length,
    initiatives,
    stale: services
      .filter((s) => s.status !== 'defunct' && (!s.assuredDate || s.assuredDate < yearAgo))
      .sort((a, b) => (a.assuredDate ?? '').localeCompare(b.assuredDate ?? ''))
      .map((s) => ({ id: s.id, name: s.name, assuredDate: s.assuredDate })),
  }
}

export interface PeriodProgress {
  intervention: InterventionId
  kpi: KpiId
  /** The KPI's value in the period; undefined while there are no figures for it (a share without measures). */
  value: number | undefined
  target: number
  /** Whole per cent of the target; undefined without a value. */
  percent: number | undefined
  /** A KPI counts as met at DEFAULT_MET_SHARE (75 %) of its target (kpis.ts verdictOf). */
  met: boolean | undefined
}

/**
 * The current accountability period's KPIs against their targets (targets of 0 and KPIs without
 * a target are left out), in the catalogue's order per intervention.
 */
export function periodProgress(period: AccountabilityPeriod, figures: readonly HalfYearFigures[], targets: readonly Target[]): PeriodProgress[] {
  return targets
    .filter((t) => t.period === period.id && t.target > 0)
    .sort((a, b) => INTERVENTION_IDS.indexOf(a.intervention) - INTERVENTION_IDS.indexOf(b.intervention) || KPI_IDS.indexOf(a.kpi) - KPI_IDS.indexOf(b.kpi))
    .map((t) => {
      const v = verdictOf(kpiValue(t.kpi, t.intervention, period, figures), t.target)
      return { intervention: t.intervention, kpi: t.kpi, value: v.value, target: t.target, percent: v.ofTarget === undefined ? undefined : Math.floor(v.ofTarget), met: v.met }
    })
}
