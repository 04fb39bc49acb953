/**
 * The steering measures of one or more half-years (GET /api/kpi/measures per half-year): the rows
 * per cell and organisation, and who reported. An accountability period covering several
 * half-years gets each of them; their rows add up (measureSums.ts), their contributions stay per
 * half-year (a device that reported in both is one device twice, not two).
 */
import type { Contribution, MeasureTotal } from '../../../shared/api/kpi'
import { getMeasures } from '../../api/kpi'

export interface HalfYearMeasures {
  halfYear: string
  rows: MeasureTotal[]
  contributions: Contribution[]
}

export async function loadMeasures(halfYears: readonly string[]): Promise<HalfYearMeasures[]> {
  return Promise.all(
    halfYears.map(async (halfYear) => {
      const answer = await getMeasures(halfYear)
      return { halfYear, rows: answer.rows, contributions: answer.contributions }
    }),
  )
}

/** The organisations' names by id, from every half-year's contributions. */
export function organisationNames(data: readonly HalfYearMeasures[]): Record<string, string> {
  return Object.fromEntries(data.flatMap((h) => h.contributions.map((c) => [c.organisationId, c.organisationName] as const)))
}
