/** The social worker's cases on the device: encrypted envelopes plus the wrapped data key. */
import { Dexie, type EntityTable } from 'dexie'
import type { KeyRecord, StoredCase } from '../../../shared/crypto/envelope'
import { z } from 'zod'
import { caseIndexSchema } from '../../../shared/cases/caseIndex'
import { DATABASES } from '../../core/storageNames'

export const CASE_DB_NAME = DATABASES.cases

/** A period whose counts changed and must be sent upstream (written with the case, in one transaction). */
export interface KpiOutboxItem {
  period: string
  attempts: number
  nextAttemptAt: number
  /** Rises with every change: a send only clears the item if nothing changed while it was under way. */
  revision?: number
  /** Why the server refused the last snapshot of this period (a code, kpiSyncCore.ts); the period stays until it is taken. */
  refused?: string
}

/** What a case removed after its retention period still contributes to the counts: dates and categories only. */
export const countedCaseSchema = z.strictObject({
  id: z.guid(),
  ...caseIndexSchema.pick({ pathway: true, municipality: true, referrerType: true, referredAt: true, includedAt: true, completedAt: true }).shape,
})
export type CountedCase = z.infer<typeof countedCaseSchema>

const countedPart = z.object(countedCaseSchema.shape)
/** The counting part of a stored case (its clear index), or undefined when the row is not a valid case. */
export function countedCaseOf(stored: unknown): CountedCase | undefined {
  const parsed = countedPart.safeParse(stored)
  if (!parsed.success) return undefined
  return Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) as CountedCase
}

export class CaseDb extends Dexie {
  keys!: EntityTable<KeyRecord, 'name'>
  cases!: EntityTable<StoredCase, 'id'>
  kpiOutbox!: EntityTable<KpiOutboxItem, 'period'>
  countedCases!: EntityTable<CountedCase, 'id'>

  constructor(name: string = CASE_DB_NAME) {
    super(name)
    this.version(1).stores({ keys: 'name', cases: 'id, status, pathway, updatedAt, closedAt' })
    this.version(2).stores({ kpiOutbox: 'period' })
    this.version(3).stores({ countedCases: 'id' })
  }
}
