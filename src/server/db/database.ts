/**
 * The server's database: embedded PGlite in a data directory by default, PostgreSQL when
 * DATABASE_URL is set. One thin interface over both keeps the SQL plain and parameterised:
 * the same queries and the same numbered migrations run on either.
 */
import { mkdirSync } from 'node:fs'
import { PGlite, type PGliteOptions } from '@electric-sql/pglite'
import pg from 'pg'
import { runMigrations } from './migrate'
import type { Database, Queryable } from './types'

export type { Database, Queryable } from './types'

class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const
  constructor(private readonly pg: PGlite) {}
  query<T>(sql: string, params: unknown[] = []) {
    return this.pg.query<T>(sql, params)
  }
  async exec(sql: string) {
    await this.pg.exec(sql)
  }
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.pg.transaction((tx) => fn({ query: <R>(sql: string, params: unknown[] = []) => tx.query<R>(sql, params) }))
  }
  close() {
    return this.pg.close()
  }
  /** The whole database as a tarball: tests start each fresh database from a migrated copy. */
  async dump(): Promise<Blob> {
    const file = await this.pg.dumpDataDir('none')
    return new Blob([await file.arrayBuffer()])
  }
}

class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const
  constructor(private readonly pool: pg.Pool) {}
  async query<T>(sql: string, params: unknown[] = []) {
    const result = await this.pool.query(sql, params)
    return { rows: result.rows as T[] }
  }
  async exec(sql: string) {
    await this.pool.query(sql)
  }
  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect()
    try {
      await client.query('BEGIN')
      const result = await fn({ query: async <R>(sql: string, params: unknown[] = []) => ({ rows: (await client.query(sql, params)).rows as R[] }) })
      await client.query('COMMIT')
      return result
    } catch (e) {
      await client.query('ROLLBACK')
      throw e
    } finally {
      client.release()
    }
  }
  close() {
    return this.pool.end()
  }
}

export type DatabaseTarget =
  | { kind: 'pglite'; dataDir?: string; loadDataDir?: Blob; options?: Pick<PGliteOptions, 'pgliteWasmModule' | 'initdbWasmModule' | 'fsBundle'> }
  | { kind: 'postgres'; url: string; schema?: string }

/**
 * Opens and migrates a database. PGlite without a dataDir is in memory (tests). For
 * PostgreSQL, `schema` puts every table in its own schema (tests run side by side).
 */
export async function openDatabase(target: DatabaseTarget | string | undefined): Promise<Database> {
  const t: DatabaseTarget = typeof target === 'object' ? target : { kind: 'pglite', ...(target ? { dataDir: target } : {}) }
  let db: Database
  if (t.kind === 'postgres') {
    if (t.schema && !/^[a-z_][a-z0-9_]*$/.test(t.schema)) throw new Error(`Invalid schema name: ${t.schema}`)
    const pool = new pg.Pool({ connectionString: t.url, max: 10, ...(t.schema ? { options: `-c search_path=${t.schema}` } : {}) })
    if (t.schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${t.schema}`)
    db = new PostgresDatabase(pool)
  } else {
    if (t.dataDir) mkdirSync(t.dataDir, { recursive: true })
    db = new PgliteDatabase(await PGlite.create(t.dataDir ? `${t.dataDir}/pglite` : undefined, { ...t.options, ...(t.loadDataDir ? { loadDataDir: t.loadDataDir } : {}) }))
  }
  await runMigrations(db)
  return db
}

/** A migrated, empty in-memory PGlite as a tarball (see `dump`); open copies with `loadDataDir`. */
export async function migratedPgliteImage(options: Extract<DatabaseTarget, { kind: 'pglite' }>['options'] = {}): Promise<Blob> {
  const db = await openDatabase({ kind: 'pglite', options })
  try {
    return await (db as PgliteDatabase).dump()
  } finally {
    await db.close()
  }
}
