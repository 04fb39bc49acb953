/**
 * The resident's social map on the device (IndexedDB through Dexie). Records carry a
 * schemaVersion and are validated with Zod on every read, not only on write.
 */
import { Dexie, type EntityTable } from 'dexie'
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
export interface OutboxItem {
  /** Client-made id, sent as the report id: the server stores a replay once. */
  id: string
  kind: 'report'
  createdAt: string
  payload: unknown
  attempts: number
}

export class SocialMapDb extends Dexie {
  services!: EntityTable<StoredService, 'id'>
  meta!: EntityTable<StoredMeta, 'key'>
  favourites!: EntityTable<StoredFavourite, 'id'>
  outbox!: EntityTable<OutboxItem, 'id'>

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
