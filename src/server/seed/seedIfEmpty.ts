import type { Database } from '../db/types'
import { countServices, storeServices } from '../socialMap/repository'
import { buildExampleMap } from './exampleMap'

/** Loads the example map into an empty database; returns how many services it stored. */
export async function seedExampleMapIfEmpty(db: Database, referenceDate = new Date().toISOString().slice(0, 10)): Promise<number> {
  if ((await countServices(db)) > 0) return 0
  const services = buildExampleMap({ referenceDate })
  await storeServices(db, services)
  return services.length
}
