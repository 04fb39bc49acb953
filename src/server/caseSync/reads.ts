/**
 * What a member's device reads (docs/case-sync.md, "Server"): the cases of the user, and a pull of
 * one case — the active snapshot when the device does not know it, the updates under it after a
 * sequence number (a page at a time), and the user's key boxes. A pull reads under a share lock on
 * the document's row, so it never sees a snapshot without its updates (a snapshot being taken
 * waits, or is waited for), and it is logged as a fetch (NEN 7513).
 */
import { PULL_PAGE, type DocPull } from '../../shared/api/caseSync'
import type { CaseKeyBox, CaseSnapshot, CaseUpdate } from '../../shared/caseSync/messages'
import type { Database, Queryable } from '../db/types'
import { logAccess, type Actor } from './access'
import { ACTING_ON_ITS_DEVICE, memberDoc, type Asker, type DocRow } from './documents'

async function lastSeq(db: Queryable, snapshotId: string): Promise<number> {
  const { rows } = await db.query<{ last: string }>('SELECT coalesce(max(seq), 0)::text AS last FROM sync_updates WHERE snapshot_id = $1', [snapshotId])
  return Number(rows[0]!.last)
}

const stateOf = async (db: Queryable, d: Omit<DocRow, 'organisation_id'>) => ({
  docId: d.id,
  keyGen: d.key_gen,
  activeSnapshotId: d.active_snapshot_id,
  lastSeq: await lastSeq(db, d.active_snapshot_id),
  requiresSnapshot: d.requires_snapshot,
  role: d.role,
})

/** The cases the user is a member of, with their state (one query, however many cases). */
export async function docsOf(db: Queryable, asker: Asker) {
  const { rows } = await db.query<Omit<DocRow, 'organisation_id'> & { last_seq: string }>(
    `SELECT d.id, d.key_gen, d.active_snapshot_id, d.requires_snapshot, m.role,
            (SELECT coalesce(max(u.seq), 0) FROM sync_updates u WHERE u.snapshot_id = d.active_snapshot_id)::text AS last_seq
     FROM sync_documents d JOIN sync_members m ON m.document_id = d.id WHERE m.user_id = $1 AND ${ACTING_ON_ITS_DEVICE('$2')} ORDER BY d.created_at, d.id`,
    [asker.userId, asker.organisationId],
  )
  return rows.map((d) => ({ docId: d.id, keyGen: d.key_gen, activeSnapshotId: d.active_snapshot_id, lastSeq: Number(d.last_seq), requiresSnapshot: d.requires_snapshot, role: d.role }))
}

/** Whether the user is a member of the case (no lock). */
export async function isMember(db: Queryable, docId: string, asker: Asker): Promise<boolean> {
  return (await db.query(`SELECT 1 FROM sync_members m JOIN sync_documents d ON d.id = m.document_id WHERE m.document_id = $1 AND m.user_id = $2 AND ${ACTING_ON_ITS_DEVICE('$3')}`, [docId, asker.userId, asker.organisationId])).rows.length > 0
}

/**
 * A pull: undefined when the user is no member. `known` is the snapshot the device holds; when it
 * is not the active one the answer carries the active snapshot and its updates from the start.
 */
export async function pull(db: Database, docId: string, actor: Actor, known: string | undefined, after: number, at: Date): Promise<DocPull | undefined> {
  return db.transaction(async (tx) => {
    const doc = await memberDoc(tx, docId, actor, 'share')
    if (!doc) return undefined
    const fresh = known !== doc.active_snapshot_id
    const snapshot = fresh
      ? (await tx.query<{ body: CaseSnapshot }>('SELECT body FROM sync_snapshots WHERE id = $1', [doc.active_snapshot_id])).rows[0]!.body
      : undefined
    const { rows } = await tx.query<{ seq: string; body: CaseUpdate }>(
      'SELECT seq::text AS seq, body FROM sync_updates WHERE snapshot_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
      [doc.active_snapshot_id, fresh ? 0 : after, PULL_PAGE + 1],
    )
    const keyBoxes = await tx.query<{ box: CaseKeyBox }>('SELECT box FROM sync_key_boxes WHERE document_id = $1 AND user_id = $2 ORDER BY key_gen, user_key_id', [docId, actor.userId])
    // NEN 7513 logs access to the case: an answer with content. A check-in with nothing new (a sync
    // run's routine pull) carries none of it, and one row per poll would bury the real reads.
    if (snapshot || rows.length) await logAccess(tx, actor, docId, 'fetch', at)
    return {
      doc: await stateOf(tx, doc),
      ...(snapshot ? { snapshot } : {}),
      updates: rows.slice(0, PULL_PAGE).map((r) => ({ seq: Number(r.seq), update: r.body })),
      more: rows.length > PULL_PAGE,
      keyBoxes: keyBoxes.rows.map((r) => r.box),
    }
  })
}
