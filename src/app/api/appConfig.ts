/** GET /api/config: the map's tile source. Offline with no copy in the service worker: PDOK's base map (it will not load either, and the map says so). */
import { appConfigSchema, DEFAULT_MAP_TILES, type MapTiles } from '../../shared/api/appConfig'
import { api } from '../core/http'

export type { MapTiles }

export async function mapTileSource(): Promise<MapTiles | null> {
  try {
    return (await api('GET', '/api/config', appConfigSchema)).mapTiles
  } catch (e) {
    console.warn('GET /api/config failed; using the default tiles', e)
    return { ...DEFAULT_MAP_TILES }
  }
}
