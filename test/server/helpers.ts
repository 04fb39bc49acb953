import { createHash, randomUUID } from 'node:crypto'
import { gunzipSync } from 'node:zlib'
import { createRequire } from 'node:module'
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { migratedPgliteImage, openDatabase, type Database, type DatabaseTarget } from '../../src/server/db/database'
import { migrationFiles } from '../../src/server/db/migrate'

const ROOT = new URL('../../', import.meta.url).pathname
const MIGRATIONS = join(ROOT, 'src/server/db/migrations')
const IMAGE_CACHE = join(ROOT, 'node_modules/.cache/samenwerkwijze')

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

/**
 * The migrated image, made once per change of the migrations or of PGlite and kept on disk for
 * every later test file and run (making it compiles and migrates: ~6 s per file otherwise).
 * Written to a temporary name and renamed, so two files starting at once never read half of one.
 */
/** Names the migrated database by what makes it: PGlite's version and every migration. */
function imageKey(): string {
  const hash = createHash('sha256').update(readFileSync(join(dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite')), '../package.json')))
  for (const name of migrationFiles()) hash.update(name).update(readFileSync(join(MIGRATIONS, name)))
  return hash.digest('hex').slice(0, 16)
}

async function cachedImage(options: Awaited<ReturnType<typeof compiledPglite>>): Promise<Blob> {
  const file = join(IMAGE_CACHE, `pglite-${imageKey()}.tar`)
  if (existsSync(file)) return new Blob([readFileSync(file)])
  const image = await migratedPgliteImage(options)
  mkdirSync(IMAGE_CACHE, { recursive: true })
  const partial = `${file}.${process.pid}.partial`
  writeFileSync(partial, Buffer.from(await image.arrayBuffer()))
  renameSync(partial, file)
  return image
}

/**
 * Databases a test handed back, emptied to the state of a just-migrated one (see `resetToMigrated`).
 * Opening a copy of the migrated image takes ~1.2 s on PGlite and migrating a new schema takes
 * about as long on PostgreSQL; emptying one takes a few milliseconds. Module state, so one pool per
 * test file (Vitest isolates files); test/server/setup.ts closes the spares after each file.
 */
interface Pooled {
  db: Database
  env: Record<string, string>
  drop: () => Promise<void>
}
const spares: Pooled[] = []
/** The rows migrations leave behind (schema_migrations, map_version's 0), per table, as JSON. */
let migratedRows: Promise<{ tables: string[]; seeds: { table: string; rows: string }[] }> | undefined

const quoted = (table: string) => `"${table.replace(/"/g, '""')}"`

/** Every table and the rows a just-migrated database holds, read once from a fresh one. */
function readMigratedRows(db: Database) {
  migratedRows ??= (async () => {
    const { rows } = await db.query<{ table: string }>("SELECT tablename AS table FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    const tables = rows.map((r) => r.table)
    const seeds: { table: string; rows: string }[] = []
    for (const table of tables) {
      const found = await db.query<{ rows: string | null }>(`SELECT json_agg(t)::text AS rows FROM ${quoted(table)} t`)
      if (found.rows[0]?.rows) seeds.push({ table, rows: found.rows[0].rows })
    }
    return { tables, seeds }
  })()
  return migratedRows
}

/** Back to the state of a just-migrated database: every table emptied (ids restarted), the migrations' own rows put back. */
async function resetToMigrated(db: Database): Promise<void> {
  const { tables, seeds } = await readMigratedRows(db)
  await db.transaction(async (tx) => {
    // The audit log refuses TRUNCATE by a trigger (append-only): triggers sleep for this transaction.
    // On PostgreSQL the test role needs SET on this parameter (.ci/postgres.sh grants it); without
    // it the reset fails and `close` drops the schema instead, so each test migrates a new one.
    await tx.query('SET LOCAL session_replication_role = replica')
    await tx.query(`TRUNCATE ${tables.map(quoted).join(', ')} RESTART IDENTITY CASCADE`)
    for (const seed of seeds) await tx.query(`INSERT INTO ${quoted(seed.table)} SELECT * FROM json_populate_recordset(NULL::${quoted(seed.table)}, $1::json)`, [seed.rows])
  })
  // Session state a test may have set on PGlite's one connection (a time zone, an advisory lock).
  if (db.kind === 'pglite') await db.exec('RESET ALL; SELECT pg_advisory_unlock_all();')
}

/** Closes the spare databases (and drops their schemas on PostgreSQL): after each test file. */
export async function closeSpareDatabases(): Promise<void> {
  for (const spare of spares.splice(0)) await spare.drop()
}

/**
 * A database in the state of a freshly migrated one, for this test alone until `close`: its own
 * PGlite instance, or its own schema on PostgreSQL. `close` empties it for the next test of the
 * file (a database the test closed itself is dropped instead).
 */
export async function testDatabase(): Promise<{ db: Database; close: () => Promise<void>; env: Record<string, string> }> {
  const taken = spares.pop() ?? (await newTestDatabase())
  const { db, env, drop } = taken
  await readMigratedRows(db)
  let closed = false
  return {
    db,
    env,
    close: async () => {
      if (closed) return
      closed = true
      try {
        await resetToMigrated(db)
      } catch {
        // Closed by the test, or left in a state that cannot be emptied: not used again.
        await drop().catch(() => {})
        return
      }
      spares.push(taken)
    },
  }
}

/** The compiled PGlite and a migrated image of it (see `cachedImage`). */
export async function migratedPglite() {
  const options = await compiledPglite()
  pgliteImage ??= cachedImage(options)
  return { options, image: await pgliteImage }
}

/**
 * Puts a just-migrated PGlite database into `dataDir` (as `dataDir/pglite`, where the server and the
 * command-line tools open it), for a process that opens DATA_DIR itself. The first call per change
 * of the migrations or of PGlite opens a copy of the migrated image into a folder kept beside it
 * (PGlite's own files, closed cleanly: ~4 s of CPU); every call copies that folder (a fraction of a
 * second), instead of each new data directory loading the image (or running initdb and every
 * migration in its first process: ~10 s of CPU). Made under a temporary name and renamed, so a
 * process starting at the same time never copies half of one.
 */
export async function migratedPgliteDataDir(dataDir: string): Promise<void> {
  const template = join(IMAGE_CACHE, `pglite-${imageKey()}.dir`)
  if (!existsSync(join(template, 'pglite', 'PG_VERSION'))) {
    const partial = `${template}.${process.pid}.partial`
    rmSync(partial, { recursive: true, force: true })
    mkdirSync(join(partial, 'pglite'), { recursive: true })
    const { options, image } = await migratedPglite()
    await (await openDatabase({ kind: 'pglite', dataDir: partial, loadDataDir: image, options })).close()
    try {
      renameSync(partial, template)
    } catch {
      // Another process made it first: theirs is the same.
      rmSync(partial, { recursive: true, force: true })
    }
  }
  mkdirSync(dataDir, { recursive: true })
  cpSync(join(template, 'pglite'), join(dataDir, 'pglite'), { recursive: true })
}

async function newTestDatabase(): Promise<Pooled> {
  if (!TEST_DATABASE_URL) {
    // Migrating takes seconds on PGlite; a copy of a migrated database takes a fraction (same schema).
    const { options, image } = await migratedPglite()
    const db = await openDatabase({ kind: 'pglite', loadDataDir: image, options })
    return { db, env: {}, drop: () => db.close() }
  }
  const schema = `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`
  const db = await openDatabase({ kind: 'postgres', url: TEST_DATABASE_URL, schema })
  return {
    db,
    env: { DATABASE_URL: TEST_DATABASE_URL, PGOPTIONS: `-c search_path=${schema}` },
    drop: async () => {
      await db.exec(`DROP SCHEMA ${schema} CASCADE`)
      await db.close()
    },
  }
}

export async function readMap(res: Response) {
  const buf = Buffer.from(await res.arrayBuffer())
  const text = res.headers.get('Content-Encoding') === 'gzip' ? gunzipSync(buf).toString('utf8') : buf.toString('utf8')
  return JSON.parse(text) as { version: number; services: { id: string; name: string }[] }
}
