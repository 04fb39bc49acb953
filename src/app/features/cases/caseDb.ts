/** The social worker's cases on the device: encrypted envelopes plus the wrapped data key. */
import { Dexie, type EntityTable } from 'dexie'
import type { KeyRecord, StoredCase } from '../../../shared/crypto/envelope'

export const CASE_DB_NAME = 'samenwerkwijze-casussen'

export class CaseDb extends Dexie {
  keys!: EntityTable<KeyRecord, 'name'>
  cases!: EntityTable<StoredCase, 'id'>

  constructor(name = CASE_DB_NAME) {
    super(name)
    this.version(1).stores({ keys: 'name', cases: 'id, status, pathway, updatedAt, closedAt' })
  }
}
