/**
 * The case flow's activity search (Welzijn op Recept: match an activity from the social map).
 * It looks in the resident's own municipality by default; a place named in the query
 * ("wandelgroep oss") wins over that default, so the coach finds the walking groups of Oss for
 * a resident of Bernheze instead of the query's place being dropped for the resident's.
 */
import type { Municipality } from '../../../shared/socialMap/places'
import type { ServiceSummary, WorkerAnswers } from '../socialMap/data/protocol'

export type ActivitySearch = (query: string, rawFilters: Record<string, string>, limit: number) => Promise<Pick<WorkerAnswers['search'], 'items' | 'places'>>

export async function findActivities(search: ActivitySearch, query: string, home: Municipality | undefined, limit: number): Promise<ServiceSummary[]> {
  const nearHome = await search(query, home ? { gemeente: home } : {}, limit)
  if (!home || nearHome.places.length === 0) return nearHome.items
  return (await search(query, {}, limit)).items
}
