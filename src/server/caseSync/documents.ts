/**
 * The case-sync rules (docs/case-sync.md, "Server"; secsync's backend): each write runs in one
 * transaction that first locks the document's row (SELECT … FOR UPDATE), so concurrent writers —
 * in one process or several — take their turn and every check sees the other's result.
 *
 * - an update builds on the active snapshot, under the current key generation, with the device's
 *   next clock under that snapshot; an id is stored once (a resend of the same is a duplicate);
 * - a snapshot names the active snapshot and its stored hash, and exactly the server's last clock
 *   per device under it; once taken, older updates are deleted and older snapshots keep only their
 *   proof row (body NULL), so deleted text leaves the server.
 *
 * The routes (routes/caseSync.ts) have checked the shape, the sender and the signatures.
 */
import type { CreateDoc, SyncRefusal } from '../../shared/api/caseSync'
import { snapshotHash, type CaseKeyBox, type CaseSnapshot, type CaseUpdate } from '../../shared/caseSync/messages'
import type { Database, Queryable } from '../db/types'
import { logAccess, type Actor } from './access'

export type Written<T> =
  | { ok: true; status: 200 | 201; value: T }
  | { ok: false; status: 400 | 404 | 409; code: SyncRefusal | 'not-found' | 'exists' | 'bad-parent-hash' | 'bad-key-generation'; error: string; expected?: number }

const refused = (code: SyncRefusal, error: string, expected?: number): Written<never> => ({ ok: false, status: 409, code, error, ...(expected === undefined ? {} : { expected }) })
const NOT_FOUND: Written<never> = { ok: false, status: 404, code: 'not-found', error: 'No such case for you.' }
const FUTURE_KEY: Written<never> = { ok: false, status: 400, code: 'bad-key-generation', error: 'The case has no such key generation yet.' }

export interface DocRow {
  id: string
  organisation_id: string
  key_gen: number
  active_snapshot_id: string
  requires_snapshot: boolean
  role: 'lead' | 'member'
}

/**
 * A member counts only while they are still a sociaal-werker of the organisation they act for on the
 * case (the case's own, or for an invited professional their own: docs/case-sync.md "Another
 * organisation"): someone who left it keeps no access through a device approved elsewhere
 * (`m`: sync_members; `d`, sync_documents, is no longer needed but stays joined by the callers).
 */
export const STILL_IN_ORGANISATION = `EXISTS (SELECT 1 FROM memberships ms WHERE ms.user_id = m.user_id AND ms.organisation_id = m.organisation_id AND ms.role = 'sociaal-werker')`

/**
 * …and the session's device is of that organisation (`param`: the SQL parameter holding the
 * device's organisation): a device approved in another organisation of the same person opens
 * nothing, since the beheerder of the organisation they act for could not revoke it.
 */
export const ACTING_ON_ITS_DEVICE = (param: string) => `${STILL_IN_ORGANISATION} AND m.organisation_id = ${param}`

/** Who asks, as the membership checks need it: the person and the organisation of the session's device. */
export interface Asker {
  userId: string
  organisationId: string
}

/** The document, if the user is a member, its row locked for this transaction (writers: 'update'; readers: 'share'). */
export async function memberDoc(tx: Queryable, docId: string, asker: Asker, lock: 'update' | 'share'): Promise<DocRow | undefined> {
  const { rows } = await tx.query<DocRow>(
    `SELECT d.id, d.organisation_id, d.key_gen, d.active_snapshot_id, d.requires_snapshot, m.role
     FROM sync_documents d JOIN sync_members m ON m.document_id = d.id AND m.user_id = $2
     WHERE d.id = $1 AND ${ACTING_ON_ITS_DEVICE('$3')} FOR ${lock === 'update' ? 'UPDATE' : 'SHARE'} OF d`,
    [docId, asker.userId, asker.organisationId],
  )
  return rows[0]
}

/** The same message field by field (jsonb keeps no key order). */
function same(a: object, b: object): boolean {
  const keys = (o: object) => Object.keys(o).sort()
  const ka = keys(a)
  return JSON.stringify(ka) === JSON.stringify(keys(b)) && ka.every((k) => JSON.stringify((a as Record<string, unknown>)[k]) === JSON.stringify((b as Record<string, unknown>)[k]))
}
const sameClocks = (a: Record<string, number>, b: Record<string, number>) => same(a, b)

