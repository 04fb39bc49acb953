import { regionDate } from '../../shared/core/clock'
import type { Database } from '../db/types'
import { countServices, storeServices } from '../socialMap/repository'
import { buildExampleMap } from './exampleMap'

/**
 * Loads the example map into an empty database; returns how many services it stored. Its dates
 * count from the region's date (src/shared/core/clock.ts), not the UTC one.
 */
export async function seedExampleMapIfEmpty(db: Database, referenceDate = regionDate(Date.now())): Promise<number> {
  if ((await countServices(db)) > 0) return 0
  const services = buildExampleMap({ referenceDate })
  await storeServices(db, services)
  return services.length
}
