/**
 * The resident's social map on the device (IndexedDB through Dexie). Records carry a
 * schemaVersion and are validated with Zod on every read, not only on write.
 */
import { Dexie, type EntityTable } from 'dexie'
import type { OutboxTable } from '../../../sync/outbox'
import { serviceSchema, type Service } from '../../../../shared/socialMap/hsds'
import { DATABASES } from '../../../core/storageNames'

export interface StoredService {
  id: string
  schemaVersion: 1
  doc: unknown
}
export interface StoredMeta {
  key: 'map'
  version: number
  publishedAt: string
  updatedAt: string
  etag: string
}
export interface StoredFavourite {
  id: string
  addedAt: string
}

export class SocialMapDb extends Dexie {
  services!: EntityTable<StoredService, 'id'>
  meta!: EntityTable<StoredMeta, 'key'>
  favourites!: EntityTable<StoredFavourite, 'id'>
  /** Reports and proposed initiatives waiting to be sent: a table of the one outbox (residentQueue.ts, src/app/sync/outbox.ts). */
  outbox!: OutboxTable

  constructor(name: string = DATABASES.socialMap) {
    super(name)
    this.version(1).stores({
      services: 'id',
      meta: 'key',
      favourites: 'id, addedAt',
      outbox: 'id, createdAt',
    })
  }
}

/** The stored map, each listing checked with Zod as it comes out; one that fails is counted, not shown. */
export async function readStoredMap(db: SocialMapDb): Promise<{ services: Service[]; unreadable: number; meta: StoredMeta | undefined }> {
  const [stored, meta] = await Promise.all([db.services.toArray(), db.meta.get('map')])
  const services: Service[] = []
  let unreadable = 0
  for (const record of stored) {
    const parsed = record.schemaVersion === 1 ? serviceSchema.safeParse(record.doc) : undefined
    if (parsed?.success) services.push(parsed.data)
    else unreadable++
  }
  return { services, unreadable, meta }
}

/** Replaces the map in one transaction: a crash halfway leaves the old map whole. */
export async function replaceMap(db: SocialMapDb, services: Service[], meta: StoredMeta): Promise<void> {
  await db.transaction('rw', db.services, db.meta, async () => {
    await db.services.clear()
    await db.services.bulkPut(services.map((doc) => ({ id: doc.id, schemaVersion: 1 as const, doc })))
    await db.meta.put(meta)
  })
}

/**
 * Applies a delta in one transaction (docs/social-map-sync.md): removes the retired listings, puts
 * the changed ones, stores the new version. Only onto the version the delta was made for: when the
 * stored map is no longer that one (another tab updated it), nothing is written and it returns false.
 */
export async function applyDelta(db: SocialMapDb, since: number, put: Service[], removed: string[], meta: StoredMeta): Promise<boolean> {
  return db.transaction('rw', db.services, db.meta, async () => {
    if ((await db.meta.get('map'))?.version !== since) return false
    await db.services.bulkDelete(removed)
    await db.services.bulkPut(put.map((doc) => ({ id: doc.id, schemaVersion: 1 as const, doc })))
    await db.meta.put(meta)
    return true
  })
}