/** The last clock of each device under a snapshot, as the server holds them. */
async function serverClocks(tx: Queryable, snapshotId: string): Promise<Record<string, number>> {
  const { rows } = await tx.query<{ device_id: string; last: number }>('SELECT device_id, max(clock)::int AS last FROM sync_updates WHERE snapshot_id = $1 GROUP BY device_id', [snapshotId])
  return Object.fromEntries(rows.map((r) => [r.device_id, r.last]))
}

async function insertSnapshot(tx: Queryable, s: CaseSnapshot, at: Date) {
  await tx.query(
    `INSERT INTO sync_snapshots (id, document_id, parent_id, parent_hash, snapshot_hash, clocks, device_id, key_gen, body, created_at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9::jsonb, $10)`,
    [s.id, s.docId, s.parentId, s.parentHash, await snapshotHash(s), JSON.stringify(s.clocks), s.deviceId, s.keyGen, JSON.stringify(s), at],
  )
}

/** A snapshot id already stored: the same snapshot again (200), or another under that id. */
async function knownSnapshot(tx: Queryable, s: CaseSnapshot): Promise<Written<{ duplicate: true }> | undefined> {
  const { rows } = await tx.query<{ document_id: string; parent_id: string | null; snapshot_hash: string; clocks: Record<string, number>; device_id: string; key_gen: number }>(
    'SELECT document_id, parent_id, snapshot_hash, clocks, device_id, key_gen FROM sync_snapshots WHERE id = $1',
    [s.id],
  )
  const r = rows[0]
  if (!r) return undefined
  const identical = r.document_id === s.docId && r.parent_id === s.parentId && r.snapshot_hash === (await snapshotHash(s)) && r.device_id === s.deviceId && r.key_gen === s.keyGen && sameClocks(r.clocks, s.clocks)
  return identical ? { ok: true, status: 200, value: { duplicate: true } } : refused('id-reused', 'That snapshot id is taken by another snapshot.')
}

