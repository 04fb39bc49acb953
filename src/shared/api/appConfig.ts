/**
 * GET /api/config: the few settings the app takes from the server. Today only the map's tile
 * source (docs/social-map-location.md, "Tiles"): MAP_TILE_URL and MAP_TILE_ATTRIBUTION on the
 * server, `null` for MAP_TILE_URL=none (markers on a plain background).
 */
import { z } from 'zod'

/** The Dutch government's public base map (PDOK BRT-Achtergrondkaart), raster tiles in Web Mercator. */
export const DEFAULT_MAP_TILES = {
  url: 'https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png',
  attribution: 'Kaartgegevens © Kadaster',
} as const

/** An http(s) tile URL template with {z}, {x} and {y}; plain http only for a local stub (tests, a LAN). */
export const tileUrlSchema = z
  .string()
  .max(500)
  .regex(/^https?:\/\/[^\s/?#'"]+\/[^\s'"]*$/, 'must be an http(s) URL')
  .refine((url) => ['{z}', '{x}', '{y}'].every((p) => url.includes(p)), 'must contain {z}, {x} and {y}')

export const mapTilesSchema = z.strictObject({
  url: tileUrlSchema,
  /** Plain text (the app shows it as text, never as HTML). */
  attribution: z.string().min(1).max(300),
})
export type MapTiles = z.infer<typeof mapTilesSchema>

export const appConfigSchema = z.strictObject({ mapTiles: mapTilesSchema.nullable() })
export type AppConfig = z.infer<typeof appConfigSchema>

/** The origin tiles come from, for the Content-Security-Policy's img-src. */
export function tileOrigin(url: string): string {
  return new URL(url.replaceAll(/\{[a-z]+\}/g, '0')).origin
}
