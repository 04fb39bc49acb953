/**
 * Query and filters live in the URL (shareable; the back button works). Reading a URL is
 * reading outside input: every value goes through Zod, and a bad one is dropped and noted.
 * The parsing runs in the data worker, so the page's start-up bundle carries no Zod.
 */
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import type { Filters } from './protocol'

export interface SearchState {
  q: string
  filters: Filters
}

export const FILTER_KEYS = ['gemeente', 'kern', 'domein', 'leeftijd', 'gratis', 'open', 'vorm'] as const

function single(v: LocationQuery[string] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v
  return typeof s === 'string' && s !== '' ? s : undefined
}

/** The URL's filter values as plain strings, for the worker to check (page side, no Zod). */
export function rawSearchState(query: LocationQuery): { q: string; raw: Record<string, string> } {
  const raw: Record<string, string> = {}
  for (const key of FILTER_KEYS) {
    const v = single(query[key])
    if (v !== undefined) raw[key] = v.slice(0, 200)
  }
  return { q: (single(query.q) ?? '').slice(0, 200), raw }
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
