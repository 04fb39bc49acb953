/**
 * A digest of every table of the database in ONE query. Per table: the row count and the sum of
 * the rows' xmin (the id of the transaction that wrote each row version). Any INSERT, DELETE or
 * UPDATE — even one that writes the same values back — gives a row version a new, larger xmin or
 * changes the count, so the digest changes; and it needs no row serialised (md5 of every row of
 * every table per request took ~50 ms on PGlite). Tables with a column a read may touch get a
 * content digest of their other columns instead (IGNORED_COLUMNS). The tables come from
 * information_schema, so a table a migration adds is digested without anyone listing it.
 */
import type { Database } from '../../../src/server/db/database'

/**
 * Columns left out of the digest, each with its reason:
 * - sessions.last_seen_at: every signed-in request may move it (at most once per 30 s,
 *   src/server/auth/sessions.ts loadSession) — the idle timeout, not something a request "writes".
 */
const IGNORED_COLUMNS: Record<string, readonly string[]> = { sessions: ['last_seen_at'] }

export type Digest = Record<string, string>

/** Builds the one digest query for the tables the database has now (call once, after migrations). */
export async function digester(db: Database): Promise<{ tables: string[]; digest: () => Promise<Digest> }> {
  const { rows } = await db.query<{ table_name: string; columns: string[] }>(
    `SELECT c.table_name, array_agg(c.column_name::text ORDER BY c.ordinal_position) AS columns
     FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
     GROUP BY c.table_name ORDER BY c.table_name`,
  )
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`
  const parts = rows.map(({ table_name: table, columns }) => {
    const ignored = IGNORED_COLUMNS[table]
    const row = `ROW(${columns.filter((c) => !ignored?.includes(c)).map((c) => `t.${quote(c)}`).join(', ')})::text`
    const sum = ignored ? `sum(('x' || left(md5(${row}), 15))::bit(60)::bigint)` : 'sum(t.xmin::text::bigint)'
    return `'${table}', (SELECT count(*) || ':' || coalesce(${sum}, 0) FROM ${quote(table)} t)`
  })
  // json_build_object takes at most 100 arguments: 50 tables per object, merged.
  const chunks: string[] = []
  for (let i = 0; i < parts.length; i += 50) chunks.push(`jsonb_build_object(${parts.slice(i, i + 50).join(', ')})`)
  const sql = `SELECT (${chunks.join(' || ')})::text AS digest`
  return {
    tables: rows.map((r) => r.table_name),
    digest: async () => JSON.parse((await db.query<{ digest: string }>(sql)).rows[0]!.digest) as Digest,
  }
}

/** The tables whose digest differs between two digests. */
export const changedTables = (before: Digest, after: Digest) => Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t]).sort()

/**
 * The actions of the audit rows after the first `count` (the audit_log count in a digest taken
 * before). audit_log is append-only (a trigger refuses UPDATE and DELETE, migration 002) and the fuzz
 * sends one request at a time, so these are exactly the rows written since that digest.
 */
export async function auditActionsSince(db: Database, before: Digest): Promise<string[]> {
  const count = Number((before.audit_log ?? '0').split(':')[0])
  const { rows } = await db.query<{ action: string }>('SELECT action FROM audit_log ORDER BY id OFFSET $1', [count])
  return rows.map((r) => r.action)
}
