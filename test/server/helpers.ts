import { randomUUID } from 'node:crypto'
import { gunzipSync } from 'node:zlib'
import { createApp, type AppOptions } from '../../src/server/app'
import { SignInGuard } from '../../src/server/auth/signIn'
import { Clock } from './agent'
import { silentLogger } from '../../src/server/log'
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { migratedPgliteImage, openDatabase, type Database, type DatabaseTarget } from '../../src/server/db/database'

/** PostgreSQL when TEST_DATABASE_URL is set (CI's second run), else in-memory PGlite. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL

/** A fixed server key for tests (production keys come from SERVER_KEY or DATA_DIR/server.key). */
export const TEST_SERVER_KEY = Buffer.alloc(32, 0x5a)

/** A fresh, empty database: its own schema on PostgreSQL, its own instance on PGlite. */
let pgliteImage: Promise<Blob> | undefined
let pgliteModules: Promise<NonNullable<Extract<DatabaseTarget, { kind: 'pglite' }>['options']>> | undefined

/** PGlite's WebAssembly compiled once per test process instead of once per database. */
function compiledPglite() {
  const dist = join(dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite')), '')
  pgliteModules ??= (async () => ({
    pgliteWasmModule: await WebAssembly.compile(readFileSync(join(dist, 'pglite.wasm'))),
    initdbWasmModule: await WebAssembly.compile(readFileSync(join(dist, 'initdb.wasm'))),
    fsBundle: new Blob([readFileSync(join(dist, 'pglite.data'))]),
  }))()
  return pgliteModules
}

export async function testDatabase(): Promise<{ db: Database; close: () => Promise<void>; env: Record<string, string> }> {
  if (!TEST_DATABASE_URL) {
    // Migrating takes seconds on PGlite; a copy of a migrated database takes a fraction (same schema).
    const options = await compiledPglite()
    pgliteImage ??= migratedPgliteImage(options)
    const db = await openDatabase({ kind: 'pglite', loadDataDir: await pgliteImage, options })
    return { db, close: () => db.close(), env: {} }
  }
  const schema = `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`
  const db = await openDatabase({ kind: 'postgres', url: TEST_DATABASE_URL, schema })
  return {
    db,
    env: { DATABASE_URL: TEST_DATABASE_URL, PGOPTIONS: `-c search_path=${schema}` },
    close: async () => {
      await db.exec(`DROP SCHEMA ${schema} CASCADE`)
      await db.close()
    },
  }
}

/** A fresh database and app with its own sign-in clock (tests advance it instead of sleeping). */
export async function freshTestApp(options: Partial<AppOptions> = {}) {
  const { db, close } = await testDatabase()
  const clock = new Clock()
  const app = createApp(db, { serverKey: TEST_SERVER_KEY, logger: silentLogger(), guard: new SignInGuard(clock.now), ...options })
  return { db, close, clock, app }
}

export async function testServer() {
  const { db, close } = await testDatabase()
  const app = createApp(db, { serverKey: TEST_SERVER_KEY, logger: silentLogger() })
  return { db, app, close }
}

export async function readMap(res: Response) {
  const buf = Buffer.from(await res.arrayBuffer())
  const text = res.headers.get('Content-Encoding') === 'gzip' ? gunzipSync(buf).toString('utf8') : buf.toString('utf8')
  return JSON.parse(text) as { version: number; services: { id: string; name: string }[] }
}
