/**
 * The case-sync routes (src/shared/api/caseSync.ts; docs/case-sync.md "On the phone"): the cases
 * of this worker, a case's pull, and the three writes. Answers are checked with the shared schemas;
 * a 409 refusal arrives as an ApiError whose `code` is the refusal (SYNC_REFUSALS or 'exists').
 */
import {
  docListSchema,
  docPullSchema,
  storedSchema,
  updateAcceptedSchema,
  type CreateDoc,
} from '../../shared/api/caseSync'
import type { CaseSnapshot, CaseUpdate } from '../../shared/caseSync/messages'
import { api } from '../core/http'

const doc = (docId: string) => `/api/case-sync/docs/${encodeURIComponent(docId)}`

/** The cases this worker is a member of. */
export const listSyncDocs = async () => (await api('GET', '/api/case-sync/docs', docListSchema)).docs
/** The active snapshot (when `known` is not it) and the updates after `after`. */
export const pullDoc = (docId: string, known: string | null, after: number) =>
  api('GET', `${doc(docId)}?${new URLSearchParams({ ...(known ? { known } : {}), after: String(after) }).toString()}`, docPullSchema)
export const createDoc = (body: CreateDoc) => api('POST', '/api/case-sync/docs', storedSchema, body)
export const postUpdate = (update: CaseUpdate) => api('POST', `${doc(update.docId)}/updates`, updateAcceptedSchema, update)
export const postSnapshot = (snapshot: CaseSnapshot) => api('POST', `${doc(snapshot.docId)}/snapshots`, storedSchema, snapshot)
