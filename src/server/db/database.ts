/**
 * The server's database: embedded PGlite in a data directory by default. A thin interface
 * over it keeps the SQL plain and parameterised, so the same queries and migrations can
 * run on PostgreSQL (the accounts issue adds that driver behind this same interface).
 */
import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { runMigrations } from './migrate'

export interface Queryable {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>
}
export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres'
  exec(sql: string): Promise<void>
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
  close(): Promise<void>
}

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
}

/** Opens (and migrates) the database in `dataDir`; `undefined` gives an in-memory one for tests. */
export async function openDatabase(dataDir: string | undefined): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true })
  const pg = await PGlite.create(dataDir ? `${dataDir}/pglite` : undefined)
  const db = new PgliteDatabase(pg)
  await runMigrations(db)
  return db
}
