/** Recall@5 and "every expected service in the top 5" of the social map's search over a query set. */
import type { Service } from '../../src/shared/socialMap/hsds'
import { REGION_PLACES, searchDocumentOf } from '../../src/shared/socialMap/search/searchDocument'
import { SearchIndex } from '../../src/shared/socialMap/search/searchIndex'
import { SYNONYMS } from '../../src/shared/socialMap/search/synonyms'
import { placesOf } from '../../src/shared/socialMap/serviceFacts'
import type { QueryItem } from './searchQueries'

export interface Quality {
  recallAt5: number
  allInTop5: number
  /** The queries that miss an expected service, with the top 5 they got. */
  misses: { query: string; kern?: string; missing: string[]; top5: string[] }[]
}

export function indexOf(map: Service[]): SearchIndex {
  return SearchIndex.build(map.map(searchDocumentOf), SYNONYMS, REGION_PLACES)
}

export function qualityOf(map: Service[], index: SearchIndex, items: readonly QueryItem[]): Quality {
  let recall = 0
  let all = 0
  const misses: Quality['misses'] = []
  for (const item of items) {
    const kern = item.kern
    const allow = kern ? (p: number) => placesOf(map[p]!).villages.includes(kern) : undefined
    const top5 = index.search(item.query, { limit: 5, ...(allow ? { allow } : {}) }).ids
    const found = item.expected.filter((id) => top5.includes(id))
    recall += found.length / item.expected.length
    if (found.length === item.expected.length) all++
    else {
      const name = (id: string) => map.find((s) => s.id === id)?.name ?? id
      misses.push({ query: item.query, ...(kern ? { kern } : {}), missing: item.expected.filter((id) => !found.includes(id)).map(name), top5: top5.map(name) })
    }
  }
  return { recallAt5: recall / items.length, allInTop5: all / items.length, misses }
}
