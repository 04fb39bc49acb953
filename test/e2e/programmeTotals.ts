/**
 * The programme team's view of the counts (GET /api/kpi/totals): what the phones' signed count
 * snapshots add up to on the server, for Welzijn op Recept in the current period. Browser tests of
 * "counted once" (docs/case-sync.md "The team" and "Recovery") poll it while the phones sync.
 */
import { regionDate } from '../../src/shared/core/clock'
import { periodOf } from '../../src/shared/kpi/period'
import { ApiClient } from './apiClient'
import type { Organisation } from './socialWorkerPhone'

export interface WorTotals {
  referred: number
  included: number
}

/** Invites a programma account in the organisation (the region's first) and returns a reader of the totals. */
export async function programmeTotals({ h, admin, organisationId }: Organisation, password: string): Promise<() => Promise<WorTotals>> {
  await admin.invite(organisationId, { email: 'cijfers@welzijn.example', name: 'Pia Programma', role: 'programma' }, password)
  const programme = new ApiClient(h.baseUrl)
  await programme.signInFirstTime('cijfers@welzijn.example', password)
  return async () => {
    const { rows } = await programme.call<{ rows: ({ intervention: string } & WorTotals)[] }>('GET', `/api/kpi/totals?period=${periodOf(regionDate(new Date()))}`)
    const wor = rows.filter((r) => r.intervention === 'wor')
    return { referred: wor.reduce((n, r) => n + r.referred, 0), included: wor.reduce((n, r) => n + r.included, 0) }
  }
}
