/** Applies the numbered SQL files in ./migrations once each, in order, each in a transaction. */
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Database, Queryable } from './types'

// Beside this module: src/server/db/migrations, or dist-server/migrations in the bundle (scripts/buildServer.mjs copies them).
const DIR = fileURLToPath(new URL('./migrations/', import.meta.url))

/** The migration files, in the order they apply. */
export function migrationFiles(): string[] {
  return readdirSync(DIR).filter((f) => /^\d{3}_.+\.sql$/.test(f)).sort()
}

/**
 * Fixed advisory-lock key for this app's migrations; the schema is the second key, so
 * processes on one schema take turns while tests, each in its own schema, do not wait.
 */
const MIGRATION_LOCK = 0x53575a4d

/** Inside a transaction: waits for any other process migrating this schema, until commit. */
async function lockMigrations(tx: Queryable): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock($1, hashtext(coalesce(current_schema(), '')))", [MIGRATION_LOCK])
}

/**
 * Several processes may start at once on one PostgreSQL: each migration is checked and
 * applied in its own transaction under the lock, so exactly one of them applies it and the
 * others see it recorded. On PGlite (one connection) the lock is free and changes nothing.
 */
export async function runMigrations(db: Database): Promise<string[]> {
  await db.transaction(async (tx) => {
    await lockMigrations(tx)
    await tx.query('CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())')
  })
  const done = new Set((await db.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name))
  const applied: string[] = []
  for (const name of migrationFiles()) {
    if (done.has(name)) continue
    const sql = readFileSync(DIR + name, 'utf8')
    const isApplied = await db.transaction(async (tx) => {
      await lockMigrations(tx)
      // Read again under the lock: another process may have applied it while this one waited.
      if ((await tx.query('SELECT 1 FROM schema_migrations WHERE name = $1', [name])).rows.length) return false
      // Statements one by one: the extended protocol takes a single statement per query.
      for (const statement of splitStatements(sql)) await tx.query(statement)
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name])
      return true
    })
    if (isApplied) applied.push(name)
  }
  return applied
}

/**
 * Splits a migration file into statements on semicolons outside quotes and $$ bodies,
 * dropping -- comments and blank parts.
 */
export function splitStatements(sql: string): string[] {
  const text = sql.replace(/^\s*--.*$/gm, '')
  const out: string[] = []
  let current = ''
  let inQuote = false
  let inDollar = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (!inQuote && text.startsWith('$$', i)) {
      inDollar = !inDollar
      current += '$$'
      i++
      continue
    }
    if (!inDollar && c === "'") inQuote = !inQuote
    if (c === ';' && !inQuote && !inDollar) {
      if (current.trim()) out.push(current.trim())
      current = ''
    } else current += c
  }
  if (current.trim()) out.push(current.trim())
  return out
}
