/** The three engines the benchmark compares, behind one small interface. */
import Fuse from 'fuse.js'
import MiniSearch from 'minisearch'
import type { Service } from '../src/shared/socialMap/hsds'
import { LIFE_DOMAIN_NAMES } from '../src/shared/socialMap/lifeDomains'
import { REGION_PLACES, searchDocumentOf } from '../src/shared/socialMap/search/searchDocument'
import { foldText } from '../src/shared/socialMap/search/normalise'
import { SearchIndex } from '../src/shared/socialMap/search/searchIndex'
import { SYNONYMS } from '../src/shared/socialMap/search/synonyms'
import { lifeDomainsOf, placesOf } from '../src/shared/socialMap/serviceFacts'

export interface Engine {
  name: string
  build(services: Service[]): void
  search(query: string): number
}

interface FlatDoc {
  id: string
  name: string
  category: string
  description: string
  place: string
}

const flat = (s: Service): FlatDoc => ({
  id: s.id,
  name: s.name,
  category: lifeDomainsOf(s).map((d) => LIFE_DOMAIN_NAMES[d]).join(' '),
  description: s.description ?? '',
  place: placesOf(s).villages.join(' '),
})

export function ours(): Engine {
  let index: SearchIndex
  return {
    name: 'samenwerkwijze',
    build: (services) => (index = SearchIndex.build(services.map(searchDocumentOf), SYNONYMS, REGION_PLACES)),
    search: (q) => index.search(q, { limit: 30 }).total,
  }
}

export function miniSearch(): Engine {
  let index: MiniSearch<FlatDoc>
  return {
    name: 'minisearch',
    build(services) {
      index = new MiniSearch<FlatDoc>({
        fields: ['name', 'category', 'description', 'place'],
        processTerm: (t) => foldText(t),
        searchOptions: { boost: { name: 3, category: 2 }, prefix: true, fuzzy: 0.2 },
      })
      index.addAll(services.map(flat))
    },
    search: (q) => index.search(q).length,
  }
}

export function fuse(): Engine {
  let index: Fuse<FlatDoc>
  return {
    name: 'fuse',
    build(services) {
      index = new Fuse(services.map(flat), {
        keys: [
          { name: 'name', weight: 3 },
          { name: 'category', weight: 2 },
          { name: 'description', weight: 1 },
          { name: 'place', weight: 1 },
        ],
        ignoreLocation: true,
        ignoreDiacritics: true,
        threshold: 0.35,
      })
    },
    search: (q) => index.search(q, { limit: 30 }).length,
  }
}
