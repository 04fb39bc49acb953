/** Applies the numbered SQL files in ./migrations once each, in order, each in a transaction. */
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Database } from './database'

const DIR = fileURLToPath(new URL('./migrations/', import.meta.url))

export async function runMigrations(db: Database): Promise<string[]> {
  await db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())')
  const done = new Set((await db.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name))
  const applied: string[] = []
  for (const name of readdirSync(DIR).filter((f) => /^\d{3}_.+\.sql$/.test(f)).sort()) {
    if (done.has(name)) continue
    const sql = readFileSync(DIR + name, 'utf8')
    await db.transaction(async (tx) => {
      // Statements one by one: the extended protocol takes a single statement per query.
      for (const statement of splitStatements(sql)) await tx.query(statement)
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name])
    })
    applied.push(name)
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
