/**
 * What changed in the published map since a version a phone holds (docs/social-map-sync.md):
 * the listings stamped with a newer version (migration 020), split into those to put and the
 * retired ones (tombstones) whose ids the phone removes.
 */
import type { Queryable } from '../db/types'
import type { Service } from '../../shared/socialMap/hsds'
import type { SocialMapDelta } from '../../shared/api/socialMap'
import { mapVersion } from './repository'

/** The version a phone holds, named with its publication moment as the server sent it. */
export interface HeldVersion {
  version: number
  publishedAt: string
}

/** Why a phone that asked for a delta gets the full document (docs/social-map-sync.md, "Fallback"). */
export type FullReason = 'garbage' | 'ahead' | 'unknown' | 'behind'

/**
 * A delta that would carry more than this share of the map's rows is not built: the phone gets the
 * full document, which is built once per version and cached. A delta is made for each request, so
 * without this bound a phone far behind (after an import every phone is), or anyone replaying an
 * old version, would make the server read and compress the whole map again on every request.
 */
export const MAX_DELTA_SHARE = 0.25

export type DeltaResult = { kind: 'delta'; delta: SocialMapDelta } | { kind: 'full'; fullBecause: FullReason }

export async function buildDelta(db: Queryable, held: HeldVersion): Promise<DeltaResult> {
  // The current version first, the listings after: the listings are then at least that new. A
  // write committed in between comes along labelled with the older version, and comes again
  // with the next delta; applying a listing twice changes nothing.
  const current = await mapVersion(db)
  if (held.version > current.version) return { kind: 'full', fullBecause: 'ahead' }
  const { rows: known } = await db.query<{ published_at: Date }>('SELECT published_at FROM map_versions WHERE version = $1', [held.version])
  if (!known[0] || new Date(known[0].published_at).toISOString() !== held.publishedAt) return { kind: 'full', fullBecause: 'unknown' }
  const { rows: counts } = await db.query<{ changed: number; total: number }>(
    'SELECT count(*) FILTER (WHERE changed_version > $1)::int AS changed, count(*)::int AS total FROM services',
    [held.version],
  )
  const { changed, total } = counts[0]!
  if (changed > total * MAX_DELTA_SHARE) return { kind: 'full', fullBecause: 'behind' }
  const { rows } = await db.query<{ id: string; doc: Service; status: string }>(
    'SELECT id, doc, status FROM services WHERE changed_version > $1 ORDER BY id',
    [held.version],
  )
  const services: Service[] = []
  const removed: string[] = []
  for (const row of rows) {
    if (row.status === 'defunct') removed.push(row.id)
    else services.push(row.doc)
  }
  return { kind: 'delta', delta: { since: held.version, version: current.version, publishedAt: current.publishedAt, services, removed } }
}
