/**
 * Query and filters live in the URL (shareable; the back button works). Reading a URL is
 * reading outside input: every value goes through Zod, and a bad one is dropped and noted.
 */
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import { filtersSchema, type Filters } from '../../data/protocol'

export interface SearchState {
  q: string
  filters: Filters
}

const FILTER_KEYS = ['gemeente', 'kern', 'domein', 'leeftijd', 'gratis', 'open', 'vorm'] as const

function single(v: LocationQuery[string] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v
  return typeof s === 'string' && s !== '' ? s : undefined
}

export function readSearchState(query: LocationQuery): { state: SearchState; dropped: string[] } {
  const filters: Filters = {}
  const dropped: string[] = []
  for (const key of FILTER_KEYS) {
    const raw = single(query[key])
    if (raw === undefined) continue
    const value = key === 'gratis' ? raw === '1' || raw === 'ja' : raw
    const parsed = filtersSchema.shape[key].safeParse(value)
    if (parsed.success && parsed.data !== undefined) Object.assign(filters, { [key]: parsed.data })
    else dropped.push(key)
  }
  const q = (single(query.q) ?? '').slice(0, 200)
  return { state: { q, filters }, dropped }
}

export function writeSearchState(state: SearchState): LocationQueryRaw {
  const out: LocationQueryRaw = {}
  if (state.q.trim()) out.q = state.q
  for (const key of FILTER_KEYS) {
    const v = state.filters[key]
    if (v === undefined || v === false || v === '') continue
    out[key] = v === true ? '1' : String(v)
  }
  return out
}