/** A new case: its first snapshot, the creator's key box, the creator as lead. The same request again is a duplicate. */
export async function createDoc(db: Database, c: CreateDoc, actor: Actor, at: Date): Promise<Written<{ duplicate: boolean }>> {
  const { snapshot: s, keyBox } = c
  return db.transaction(async (tx) => {
    const made = await tx.query(
      `INSERT INTO sync_documents (id, organisation_id, created_by, key_gen, active_snapshot_id, created_at) VALUES ($1, $2, $3, 1, $4, $5) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [s.docId, actor.organisationId, actor.userId, s.id, at],
    )
    if (!made.rows.length) {
      const { rows } = await tx.query<{ created_by: string | null; box: CaseKeyBox | null }>(
        `SELECT d.created_by, k.box FROM sync_documents d
         LEFT JOIN sync_key_boxes k ON k.document_id = d.id AND k.key_gen = 1 AND k.user_id = $2 AND k.user_key_id = $3
         WHERE d.id = $1 FOR UPDATE OF d`,
        [s.docId, actor.userId, keyBox.userKeyId],
      )
      const known = rows[0]?.created_by === actor.userId && rows[0].box && same(rows[0].box, keyBox) ? await knownSnapshot(tx, s) : undefined
      if (known?.ok) return known
      return { ok: false, status: 409, code: 'exists', error: 'A case with this id exists.' }
    }
    if (await knownSnapshot(tx, s)) throw new IdTaken()
    await insertSnapshot(tx, s, at)
    await tx.query('INSERT INTO sync_members (document_id, user_id, role, added_at) VALUES ($1, $2, $3, $4)', [s.docId, actor.userId, 'lead', at])
    await tx.query('INSERT INTO sync_key_boxes (document_id, key_gen, user_id, user_key_id, box) VALUES ($1, $2, $3, $4, $5::jsonb)', [
      s.docId,
      keyBox.keyGen,
      keyBox.userId,
      keyBox.userKeyId,
      JSON.stringify(keyBox),
    ])
    await logAccess(tx, actor, s.docId, 'create', at)
    return { ok: true, status: 201, value: { duplicate: false } }
  })
}

/** A snapshot id that belongs to another case: the whole create is undone (the route answers 409 id-reused). */
export class IdTaken extends Error {
  constructor() {
    super('id-reused')
  }
}

export async function storeUpdate(db: Database, u: CaseUpdate, actor: Actor, at: Date): Promise<Written<{ seq: number; duplicate: boolean }>> {
  return db.transaction(async (tx) => {
    const doc = await memberDoc(tx, u.docId, actor, 'update')
    if (!doc) return NOT_FOUND
    const { rows: stored } = await tx.query<{ seq: string; body: CaseUpdate }>('SELECT seq::text AS seq, body FROM sync_updates WHERE id = $1', [u.id])
    if (stored[0]) {
      if (same(stored[0].body, u)) return { ok: true, status: 200, value: { seq: Number(stored[0].seq), duplicate: true } }
      return refused('id-reused', 'That update id is taken by another update.')
    }
    if (doc.requires_snapshot) return refused('snapshot-required', 'The key generation changed: send a snapshot under the new one first.')
    if (u.snapshotId !== doc.active_snapshot_id) return refused('snapshot-outdated', 'The update does not build on the active snapshot: pull first.')
    if (u.keyGen < doc.key_gen) return refused('key-outdated', 'The update is written under an older key generation.')
    if (u.keyGen > doc.key_gen) return FUTURE_KEY
    const { rows: last } = await tx.query<{ last: number | null }>('SELECT max(clock)::int AS last FROM sync_updates WHERE snapshot_id = $1 AND device_id = $2', [u.snapshotId, u.deviceId])
    const expected = (last[0]?.last ?? 0) + 1
    if (u.clock !== expected) return refused('clock-mismatch', `This device's next clock under the snapshot is ${expected}.`, expected)
    const { rows } = await tx.query<{ seq: string }>(
      `INSERT INTO sync_updates (id, document_id, snapshot_id, device_id, clock, key_gen, body, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8) RETURNING seq::text AS seq`,
      [u.id, u.docId, u.snapshotId, u.deviceId, u.clock, u.keyGen, JSON.stringify(u), at],
    )
    await logAccess(tx, actor, u.docId, 'update', at)
    return { ok: true, status: 201, value: { seq: Number(rows[0]!.seq), duplicate: false } }
  })
}

export async function storeSnapshot(db: Database, s: CaseSnapshot, actor: Actor, at: Date): Promise<Written<{ duplicate: boolean }>> {
  return db.transaction(async (tx) => {
    const doc = await memberDoc(tx, s.docId, actor, 'update')
    if (!doc) return NOT_FOUND
    const known = await knownSnapshot(tx, s)
    if (known) return known
    if (s.parentId !== doc.active_snapshot_id) return refused('snapshot-outdated', 'The snapshot does not build on the active snapshot: pull first.')
    const { rows: parent } = await tx.query<{ snapshot_hash: string }>('SELECT snapshot_hash FROM sync_snapshots WHERE id = $1', [doc.active_snapshot_id])
    if (s.parentHash !== parent[0]!.snapshot_hash) return { ok: false, status: 400, code: 'bad-parent-hash', error: "parentHash is not the active snapshot's hash." }
    if (s.keyGen < doc.key_gen) return refused('key-outdated', 'The snapshot is written under an older key generation.')
    if (s.keyGen > doc.key_gen) return FUTURE_KEY
    if (!sameClocks(s.clocks, await serverClocks(tx, doc.active_snapshot_id))) return refused('clocks-mismatch', "The snapshot's clocks differ from the updates the server holds: pull first.")
    await insertSnapshot(tx, s, at)
    await tx.query('UPDATE sync_documents SET active_snapshot_id = $2, requires_snapshot = false WHERE id = $1', [s.docId, s.id])
    // The purge: what the new snapshot replaces leaves the server; the proof rows stay.
    await tx.query('DELETE FROM sync_updates WHERE document_id = $1 AND snapshot_id <> $2', [s.docId, s.id])
    await tx.query('UPDATE sync_snapshots SET body = NULL WHERE document_id = $1 AND id <> $2 AND body IS NOT NULL', [s.docId, s.id])
    await logAccess(tx, actor, s.docId, 'snapshot', at)
    return { ok: true, status: 201, value: { duplicate: false } }
  })
}
