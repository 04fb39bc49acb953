/**
 * The outbox row of a case document (docs/outbox.md, kind `case-sync`): something of the case waits
 * to go to the server (an edit not yet taken, the case not yet created there) or to come from it.
 * Its id names the case; the sync loop (caseSyncLoop.ts) removes it when nothing waits.
 */
import { z } from 'zod'
import { outboxItemSchema } from '../../sync/outbox'

export const CASE_SYNC_KIND = 'case-sync'
export const caseSyncItemSchema = outboxItemSchema.extend({ kind: z.literal(CASE_SYNC_KIND), docId: z.guid() })
export type CaseSyncItem = z.output<typeof caseSyncItemSchema>
export const caseSyncItemId = (docId: string) => `${CASE_SYNC_KIND}:${docId}`
