/** The social worker's cases on the device: encrypted envelopes plus the wrapped data key. */
import { Dexie, type EntityTable } from 'dexie'
import type { KeyRecord, StoredCase } from '../../../shared/crypto/envelope'

export const CASE_DB_NAME = 'samenwerkwijze-casussen'

/** A period whose counts changed and must be sent upstream (written with the case, in one transaction). */
export interface KpiOutboxItem {
  period: string
  attempts: number
  nextAttemptAt: number
}

export class CaseDb extends Dexie {
  keys!: EntityTable<KeyRecord, 'name'>
  cases!: EntityTable<StoredCase, 'id'>
  kpiOutbox!: EntityTable<KpiOutboxItem, 'period'>

  constructor(name = CASE_DB_NAME) {
    super(name)
    this.version(1).stores({ keys: 'name', cases: 'id, status, pathway, updatedAt, closedAt' })
    this.version(2).stores({ kpiOutbox: 'period' })
  }
}
