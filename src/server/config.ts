/** Server settings from the environment, validated once at start. */
import { z } from 'zod'
import type { DatabaseTarget } from './db/database'
import { DEFAULT_OFFLINE_DAYS } from '../shared/devices/deviceTrust'
import { DEFAULT_MAP_TILES, tileUrlSchema, type MapTiles } from '../shared/api/appConfig'

const envSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65_535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().optional(),
  STATIC_DIR: z.string().default('./dist'),
  /** 32 random bytes in base64 that encrypt secrets at rest; required on PostgreSQL (secrets/serverKey.ts). */
  SERVER_KEY: z.string().optional(),
  /** How many reverse proxies sit in front and set X-Forwarded-For/-Proto (0: none, believe no such header). */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  /** Sign-in attempts per minute: per address, per account. Raise only for load tests. */
  SIGN_IN_LIMITS: z
    .string()
    .regex(/^\d+,\d+$/, 'must be two numbers like 30,10')
    .default('30,10')
    .transform((s) => s.split(',').map(Number) as [number, number]),
  /** Days a device may go without reaching the server before it keeps its data locked (docs/device-trust.md). */
  DEVICE_OFFLINE_DAYS: z.coerce.number().int().min(1).max(365).default(DEFAULT_OFFLINE_DAYS),
  /** The map view's raster tiles ({z}/{x}/{y}); `none`: markers on a plain background (docs/social-map-location.md). */
  MAP_TILE_URL: z.union([z.literal('none'), tileUrlSchema]).default(DEFAULT_MAP_TILES.url),
  /** Shown on the map as plain text; set it with MAP_TILE_URL when the tiles come from elsewhere. */
  MAP_TILE_ATTRIBUTION: z.string().min(1).max(300).default(DEFAULT_MAP_TILES.attribution),
})
export type ServerConfig = z.infer<typeof envSchema>

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = envSchema.safeParse(env)
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw new Error(`Invalid settings in the environment: ${reasons}`)
  }
  if (parsed.data.DATABASE_URL && !/^postgres(ql)?:\/\//.test(parsed.data.DATABASE_URL)) {
    throw new Error('DATABASE_URL must start with postgres:// or postgresql://')
  }
  return parsed.data
}

/** The tile source the app is told about (GET /api/config); null: no tiles. */
export function mapTiles(config: Pick<ServerConfig, 'MAP_TILE_URL' | 'MAP_TILE_ATTRIBUTION'>): MapTiles | null {
  return config.MAP_TILE_URL === 'none' ? null : { url: config.MAP_TILE_URL, attribution: config.MAP_TILE_ATTRIBUTION }
}

/** Where the data lives: PostgreSQL when DATABASE_URL is set, else PGlite in DATA_DIR. */
export function databaseTarget(config: ServerConfig): DatabaseTarget {
  return config.DATABASE_URL ? { kind: 'postgres', url: config.DATABASE_URL } : { kind: 'pglite', dataDir: config.DATA_DIR }
}
