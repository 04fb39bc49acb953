import { gzipSync } from 'node:zlib'
import { Hono } from 'hono'
import { z } from 'zod'
import type { PublishedMapCache } from '../socialMap/publishedMap'
import type { FullReason } from '../socialMap/mapDelta'

/** The version a phone holds: `since` (a map version) and `at` (its publishedAt, as the server sent it). */
const heldSchema = z.object({
  since: z.string().regex(/^\d{1,9}$/).transform(Number),
  at: z.iso.datetime(),
})

/**
 * GET /api/social-map: the whole published map, gzip when the client accepts it, 304 on a matching
 * ETag; with `?since=<version>&at=<publishedAt>` only what changed since then, or the full map
 * when that version is unknown, ahead or garbled (docs/social-map-sync.md).
 */
export function socialMapRoutes(cache: PublishedMapCache) {
  return new Hono().get('/', async (c) => {
    const gzip = /\bgzip\b/.test(c.req.header('Accept-Encoding') ?? '')
    let fallback: FullReason | undefined
    if (c.req.query('since') !== undefined) {
      const held = heldSchema.safeParse({ since: c.req.query('since'), at: c.req.query('at') })
      const result = held.success ? await cache.delta({ version: held.data.since, publishedAt: held.data.at }) : { kind: 'full' as const, fullBecause: 'garbage' as const }
      if (result.kind === 'delta') {
        const json = Buffer.from(JSON.stringify(result.delta))
        // Small, and different for every held version: made per request, not kept.
        const body = gzip ? gzipSync(json) : json
        return c.body(new Uint8Array(body), 200, {
          'Cache-Control': 'no-cache',
          Vary: 'Accept-Encoding',
          'X-Map-Version': String(result.delta.version),
          'X-Map-Answer': 'delta',
          'Content-Type': 'application/json; charset=utf-8',
          ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
        })
      }
      fallback = result.fullBecause
    }
    const map = await cache.get()
    const headers: Record<string, string> = {
      ETag: map.etag,
      'Cache-Control': 'no-cache',
      Vary: 'Accept-Encoding',
      'X-Map-Version': String(map.version),
      'X-Map-Answer': fallback ? `full; reason=${fallback}` : 'full',
    }
    const inm = c.req.header('If-None-Match')
    if (inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === map.etag)) {
      return c.body(null, 304, headers)
    }
    const body = gzip ? map.gzip : map.json
    return c.body(new Uint8Array(body), 200, {
      ...headers,
      'Content-Type': 'application/json; charset=utf-8',
      ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
    })
  })
}
