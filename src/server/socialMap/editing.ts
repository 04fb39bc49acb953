/** One change to the published map: store the listing, keep the version, publish, audit — all or nothing. */
import type { Queryable } from '../db/types'
import type { Service } from '../../shared/socialMap/hsds'
import { audit } from '../auth/audit'
import { bumpMapVersion, upsertServices } from './repository'

/** 'room': the quick room update (src/server/routes/mapRoom.ts). */
export type Change = 'create' | 'edit' | 'retire' | 'verify' | 'accept-proposal' | 'accept-initiative' | 'room'

export async function applyChange(tx: Queryable, incoming: Service, change: Change, actorId: string, owner?: string | null): Promise<number> {
  // The stored row first, locked (the room route locks in the same order: listing, then version).
  const { rows } = await tx.query<{ doc: Service }>('SELECT doc FROM services WHERE id = $1 FOR UPDATE', [incoming.id])
  const service = change === 'room' ? incoming : keepNewerRoom(rows[0]?.doc, incoming)
  // The version next: the listing is stamped with it (docs/social-map-sync.md).
  const version = await bumpMapVersion(tx)
  await upsertServices(tx, [service], version)
  if (owner !== undefined) await tx.query('UPDATE services SET owner_organisation_id = $2 WHERE id = $1', [service.id, owner])
  await tx.query('INSERT INTO service_versions (service_id, change, doc, changed_by) VALUES ($1, $2, $3::jsonb, $4)', [service.id, change, JSON.stringify(service), actorId])
  await audit(tx, { actorId, action: change, entity: 'service', entityId: service.id })
  return version
}

/**
 * The room (the first `capacities` entry) is changed by its own route (routes/mapRoom.ts), often
 * by the owning team while an editor has the listing open or a proposal waits. A whole listing
 * saved from an older copy therefore keeps the stored room when it brings none, or one with an
 * older `updated`: the team's newer figure is not lost to a form or proposal loaded before it.
 */
export function keepNewerRoom(stored: Service | undefined, incoming: Service): Service {
  const kept = stored?.capacities?.[0]
  if (!kept) return incoming
  const brought = incoming.capacities?.[0]
  if (brought && !(Date.parse(brought.updated) < Date.parse(kept.updated))) return incoming
  return { ...incoming, capacities: [kept, ...(incoming.capacities ?? []).slice(1)] }
}

export async function serviceById(db: Queryable, id: string): Promise<{ doc: Service; owner: string | null } | null> {
  const { rows } = await db.query<{ doc: Service; owner_organisation_id: string | null }>('SELECT doc, owner_organisation_id FROM services WHERE id = $1', [id])
  return rows[0] ? { doc: rows[0].doc, owner: rows[0].owner_organisation_id } : null
}
