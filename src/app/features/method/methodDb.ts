/**
 * The method versions this phone received (docs/method.md "On the phone"), in IndexedDB through
 * Dexie. The method is public (no encryption); each stored definition is validated with Zod as it
 * comes out, and the versions are only taken as an unbroken chain from the bundled version 1
 * (methodSync.ts), so a case can always be migrated step by step.
 */
import { Dexie, type EntityTable } from 'dexie'
import { DATABASES } from '../../core/storageNames'

export interface StoredDefinition {
  version: number
  schemaVersion: 1
  /** The definition as received; parsed again with methodDefinitionSchema on every read. */
  doc: unknown
  receivedAt: string
}

export interface StoredMethodMeta {
  key: 'method'
  /** The ETag of the latest definition the phone holds, sent back as If-None-Match. */
  etag: string
  checkedAt: string
}

export class MethodDb extends Dexie {
  definitions!: EntityTable<StoredDefinition, 'version'>
  meta!: EntityTable<StoredMethodMeta, 'key'>

  constructor(name: string = DATABASES.method) {
    super(name)
    this.version(1).stores({ definitions: 'version', meta: 'key' })
  }
}
