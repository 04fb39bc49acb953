/** Inclusion counts (/api/kpi): a device's counting id and snapshots; the programme team's figures and targets. */
import type { z } from 'zod'
import type { CountSnapshot, targetsSchema } from '../../shared/kpi/snapshot'
import { counterSchema, snapshotAnswerSchema, targetsListSchema, targetsSavedSchema, totalsSchema, trendSchema } from '../../shared/api/kpi'
import { api } from '../core/http'

export type { Target, TotalsRow, TrendRow } from '../../shared/api/kpi'

/** A counting id for this device in its organisation (its live one if it has one). */
export const issueCounter = (organisationId: string) => api('POST', '/api/kpi/counters', counterSchema, { organisationId })
/** A restored backup: the counting id moves to this device. */
export const moveCounter = (counterId: string, from?: string) => api('POST', `/api/kpi/counters/${encodeURIComponent(counterId)}/move`, counterSchema, from ? { from } : {})
export const sendSnapshot = (snapshot: CountSnapshot) => api('POST', '/api/kpi/snapshots', snapshotAnswerSchema, snapshot)

export const getTotals = (period: string) => api('GET', `/api/kpi/totals?period=${encodeURIComponent(period)}`, totalsSchema)
export const listTargets = async () => (await api('GET', '/api/kpi/targets', targetsListSchema)).targets
export const saveTargets = (targets: z.input<typeof targetsSchema>) => api('PUT', '/api/kpi/targets', targetsSavedSchema, targets)
export const getTrend = async () => (await api('GET', '/api/kpi/trend', trendSchema)).rows
