/**
 * Receiving the method like a map update (docs/method.md "On the phone"): one request for the
 * latest version with the stored ETag, so an unchanged method costs one small answer; when the
 * latest is newer than what the phone has, each version in between is fetched too, so every
 * migration on the way is there. Every definition is checked with Zod, and a version is only taken
 * when it follows on from the one before it (successorProblems). A bad one is refused: the phone
 * keeps what it had, the bundled version 1 always among it.
 */
import { methodDefinitionSchema, type MethodDefinition } from '../../../shared/method/definition'
import { successorProblems } from '../../../shared/method/succession'
import { BUNDLED_METHOD } from '../../../shared/method/sigMethod'
import type { MethodDb, StoredDefinition } from './methodDb'

export type MethodSyncStatus = 'updated' | 'unchanged' | 'offline' | 'invalid'

export interface MethodSyncResult {
  status: MethodSyncStatus
  /** Why nothing (or not everything) was taken. */
  reason?: string
  /** Every version the phone now has, oldest first: an unbroken chain from version 1. */
  definitions: MethodDefinition[]
  /** The versions this sync added. */
  added: number[]
}

/**
 * `chain` extended with those `candidates` that follow on, one version at a time. Stops at the first
 * gap or refused successor: a later version without the one before it could not migrate a case.
 */
export function extendChain(chain: readonly MethodDefinition[], candidates: readonly MethodDefinition[]): { chain: MethodDefinition[]; refused?: string } {
  const out = [...chain]
  for (const next of [...candidates].sort((a, b) => a.version - b.version)) {
    const last = out[out.length - 1]!
    if (next.version <= last.version) continue
    if (next.version !== last.version + 1) return { chain: out, refused: `version ${last.version + 1} is missing before version ${next.version}` }
    const problems = successorProblems(last, next)
    if (problems.length) return { chain: out, refused: `version ${next.version} does not follow on from ${last.version}: ${problems.join('; ')}` }
    out.push(next)
  }
  return { chain: out }
}

const parseStored = (row: StoredDefinition): MethodDefinition | undefined => {
  if (row.schemaVersion !== 1) return undefined
  const parsed = methodDefinitionSchema.safeParse(row.doc)
  return parsed.success && parsed.data.version === row.version ? parsed.data : undefined
}

/** The stored versions, each checked as it comes out; one that fails (or breaks the chain) is counted, not used. */
export async function readStoredMethods(db: MethodDb): Promise<{ definitions: MethodDefinition[]; unreadable: number; etag: string | undefined }> {
  const [rows, meta] = await Promise.all([db.definitions.toArray(), db.meta.get('method')])
  const readable = rows.flatMap((r) => parseStored(r) ?? [])
  const { chain } = extendChain([BUNDLED_METHOD], readable)
  const unreadable = rows.filter((r) => r.version > BUNDLED_METHOD.version && !chain.some((d) => d.version === r.version)).length
  // The ETag belongs to the latest stored version: without that version it would wrongly say "unchanged".
  const etag = meta && !unreadable ? meta.etag : undefined
  return { definitions: chain, unreadable, etag }
}

type Fetched = { ok: true; definition: MethodDefinition; etag: string } | { ok: false; status: 'offline' | 'invalid' | 'unchanged'; reason: string }

async function fetchDefinition(fetchFn: typeof fetch, url: string, etag?: string): Promise<Fetched> {
  let response: Response
  try {
    response = await fetchFn(url, { headers: etag ? { 'If-None-Match': etag } : {}, cache: 'no-cache' })
  } catch (e) {
    return { ok: false, status: 'offline', reason: e instanceof Error ? e.message : String(e) }
  }
  if (response.status === 304) return { ok: false, status: 'unchanged', reason: 'not modified' }
  if (!response.ok) return { ok: false, status: 'offline', reason: `server answered ${response.status}` }
  let body: unknown
  try {
    body = await response.json()
  } catch {
    return { ok: false, status: 'invalid', reason: 'not JSON' }
  }
  const parsed = methodDefinitionSchema.safeParse(body)
  if (!parsed.success) return { ok: false, status: 'invalid', reason: `the definition did not pass validation (${parsed.error.issues[0]?.message ?? ''})` }
  return { ok: true, definition: parsed.data, etag: response.headers.get('ETag') ?? '' }
}

/** Asks the server for the latest method and stores what follows on from what the phone has. */
export async function syncMethod(db: MethodDb, fetchFn: typeof fetch, apiBase = ''): Promise<MethodSyncResult> {
  const stored = await readStoredMethods(db)
  const have = stored.definitions
  const newest = have[have.length - 1]!
  const result = (status: MethodSyncStatus, definitions: MethodDefinition[] = have, reason?: string): MethodSyncResult => ({
    status,
    ...(reason ? { reason } : {}),
    definitions,
    added: definitions.slice(have.length).map((d) => d.version),
  })
  const checkedAt = new Date().toISOString()

  const latest = await fetchDefinition(fetchFn, `${apiBase}/api/method`, stored.etag)
  if (!latest.ok) {
    if (latest.status === 'unchanged') await db.meta.update('method', { checkedAt })
    return result(latest.status, have, latest.status === 'unchanged' ? undefined : latest.reason)
  }
  if (latest.definition.version <= newest.version) {
    // The same version (or the server is behind): nothing to take; remember the ETag when it is ours.
    if (latest.definition.version === newest.version) await db.meta.put({ key: 'method', etag: latest.etag, checkedAt })
    return result('unchanged')
  }

  // Every version in between, so the migrations on the way are all there.
  const between: MethodDefinition[] = []
  let stopped: Fetched | undefined
  for (let v = newest.version + 1; v < latest.definition.version; v++) {
    const one = await fetchDefinition(fetchFn, `${apiBase}/api/method/versions/${v}`)
    if (!one.ok) {
      stopped = one
      break
    }
    between.push(one.definition)
  }
  const { chain, refused } = extendChain(have, stopped ? between : [...between, latest.definition])
  const added = chain.slice(have.length)
  const complete = chain[chain.length - 1]!.version === latest.definition.version
  if (added.length) {
    const receivedAt = new Date().toISOString()
    await db.transaction('rw', db.definitions, db.meta, async () => {
      await db.definitions.bulkPut(added.map((d) => ({ version: d.version, schemaVersion: 1 as const, doc: d, receivedAt })))
      // Only a complete chain earns the ETag: otherwise the next sync must ask again.
      if (complete) await db.meta.put({ key: 'method', etag: latest.etag, checkedAt })
    })
  }
  if (complete) return result('updated', chain)
  if (stopped && !stopped.ok) return result(stopped.status === 'invalid' ? 'invalid' : 'offline', chain, stopped.reason)
  return result('invalid', chain, refused)
}
