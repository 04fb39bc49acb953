/** The HTTP application: API under /api, the PWA for everything else. */
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { compress } from 'hono/compress'
import { HTTPException } from 'hono/http-exception'
import { createLogger, type Logger } from './log'
import type { Database } from './db/types'
import { loadUser, sameOrigin, type AppEnv } from './auth/middleware'
import { HashingBusyError } from './auth/passwords'
import { guardKeys, SignInGuard } from './auth/signIn'
import { isHttps } from './http/client'
import { problem } from './http/problem'
import { linkRoutes } from './routes/links'
import { regionRoutes } from './routes/region'
import { authRoutes } from './routes/auth'
import { caseSyncRoutes } from './routes/caseSync'
import { caseTeamRoutes } from './routes/caseTeam'
import { caseRecoveryRoutes } from './routes/caseRecovery'
import { deviceRoutes } from './routes/devices'
import { healthRoutes, type Readiness } from './routes/health'
import { referralRoutes } from './routes/referrals'
import { kpiRoutes } from './routes/kpi'
import { mapEditorRoutes } from './routes/mapEditor'
import { mapRoomRoutes } from './routes/mapRoom'
import { methodRoutes } from './routes/method'
import { organisationRoutes } from './routes/organisations'
import { reportRoutes } from './routes/reports'
import { initiativeRoutes } from './routes/initiatives'
import { initiativeEditorRoutes } from './routes/initiativeEditor'
import { helpRequestRoutes } from './routes/helpRequests'
import { residentPlanRoutes } from './routes/residentPlans'
import { planRoutes } from './routes/plans'
import { socialMapRoutes } from './routes/socialMap'
import { securityHeaders } from './security'
import { configRoutes } from './routes/config'
import { DEFAULT_MAP_TILES, tileOrigin, type MapTiles } from '../shared/api/appConfig'
import { DEFAULT_OFFLINE_DAYS } from '../shared/devices/deviceTrust'
import { PublishedMapCache } from './socialMap/publishedMap'
import { staticFiles } from './staticFiles'

export const MAX_BODY_BYTES = 64 * 1024

export interface AppOptions {
  staticDir?: string
  logger?: Logger
  /** Sign-in limits and clock; tests pass their own. */
  guard?: SignInGuard
  /** Reverse proxies in front whose X-Forwarded-For/-Proto are believed (TRUST_PROXY; 0: none). */
  trustedProxies?: number
  /** Encrypts secrets at rest (secrets/serverKey.ts). */
  serverKey: Buffer
  /** Turns GET /api/health/ready to 503 once the process is stopping (main.ts). */
  readiness?: Readiness
  /** Days without contact after which a device keeps its data locked (DEVICE_OFFLINE_DAYS; docs/device-trust.md). */
  deviceOfflineDays?: number
  /** The map view's tile source (MAP_TILE_URL, MAP_TILE_ATTRIBUTION); null: none; absent: PDOK's base map. */
  mapTiles?: MapTiles | null
}

export function createApp(db: Database, options: AppOptions) {
  const logger = options.logger ?? createLogger()
  const app = new Hono<AppEnv>()
  const proxy = { trustedProxies: options.trustedProxies ?? 0 }
  const guard = options.guard ?? new SignInGuard()
  const deps = { db, guard, keys: guardKeys(options.serverKey), proxy }
  const mapTiles = options.mapTiles === undefined ? { ...DEFAULT_MAP_TILES } : options.mapTiles
  app.use(securityHeaders(mapTiles ? tileOrigin(mapTiles.url) : undefined))
  app.use(async (c, next) => {
    await next()
    // Browsers remember HTTPS-only for a year once they have seen it over HTTPS.
    if (isHttps(c, proxy)) c.res.headers.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
  })
  app.use('/api/*', async (c, next) => {
    const start = performance.now()
    await next()
    // The route template ("/api/orgs/:orgId/members"), never the concrete path with its ids.
    logger.info({ method: c.req.method, route: c.req.routePath, status: c.res.status, ms: Math.round(performance.now() - start) }, 'request')
  })
  app.use('/api/*', async (c, next) => {
    await next()
    // Answers about people and their work stay out of every cache; the public map sets its own.
    if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store')
  })
  app.use('/api/*', sameOrigin)
  app.use('/api/*', loadUser(db, proxy))
  const limit = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => problem(c, 413, 'too-large', `The body is larger than ${MAX_BODY_BYTES / 1024} KB.`) })
  // Publishing a method definition, a case's sync writes, a resident's plan and a count snapshot have their own, larger limits
  // (routes/method.ts, routes/caseSync.ts, routes/residentPlans.ts, routes/plans.ts, routes/kpi.ts, after the role checks).
  const ownLimit = (method: string, path: string) =>
    (method === 'POST' && (path === '/api/method' || path.startsWith('/api/case-sync/docs') || path === '/api/resident-plans' || path === '/api/kpi/snapshots')) ||
    (method === 'PUT' && (/^\/api\/resident-plans\/[^/]+$/.test(path) || /^\/api\/plans\/[^/]+$/.test(path)))
  app.use('/api/*', (c, next) => (ownLimit(c.req.method, c.req.path) ? next() : limit(c, next)))
  app.route('/api/health', healthRoutes(db, options.readiness))
  app.route('/api/config', configRoutes(mapTiles))
  app.route('/api/social-map', socialMapRoutes(new PublishedMapCache(db)))
  app.route('/api/reports', reportRoutes(deps))
  app.route('/api/initiatives', initiativeRoutes(deps))
  app.route('/api/help-requests', helpRequestRoutes(deps))
  app.route('/api/auth', authRoutes(deps))
  app.route('/api/links', linkRoutes(deps))
  app.route('/api/region', regionRoutes(deps))
  app.route('/api/orgs', organisationRoutes(deps))
  app.route('/api/devices', deviceRoutes({ ...deps, now: guard.now, offlineDays: options.deviceOfflineDays ?? DEFAULT_OFFLINE_DAYS }))
  app.route('/api/map', mapRoomRoutes(db, guard.now))
  app.route('/api/map', mapEditorRoutes(db))
  app.route('/api/map', initiativeEditorRoutes(db, guard.now))
  app.route('/api/kpi', kpiRoutes(db))
  app.route('/api/method', methodRoutes(db, guard.now))
  app.route('/api/referrals', referralRoutes(db, guard.now))
  app.route('/api/case-sync/recovery', caseRecoveryRoutes(db, guard.now))
  app.route('/api/case-sync', caseTeamRoutes(db, guard.now))
  app.route('/api/case-sync', caseSyncRoutes(db, guard.now))
  app.route('/api/resident-plans', residentPlanRoutes(db, guard.now))
  app.route('/api/plans', planRoutes(db, guard.now))
  app.all('/api/*', (c) => problem(c, 404, 'not-found', 'Not found'))
  if (options.staticDir) {
    app.use('*', compress())
    app.get('*', staticFiles(options.staticDir))
  }
  app.onError((err, c) => {
    if (err instanceof HTTPException) return problem(c, err.status, 'bad-request', err.message || 'Bad request')
    // Too many password hashes at once anywhere (sign-in, a new password, a link): try again shortly.
    if (err instanceof HashingBusyError) {
      c.header('Retry-After', '2')
      return problem(c, 503, 'busy', 'The server is busy. Try again in a moment.', { retryAfter: 2 })
    }
    // Log the kind of failure, never request bodies (they may hold personal data).
    logger.error({ route: c.req.routePath, error: err.name }, 'request failed')
    return problem(c, 500, 'server-error', 'Something went wrong on the server. Please try again later.')
  })
  return app
}
