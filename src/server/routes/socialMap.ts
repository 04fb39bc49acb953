import { Hono } from 'hono'
import type { PublishedMapCache } from '../socialMap/publishedMap'

/** GET /api/social-map: the whole published map, gzip when the client accepts it, 304 on a matching ETag. */
export function socialMapRoutes(cache: PublishedMapCache) {
  return new Hono().get('/', async (c) => {
    const map = await cache.get()
    const headers: Record<string, string> = {
      ETag: map.etag,
      'Cache-Control': 'no-cache',
      Vary: 'Accept-Encoding',
      'X-Map-Version': String(map.version),
    }
    const inm = c.req.header('If-None-Match')
    if (inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === map.etag)) {
      return c.body(null, 304, headers)
    }
    const gzip = /\bgzip\b/.test(c.req.header('Accept-Encoding') ?? '')
    const body = gzip ? map.gzip : map.json
    return c.body(new Uint8Array(body), 200, {
      ...headers,
      'Content-Type': 'application/json; charset=utf-8',
      ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
    })
  })
}
