/** The social worker's cases on the device: encrypted envelopes plus the wrapped data key. */
import { Dexie, type EntityTable } from 'dexie'
import type { KeyRecord, StoredCase } from '../../../shared/crypto/envelope'
import { z } from 'zod'
import { caseIndexSchema } from '../../../shared/cases/caseIndex'
import { DATABASES } from '../../core/storageNames'
import { outboxItemSchema, type OutboxTable } from '../../sync/outbox'

export const CASE_DB_NAME = DATABASES.cases

/**
 * A period whose counts changed and must be sent upstream: a row of the one outbox (src/app/sync/outbox.ts),
 * written with the case in one transaction. Its id names the period (kpiItemId); the snapshot itself is built
 * at send time from the cases then on the device.
 */
export const kpiOutboxItemSchema = outboxItemSchema.extend({ kind: z.literal('kpi-snapshot'), period: z.string().regex(/^\d{4}-H[12]$/) })
export type KpiOutboxItem = z.output<typeof kpiOutboxItemSchema>

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

/** The outbox row of a period's counts. */
export const kpiItemId = (period: string) => `kpi-snapshot:${period}`

/** A user key on this device: the raw key sealed with the vault (`encryptBytes(raw, userKeyVaultContext(userId, keyId))`). */
export interface StoredUserKey {
  keyId: string
  userId: string
  createdAt: string
  sealed: { iv: Uint8Array; ciphertext: Uint8Array }
}
/** One Yjs update (V2) of a case, sealed with the vault (context `case-doc|<docId>`). */
export interface StoredDocUpdate {
  seq?: number
  docId: string
  sealed: { iv: Uint8Array; ciphertext: Uint8Array }
}
/** The sync state of a case (shape owned by features/caseSync; validated there on every read). */
export interface StoredDocSync {
  docId: string
  [key: string]: unknown
}
/** A document key: id `<docId>|<keyGen>`, the raw key sealed with the vault. */
export interface StoredDocKey {
  id: string
  docId: string
  keyGen: number
  sealed: { iv: Uint8Array; ciphertext: Uint8Array }
}

/**
 * What a case counts in the steering measures (src/shared/kpi/caseFacts.ts), sealed with the vault
 * (context `case-facts|<id>`, caseFactsStore.ts). `retained`: the case itself was removed after its
 * retention period and only this is left, like its counted case (docs/kpi.md).
 */
export interface StoredCaseFacts {
  id: string
  sealed: { iv: Uint8Array; ciphertext: Uint8Array }
  retained?: boolean
}

export class CaseDb extends Dexie {
  keys!: EntityTable<KeyRecord, 'name'>
  cases!: EntityTable<StoredCase, 'id'>
  /** The KPI periods waiting to be sent (and, later, case sync): src/app/sync/outbox.ts. */
  outbox!: OutboxTable<KpiOutboxItem>
  countedCases!: EntityTable<CountedCase, 'id'>
  /** Case sync (issue 16, docs/case-sync.md): this user's user keys, sealed with the vault (features/caseSync/userKey.ts). */
  userKeys!: EntityTable<StoredUserKey, 'keyId'>
  /** Each case's Yjs updates as made or received, sealed with the vault; append-only, compacted (features/caseSync). */
  docUpdates!: EntityTable<StoredDocUpdate, 'seq'>
  /** Each case's sync state: active snapshot, what the server has, the update waiting for an answer. */
  docSync!: EntityTable<StoredDocSync, 'docId'>
  /** Each case's document keys per key generation, sealed with the vault. */
  docKeys!: EntityTable<StoredDocKey, 'id'>
  /** Each case's facts for the steering measures, sealed (issue 18, caseFactsStore.ts). */
  caseFacts!: EntityTable<StoredCaseFacts, 'id'>

  constructor(name: string = CASE_DB_NAME) {
    super(name)
    this.version(1).stores({ keys: 'name', cases: 'id, status, pathway, updatedAt, closedAt' })
    this.version(2).stores({ kpiOutbox: 'period' })
    this.version(3).stores({ countedCases: 'id' })
    // The KPI outbox becomes a table of the one outbox: same periods, same revisions, a refusal code kept as its problem.
    this.version(4)
      .stores({ outbox: 'id, createdAt', kpiOutbox: null })
      .upgrade(async (tx) => {
        const at = new Date().toISOString()
        const old = (await tx.table('kpiOutbox').toArray()) as { period: string; attempts?: number; nextAttemptAt?: number; revision?: number; refused?: string }[]
        await tx.table('outbox').bulkPut(
          old.map((o) => ({ id: kpiItemId(o.period), kind: 'kpi-snapshot', period: o.period, createdAt: at, attempts: o.attempts ?? 0, nextAttemptAt: o.nextAttemptAt ?? 0, revision: o.revision ?? 1, ...(o.refused ? { problem: { status: 400, code: o.refused }, held: false } : {}) })),
        )
      })
    // Case sync (issue 16): user keys, each case's Yjs updates, sync state and document keys.
    this.version(5).stores({ userKeys: 'keyId, userId', docUpdates: '++seq, docId', docSync: 'docId', docKeys: 'id, docId' })
    // The steering measures (issue 18): each case's facts, sealed. Filled as cases are saved, and for
    // cases stored before, when counts next go out (caseFactsStore.ts backfill).
    this.version(6).stores({ caseFacts: 'id' })
  }
}
