/** Storage of the social map and residents' reports. Every write is an idempotent upsert. */
import type { Database, Queryable } from '../db/types'
import type { ServiceReport, Service } from '../../shared/socialMap/hsds'

export async function countServices(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM services')
  return rows[0]?.n ?? 0
}

/**
 * Writes listings, stamped with `version`: the map version this transaction took first with
 * bumpMapVersion (docs/social-map-sync.md).
 */
export async function upsertServices(tx: Queryable, services: readonly Service[], version: number, onProgress?: (done: number) => void): Promise<void> {
  for (const [i, s] of services.entries()) {
    if (onProgress && i % 500 === 0) onProgress(i)
    await tx.query(
      `INSERT INTO services (id, doc, status, updated_at, changed_version) VALUES ($1, $2::jsonb, $3, now(), $4)
       ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc, status = EXCLUDED.status, updated_at = now(), changed_version = EXCLUDED.changed_version`,
      [s.id, JSON.stringify(s), s.status, version],
    )
  }
  onProgress?.(services.length)
}

/**
 * Takes the next map version and records it in the history (map_versions). The row lock on
 * map_version holds until commit, so concurrent writers take turns and versions commit in order;
 * take it before writing listings, and stamp them with it (docs/social-map-sync.md).
 */
export async function bumpMapVersion(tx: Queryable): Promise<number> {
  const { rows } = await tx.query<{ version: number }>(
    `WITH next AS (UPDATE map_version SET version = version + 1, published_at = now() RETURNING version, published_at)
     INSERT INTO map_versions (version, published_at) SELECT version, published_at FROM next RETURNING version`,
  )
  return rows[0]!.version
}

/** Stores services and publishes a new map version, all or nothing. */
export async function storeServices(db: Database, services: readonly Service[], onProgress?: (done: number) => void): Promise<number> {
  return db.transaction(async (tx) => {
    const version = await bumpMapVersion(tx)
    await upsertServices(tx, services, version, onProgress)
    return version
  })
}

export async function listServices(db: Queryable): Promise<Service[]> {
  const { rows } = await db.query<{ doc: Service }>('SELECT doc FROM services ORDER BY id')
  return rows.map((r) => r.doc)
}

export async function mapVersion(db: Queryable): Promise<{ version: number; publishedAt: string }> {
  const { rows } = await db.query<{ version: number; published_at: Date }>('SELECT version, published_at FROM map_version')
  const row = rows[0]!
  return { version: row.version, publishedAt: new Date(row.published_at).toISOString() }
}

/** Stores a report; a report sent again (same id) is not stored twice. Returns true when new. */
export async function storeReport(db: Queryable, report: ServiceReport): Promise<boolean> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO listing_reports (id, service_id, message, contact) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [report.id, report.serviceId, report.message, report.contact ?? null],
  )
  return rows.length === 1
}

export async function serviceExists(db: Queryable, id: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM services WHERE id = $1', [id])
  return rows.length > 0
}
