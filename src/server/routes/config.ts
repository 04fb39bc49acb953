/** GET /api/config: public settings for the app (the map's tile source). Nothing about a person. */
import { Hono } from 'hono'
import type { MapTiles } from '../../shared/api/appConfig'
import { reply } from '../http/reply'

export function configRoutes(mapTiles: MapTiles | null) {
  return new Hono().get('/', (c) => {
    // Public and the same for everyone; the app's service worker keeps a copy for offline use.
    c.header('Cache-Control', 'public, max-age=300')
    return reply(c, 'GET /api/config', { mapTiles })
  })
}
