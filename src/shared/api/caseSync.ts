/**
 * The case-sync API (issue 16, docs/case-sync.md; src/server/routes/caseSync.ts). Every route needs
 * a session bound to an approved device of a sociaal-werker (requireApprovedDevice). The server
 * checks structure, membership, order and signatures; it never reads a case.
 *
 * - GET  /api/case-sync/user-keys                → userKeyBoxesSchema: the user-key boxes sealed to this session's device
 * - POST /api/case-sync/user-keys                 userKeyBoxSchema → 201 | 200 (already there)
 * - GET  /api/case-sync/docs                     → docListSchema: the cases this user is a member of
 * - POST /api/case-sync/docs                      createDocSchema → 201 | 200 (same first snapshot again) | 409 exists
 * - GET  /api/case-sync/docs/:docId?known=<snapshotId>&after=<seq> → docPullSchema
 * - POST /api/case-sync/docs/:docId/updates       caseUpdateSchema → updateAcceptedSchema (201, or 200 when a duplicate) | 409 refusal
 * - POST /api/case-sync/docs/:docId/snapshots     caseSnapshotSchema → 201 | 200 (duplicate) | 409 refusal
 * - GET  /api/case-sync/docs/:docId/access-log   → accessLogSchema (members)
 * - GET  /api/case-sync/access-log?from=<date>&to=<date>&after=<id>[&format=csv] → accessExportSchema
 *        (a beheerder: the rows of their organisations, by day in the region's time zone; CSV on request)
 *
 * The writes answer storedSchema: 201 when stored, 200 with `duplicate` when the same was there.
 */
import { z } from 'zod'
import { sealedV2Schema } from '../crypto/sealed'
import { anyKeyBoxSchema } from '../caseSync/exchange'
import { caseKeyBoxSchema, caseSnapshotSchema, caseUpdateSchema, keyGenSchema } from '../caseSync/messages'

export { caseKeyBoxSchema, caseSnapshotSchema, caseUpdateSchema }

/** The context a user key is sealed under (src/shared/crypto/sealed.ts sealSigned), so a box cannot be moved to another user or key. */
export const userKeyContext = (userId: string, keyId: string) => `user-key|${userId}|${keyId}`
/** What a user-key box holds once opened. */
export const userKeyContentSchema = z.strictObject({ userId: z.guid(), keyId: z.guid(), key: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be a 32-byte base64 key') })
export type UserKeyContent = z.infer<typeof userKeyContentSchema>

/**
 * A user key sealed to one device of the same user (the box is sealed v2: signed by the device
 * that sealed it, which must be the session's own). The server checks that `deviceId` is an
 * approved, certified device of the same user and the only recipient of the box.
 */
export const userKeyBoxSchema = z.strictObject({ keyId: z.guid(), deviceId: z.guid(), box: sealedV2Schema })
export type UserKeyBox = z.infer<typeof userKeyBoxSchema>
export const userKeyBoxesSchema = z.object({ boxes: z.array(userKeyBoxSchema) })

export const docStateSchema = z.object({
  docId: z.guid(),
  keyGen: keyGenSchema,
  activeSnapshotId: z.guid(),
  /** The highest update sequence number under the active snapshot (0 when none). */
  lastSeq: z.number().int().min(0),
  /** Set after a key or membership change: the next writer sends a snapshot under the new key generation. */
  requiresSnapshot: z.boolean(),
  role: z.enum(['lead', 'member']),
})
export type DocState = z.infer<typeof docStateSchema>
export const docListSchema = z.object({ docs: z.array(docStateSchema) })

export const createDocSchema = z.strictObject({ keyBox: caseKeyBoxSchema, snapshot: caseSnapshotSchema })
export type CreateDoc = z.infer<typeof createDocSchema>

/** Updates come with the server's sequence number (ordering across devices; pagination). */
export const sequencedUpdateSchema = z.object({ seq: z.number().int().min(1), update: caseUpdateSchema })
export type SequencedUpdate = z.infer<typeof sequencedUpdateSchema>

/** Longest page of updates one pull returns; `more` says there are further ones. */
export const PULL_PAGE = 500

export const docPullSchema = z.object({
  doc: docStateSchema,
  /** The active snapshot, when `known` was not it (or was not given). */
  snapshot: caseSnapshotSchema.optional(),
  /** Updates under the active snapshot with seq > `after` (all of them when the snapshot is new to the device). */
  updates: z.array(sequencedUpdateSchema).max(PULL_PAGE),
  more: z.boolean(),
  /** The key boxes of this user for the case, every generation: under a user key, or to the user's exchange key (a colleague, src/shared/api/caseTeam.ts). */
  keyBoxes: z.array(anyKeyBoxSchema),
})
export type DocPull = z.infer<typeof docPullSchema>

export const updateAcceptedSchema = z.object({ seq: z.number().int().min(1), duplicate: z.boolean() })
export type UpdateAccepted = z.infer<typeof updateAcceptedSchema>

/**
 * Why the server refused a write (409 `code`):
 * - `snapshot-outdated`: the update or snapshot does not build on the active snapshot: pull, then go again;
 * - `clock-mismatch`: the update's clock is not the device's last + 1 (`expected` says which is);
 * - `clocks-mismatch`: a snapshot's clocks differ from what the server holds under its parent (the device missed updates);
 * - `snapshot-required`: the key generation changed; only a snapshot under the new generation is taken;
 * - `key-outdated`: written under an older key generation;
 * - `id-reused`: an id the server already holds for different content.
 */
export const SYNC_REFUSALS = ['snapshot-outdated', 'clock-mismatch', 'clocks-mismatch', 'snapshot-required', 'key-outdated', 'id-reused'] as const
export type SyncRefusal = (typeof SYNC_REFUSALS)[number]
export const syncRefusalSchema = z.object({ error: z.string(), code: z.enum(SYNC_REFUSALS), expected: z.number().int().optional() })

export const ACCESS_ACTIONS = ['create', 'fetch', 'update', 'snapshot', 'share', 'handover', 'remove', 'recover', 'invite', 'invite-plan', 'share-plan', 'plan-response'] as const
export const accessLogEntrySchema = z.object({
  at: z.string(),
  userId: z.guid().nullable(),
  userName: z.string().nullable(),
  deviceId: z.guid().nullable(),
  docId: z.guid(),
  action: z.enum(ACCESS_ACTIONS),
})
export const accessLogSchema = z.object({ entries: z.array(accessLogEntrySchema) })
export type AccessLogEntry = z.infer<typeof accessLogEntrySchema>

/** What a write answers (POST user-keys, docs, snapshots): 201 stored, or 200 when the same was already there. */
export const storedSchema = z.object({ duplicate: z.boolean() })

/** The beheerder's export: most rows per page; `next` is the `after` of the next page (null: no more). */
export const ACCESS_EXPORT_PAGE = 5000
export const accessExportEntrySchema = accessLogEntrySchema.extend({ id: z.number().int().min(1), organisationId: z.guid().nullable() })
export const accessExportSchema = z.object({ entries: z.array(accessExportEntrySchema), next: z.number().int().nullable() })
export type AccessExport = z.infer<typeof accessExportSchema>
