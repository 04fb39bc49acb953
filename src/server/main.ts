/** Starts one Node process serving the PWA and the API (embedded database in DATA_DIR, or PostgreSQL); stops gracefully on SIGTERM/SIGINT. */
import { serve } from '@hono/node-server'
import { createApp } from './app'
import { databaseTarget, mapTiles, readConfig } from './config'
import { openDatabase } from './db/database'
import { DataDirBusyError, lockDataDir } from './db/dataDirLock'
import { countUsers, newBootstrapCode } from './auth/accounts'
import { SignInGuard } from './auth/signIn'
import { createLogger } from './log'
import { seedExampleMapIfEmpty } from './seed/seedIfEmpty'
import { seedBundledMethod } from './method/repository'
import { loadServerKey } from './secrets/serverKey'
import { announceBootstrapCode, forgetBootstrapCode } from './bootstrapLink'
import { Readiness } from './routes/health'
import { shutDown } from './shutdown'

async function main() {
  const config = readConfig()
  const target = databaseTarget(config)
  let release: () => void = () => {}
  try {
    // PGlite lets one process own its data directory; PostgreSQL takes many clients.
    if (target.kind === 'pglite') release = lockDataDir(config.DATA_DIR, 'server')
  } catch (e) {
    if (e instanceof DataDirBusyError) {
      console.error(e.message)
      process.exit(1)
    }
    throw e
  }
  const serverKey = loadServerKey({ envKey: config.SERVER_KEY, dataDir: config.DATA_DIR, embedded: target.kind === 'pglite' })
  const db = await openDatabase(target)
  const seeded = await seedExampleMapIfEmpty(db)
  if (seeded) console.log(`The social map was empty: loaded ${seeded} example services (voorbeeldgegevens).`)
  // Every region starts from the bundled method as version 1 (docs/method.md); a no-op once stored.
  if (await seedBundledMethod(db)) console.log('The method was empty: stored the bundled method as version 1.')
  const readiness = new Readiness()
  const app = createApp(db, { serverKey, staticDir: config.STATIC_DIR, logger: createLogger(), trustedProxies: config.TRUST_PROXY, guard: new SignInGuard(Date.now, config.SIGN_IN_LIMITS), readiness, deviceOfflineDays: config.DEVICE_OFFLINE_DAYS, mapTiles: mapTiles(config) })
  // Nobody can sign in yet: a one-time code lets the first beheerder set up their organisation.
  const bootstrapCode = (await countUsers(db)) === 0 ? await newBootstrapCode(db) : undefined
  if (!bootstrapCode) forgetBootstrapCode(config.DATA_DIR)
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    console.log(`Samenwerkwijze is running on http://localhost:${info.port} (database: ${target.kind === 'pglite' ? `pglite in ${config.DATA_DIR}` : 'postgres'})`)
    if (bootstrapCode) announceBootstrapCode({ code: bootstrapCode, origin: `http://localhost:${info.port}`, dataDir: config.DATA_DIR, isTerminal: process.stdout.isTTY === true })
  })
  let isStopping = false
  const stop = async () => {
    if (isStopping) return
    isStopping = true
    try {
      const { isClean } = await shutDown({ server, readiness, closeDatabase: () => db.close(), release })
      if (!isClean) console.error('Stopped: requests still running after the grace period were cut off.')
      process.exit(0)
    } catch (e) {
      console.error(`Stopping failed: ${e instanceof Error ? e.message : String(e)}`)
      process.exit(1)
    }
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e)
  process.exit(1)
})
