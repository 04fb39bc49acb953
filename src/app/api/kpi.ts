/** Inclusion counts (/api/kpi): a device's counting id and snapshots; the programme team's figures, periods and targets. */
import type { CountSnapshot } from '../../shared/kpi/snapshot'
import type { AccountabilityPeriod } from '../../shared/kpi/accountability'
import type { TargetChange } from '../../shared/kpi/kpis'
import { counterSchema, evidenceFileSchema, measuresSchema, periodsSchema, snapshotAnswerSchema, targetsListSchema, targetsSavedSchema, totalsSchema, trendSchema } from '../../shared/api/kpi'
import { api } from '../core/http'

export type { Target, TotalsRow, TrendRow, MeasureTotal } from '../../shared/api/kpi'

/** A counting id for this device in its organisation (its live one if it has one). */
export const issueCounter = (organisationId: string) => api('POST', '/api/kpi/counters', counterSchema, { organisationId })
/** A restored backup: the counting id moves to this device. */
export const moveCounter = (counterId: string, from?: string) => api('POST', `/api/kpi/counters/${encodeURIComponent(counterId)}/move`, counterSchema, from ? { from } : {})
export const sendSnapshot = (snapshot: CountSnapshot) => api('POST', '/api/kpi/snapshots', snapshotAnswerSchema, snapshot)

/** One half-year's totals ("2026-H2"). */
export const getTotals = (halfYear: string) => api('GET', `/api/kpi/totals?period=${encodeURIComponent(halfYear)}`, totalsSchema)
/** One half-year's steering measures. */
export const getMeasures = (halfYear: string) => api('GET', `/api/kpi/measures?period=${encodeURIComponent(halfYear)}`, measuresSchema)
export const listTargets = async () => (await api('GET', '/api/kpi/targets', targetsListSchema)).targets
/** Sets (a number) or removes (null) targets per period, KPI and intervention; all or nothing. */
export const saveTargets = (targets: readonly (Omit<TargetChange, 'target'> & { target: number | null })[]) => api('PUT', '/api/kpi/targets', targetsSavedSchema, { targets })
export const getTrend = async () => (await api('GET', '/api/kpi/trend', trendSchema)).rows
export const listPeriods = async () => (await api('GET', '/api/kpi/periods', periodsSchema)).periods
export const savePeriods = async (periods: readonly AccountabilityPeriod[]) => (await api('PUT', '/api/kpi/periods', periodsSchema, { periods })).periods
/** One half-year's evidence file (src/shared/kpi/evidence.ts), checked against its schema: the period report quotes its digest. */
export const getEvidence = (halfYear: string) => api('GET', `/api/kpi/evidence?period=${encodeURIComponent(halfYear)}`, evidenceFileSchema)
