/** Turns an HSDS service into the weighted text the search index reads. */
import type { Service } from '../hsds'
import { LIFE_DOMAIN_NAMES } from '../lifeDomains'
import { MUNICIPALITIES, VILLAGES } from '../places'
import { lifeDomainsOf, placesOf } from '../serviceFacts'
import type { SearchDocument, SearchField } from './searchIndex'

/** Name over category and keywords over description (the field weights). */
export const FIELD_WEIGHTS = { name: 3, alternateName: 2.5, category: 2, keyword: 2, organization: 1.5, description: 1 } as const

export function searchDocumentOf(service: Service): SearchDocument {
  const w = FIELD_WEIGHTS
  const fields: SearchField[] = [
    { text: service.name, weight: w.name },
    { text: service.alternate_name ?? '', weight: w.alternateName },
    { text: lifeDomainsOf(service).map((d) => LIFE_DOMAIN_NAMES[d]).join(' '), weight: w.category },
    {
      text: (service.attributes ?? [])
        .map((a) => a.taxonomy_term?.name ?? '')
        .join(' '),
      weight: w.category,
    },
    // HSDS attributes without a taxonomy term: the listing's own keywords (link_type "keyword").
    { text: (service.attributes ?? []).map((a) => (a.taxonomy_term ? '' : (a.value ?? ''))).join(' '), weight: w.keyword },
    { text: service.organization?.name ?? '', weight: w.organization },
    { text: service.description ?? '', weight: w.description },
  ]
  for (const t of Object.values(service.x_translations ?? {})) {
    fields.push({ text: t.name ?? '', weight: w.name * 0.8 }, { text: t.description ?? '', weight: w.description * 0.8 })
  }
  const { municipalities, villages } = placesOf(service)
  return { id: service.id, fields: fields.filter((f) => f.text), places: [...villages, ...municipalities] }
}

/** Every village and municipality name of the region. */
export const REGION_PLACES: readonly string[] = [...MUNICIPALITIES, ...MUNICIPALITIES.flatMap((m) => VILLAGES[m])]
