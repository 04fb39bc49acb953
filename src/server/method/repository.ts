/**
 * The region's method versions (docs/method.md "Publishing on the server"): version 1 is the
 * bundled method, later ones are published by the programme office. A version never changes once
 * stored; the primary key decides between two publishes of the same version, so no process memory
 * is involved and several server processes on one PostgreSQL agree.
 */
import { methodDefinitionSchema, type MethodDefinition } from '../../shared/method/definition'
import { historyProblems, successorProblems } from '../../shared/method/succession'
import { BUNDLED_METHOD } from '../../shared/method/sigMethod'
import { audit } from '../auth/audit'
import type { Database, Queryable } from '../db/types'

/**
 * Stores the bundled method as version 1 when the table holds none: at every start (a fresh
 * region needs it as much as the example data does). True when this call stored it. Safe with
 * several processes starting at once: the insert that comes second does nothing.
 */
export async function seedBundledMethod(db: Queryable): Promise<boolean> {
  const { rows } = await db.query(
    'INSERT INTO method_versions (version, definition, published_at, published_by) VALUES ($1, $2::jsonb, $3, NULL) ON CONFLICT (version) DO NOTHING RETURNING version',
    [BUNDLED_METHOD.version, JSON.stringify(BUNDLED_METHOD), BUNDLED_METHOD.publishedAt],
  )
  return rows.length > 0
}

/** The newest version number; seeds version 1 first in a table that is still empty. */
export async function latestVersion(db: Database): Promise<number> {
  const read = async () => (await db.query<{ v: number | null }>('SELECT max(version) AS v FROM method_versions')).rows[0]?.v ?? null
  const found = await read()
  if (found !== null) return found
  await seedBundledMethod(db)
  return (await read()) ?? BUNDLED_METHOD.version
}

/** A stored definition, checked again: the schema may have grown stricter since it was published. */
function parsed(version: number, raw: unknown): MethodDefinition {
  const result = methodDefinitionSchema.safeParse(raw)
  if (!result.success) throw new Error(`stored method version ${version} no longer fits the schema`)
  return result.data
}

/** One version's definition, or null when there is no such version. */
export async function methodVersion(db: Queryable, version: number): Promise<MethodDefinition | null> {
  const { rows } = await db.query<{ definition: unknown }>('SELECT definition FROM method_versions WHERE version = $1', [version])
  return rows.length ? parsed(version, rows[0]!.definition) : null
}

/** Every stored version, oldest first (a field keeps its kind across all of them: historyProblems). */
async function allVersions(db: Queryable): Promise<MethodDefinition[]> {
  const { rows } = await db.query<{ version: number; definition: unknown }>('SELECT version, definition FROM method_versions ORDER BY version')
  return rows.map((r) => parsed(r.version, r.definition))
}

export async function latestMethod(db: Database): Promise<MethodDefinition> {
  const version = await latestVersion(db)
  const found = await methodVersion(db, version)
  if (!found) throw new Error(`method version ${version} vanished`)
  return found
}

export interface MethodHistoryRow {
  version: number
  publishedAt: string
  note: MethodDefinition['note']
  publishedBy: string | null
}

/** Every version, newest first, with its note and the name of who published it. */
export async function methodHistory(db: Database): Promise<MethodHistoryRow[]> {
  await latestVersion(db)
  const { rows } = await db.query<{ version: number; published_at: Date; note: MethodDefinition['note']; name: string | null }>(
    `SELECT m.version, m.published_at, m.definition->'note' AS note, u.name
     FROM method_versions m LEFT JOIN users u ON u.id = m.published_by ORDER BY m.version DESC`,
  )
  return rows.map((r) => ({ version: r.version, publishedAt: new Date(r.published_at).toISOString(), note: r.note, publishedBy: r.name }))
}

export type PublishResult =
  | { ok: true; version: number; publishedAt: string }
  | { ok: false; status: 409; code: 'conflict'; error: string; latest: number }
  | { ok: false; status: 422; code: 'bad-request'; error: string; problems: string[] }

/**
 * Publishes `next` (already checked with methodDefinitionSchema) as the version after the latest:
 * it must follow on from it (successorProblems) and keep every field's kind and options across
 * all stored versions (historyProblems). A version that exists already answers 409 — also
 * when another publish of it commits while this one runs (the insert conflicts on the key).
 */
export async function publishMethod(db: Database, next: MethodDefinition, actor: { userId: string; organisationId: string | null }, at: Date): Promise<PublishResult> {
  const latest = await latestVersion(db)
  return db.transaction(async (tx): Promise<PublishResult> => {
    const prev = await methodVersion(tx, latest)
    if (!prev) throw new Error(`method version ${latest} vanished`)
    const conflict = { ok: false, status: 409, code: 'conflict', latest } as const
    if (next.version <= latest) return { ...conflict, error: `Version ${next.version} exists already; the latest is ${latest}. Start from version ${latest}.` }
    const history = await allVersions(tx)
    const problems = [...new Set([...successorProblems(prev, next), ...historyProblems(history, next)])]
    if (problems.length) return { ok: false, status: 422, code: 'bad-request', error: `This method cannot follow version ${latest}: ${problems.join('; ')}`, problems }
    const publishedAt = at.toISOString()
    const stored = { ...next, publishedAt }
    const { rows } = await tx.query(
      'INSERT INTO method_versions (version, definition, published_at, published_by) VALUES ($1, $2::jsonb, $3, $4) ON CONFLICT (version) DO NOTHING RETURNING version',
      [next.version, JSON.stringify(stored), publishedAt, actor.userId],
    )
    if (!rows.length) return { ...conflict, latest: next.version, error: `Version ${next.version} was published by someone else just now. Start from version ${next.version}.` }
    await audit(tx, { actorId: actor.userId, organisationId: actor.organisationId, action: 'publish', entity: 'method', entityId: String(next.version) })
    return { ok: true, version: next.version, publishedAt }
  })
}
