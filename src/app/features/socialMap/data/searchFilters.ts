/** Worker side of reading the URL: each filter value checked with Zod; a bad one is dropped and named. */
import type { LocationQuery } from 'vue-router'
import { filtersSchema, type Filters } from './protocol'
import { FILTER_KEYS, rawSearchState, type SearchState } from './searchState'

/** Checks the URL's filter values (worker side); a bad value is dropped and named. */
export function readFilters(rawValues: Record<string, string>): { filters: Filters; dropped: string[] } {
  const filters: Filters = {}
  const dropped: string[] = []
  for (const key of FILTER_KEYS) {
    const raw = rawValues[key]
    if (raw === undefined) continue
    const value = key === 'gratis' ? raw === '1' || raw === 'ja' : raw
    const parsed = filtersSchema.shape[key].safeParse(value)
    if (parsed.success && parsed.data !== undefined) Object.assign(filters, { [key]: parsed.data })
    else dropped.push(key)
  }
  return { filters, dropped }
}

/** Both steps at once (tests, and any caller that may use Zod). */
export function readSearchState(query: LocationQuery): { state: SearchState; dropped: string[] } {
  const { q, raw } = rawSearchState(query)
  const { filters, dropped } = readFilters(raw)
  return { state: { q, filters }, dropped }
}
