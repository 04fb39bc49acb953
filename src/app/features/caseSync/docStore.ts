/**
 * A case document at rest on this device (docs/case-sync.md "On the phone"). Every row is sealed
 * with the vault (src/app/features/cases/vault.ts encryptBytes), each under its own context, so a
 * row moved to another case or table does not open:
 * - `docUpdates`: the doc's Yjs updates (V2), append-only, one row per step (`case-doc|<docId>`);
 * - `docSync`: the engine's state (replica.ts exportState, which holds unsent edits) as JSON
 *   (`case-sync|<docId>`), with a revision `rev` and `upTo`: the last update row that state accounts
 *   for, and in the clear the device that counts the case (`countingDeviceId`);
 * - `docKeys`: the raw document key of each key generation (`case-key|<docId>|<gen>`).
 *
 * Two tabs may both append updates. A tab writes the state only when nobody else wrote since it
 * loaded (same `rev`, no foreign rows after `upTo`); otherwise it appends its rows only, and
 * whoever loads next applies the rows after `upTo` as local edits: they go out again (Yjs ignores
 * what a replica already has), so nothing typed in any tab is left unsent.
 */
import * as Y from 'yjs'
import { z } from 'zod'
import { replicaStateSchema, type ReplicaState } from '../../../shared/caseSync/replica'
import type { CaseDb } from '../cases/caseDb'
import type { Vault, VaultSealed } from '../cases/vault'

export const docContext = (docId: string) => `case-doc|${docId}`
export const syncContext = (docId: string) => `case-sync|${docId}`
export const keyContext = (docId: string, keyGen: number) => `case-key|${docId}|${keyGen}`

/** More update rows than this (accounted for by the state) are merged into one. */
export const COMPACT_AFTER = 50

const sealedSchema = z.object({ iv: z.instanceof(Uint8Array), ciphertext: z.instanceof(Uint8Array) })
const storedSyncSchema = z.object({ docId: z.guid(), rev: z.number().int().min(0), upTo: z.number().int().min(0), sealed: sealedSchema, countingDeviceId: z.string().max(200).optional() })
const storedKeySchema = z.object({ id: z.string(), docId: z.guid(), keyGen: z.number().int().min(1), sealed: sealedSchema })
const storedUpdateSchema = z.object({ seq: z.number().int().min(1), docId: z.guid(), sealed: sealedSchema })

export interface LoadedDoc {
  /** null: no sync state stored (a case not yet a document on this device). */
  state: ReplicaState | null
  rev: number
  upTo: number
  /** The updates the state accounts for, merged; null when there are none. */
  accounted: Uint8Array | null
  /** Rows after `upTo`: written by another tab after the state; applied as local edits. */
  later: Uint8Array[]
  /** The last row read: a writer that applied them all accounts for every row up to here. */
  maxSeq: number
  keys: Map<number, CryptoKey>
}

const importDk = (raw: Uint8Array<ArrayBuffer>) => crypto.subtle.importKey('raw', raw, 'AES-GCM', true, ['encrypt', 'decrypt'])
const bytes = (b: Uint8Array) => new Uint8Array(b) as Uint8Array<ArrayBuffer>

/** Everything stored of a doc, opened and validated. Rows that do not open (another vault) are left out. */
export async function loadDoc(db: CaseDb, vault: Vault, docId: string): Promise<LoadedDoc> {
  const [syncRow, rows, keyRows] = await Promise.all([db.docSync.get(docId), db.docUpdates.where('docId').equals(docId).toArray(), db.docKeys.where('docId').equals(docId).toArray()])
  let state: ReplicaState | null = null
  let rev = 0
  let upTo = 0
  const sync = storedSyncSchema.safeParse(syncRow)
  if (sync.success && sync.data.docId === docId) {
    rev = sync.data.rev
    upTo = sync.data.upTo
    try {
      const plain = await vault.decryptBytes(sync.data.sealed as VaultSealed, syncContext(docId))
      state = replicaStateSchema.parse(JSON.parse(new TextDecoder().decode(plain)))
      if (state.docId !== docId) state = null
    } catch {
      state = null
    }
  }
  const accounted: Uint8Array[] = []
  const later: Uint8Array[] = []
  let maxSeq = upTo
  for (const raw of rows.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0))) {
    const row = storedUpdateSchema.safeParse(raw)
    if (!row.success || row.data.docId !== docId) continue
    maxSeq = Math.max(maxSeq, row.data.seq)
    let update: Uint8Array
    try {
      update = await vault.decryptBytes(row.data.sealed as VaultSealed, docContext(docId))
    } catch {
      continue
    }
    if (state && row.data.seq <= upTo) accounted.push(update)
    else later.push(update)
  }
  const keys = new Map<number, CryptoKey>()
  for (const raw of keyRows) {
    const row = storedKeySchema.safeParse(raw)
    if (!row.success || row.data.docId !== docId) continue
    try {
      const plain = await vault.decryptBytes(row.data.sealed as VaultSealed, keyContext(docId, row.data.keyGen))
      keys.set(row.data.keyGen, await importDk(plain))
      plain.fill(0)
    } catch {
      // Not this vault's: of no use.
    }
  }
  return { state, rev, upTo, accounted: accounted.length ? Y.mergeUpdatesV2(accounted) : null, later, maxSeq, keys }
}

/** What one step leaves to store: the doc's new updates, the engine's state, new document keys. */
export interface DocWrite {
  docId: string
  updates: Uint8Array[]
  state: ReplicaState
  keys: { keyGen: number; key: CryptoKey }[]
  /** The device that counts the case (meta.countingDeviceId): kept in the clear beside the state (a device id is no health data). */
  countingDeviceId?: string
}
export interface SealedWrite {
  docId: string
  countingDeviceId?: string
  updates: VaultSealed[]
  state: VaultSealed
  keys: { keyGen: number; sealed: VaultSealed }[]
}

/** Seals a step's write (before the transaction: IndexedDB ends a transaction that waits on WebCrypto). */
export async function sealWrite(vault: Vault, w: DocWrite): Promise<SealedWrite> {
  const updates = await Promise.all(w.updates.map((u) => vault.encryptBytes(bytes(u), docContext(w.docId))))
  const state = await vault.encryptBytes(new TextEncoder().encode(JSON.stringify(w.state)), syncContext(w.docId))
  const keys = await Promise.all(
    w.keys.map(async ({ keyGen, key }) => {
      const raw = new Uint8Array(await crypto.subtle.exportKey('raw', key))
      try {
        return { keyGen, sealed: await vault.encryptBytes(raw, keyContext(w.docId, keyGen)) }
      } finally {
        raw.fill(0)
      }
    }),
  )
  return { docId: w.docId, updates, state, keys, ...(w.countingDeviceId ? { countingDeviceId: w.countingDeviceId } : {}) }
}

/**
 * Writes a sealed step; call inside a read-write transaction over docUpdates, docSync and docKeys.
 * `rev`/`upTo`: what the writer loaded. Returns the new ones, or `conflict` when another tab wrote
 * meanwhile (then only the rows were added; the writer must load again).
 */
export async function putWrite(db: CaseDb, w: SealedWrite, rev: number, upTo: number): Promise<{ conflict: boolean; rev: number; upTo: number; countingMoved?: boolean }> {
  const stored = storedSyncSchema.safeParse(await db.docSync.get(w.docId))
  const storedRev = stored.success ? stored.data.rev : 0
  const foreign = await db.docUpdates.where('seq').above(upTo).filter((r) => r.docId === w.docId).count()
  const seqs = w.updates.length ? ((await db.docUpdates.bulkAdd(w.updates.map((sealed) => ({ docId: w.docId, sealed })), { allKeys: true })) as number[]) : []
  for (const k of w.keys) await db.docKeys.put({ id: `${w.docId}|${k.keyGen}`, docId: w.docId, keyGen: k.keyGen, sealed: k.sealed })
  if (storedRev !== rev || foreign > 0) return { conflict: true, rev, upTo }
  const next = { rev: rev + 1, upTo: Math.max(upTo, ...seqs) }
  await db.docSync.put({ docId: w.docId, ...next, sealed: w.state, ...(w.countingDeviceId ? { countingDeviceId: w.countingDeviceId } : {}) })
  const before = stored.success ? stored.data.countingDeviceId : undefined
  return { conflict: false, ...next, countingMoved: before !== w.countingDeviceId }
}

/**
 * Merges the rows a doc's state accounts for into one, kept at the seq of the last of them (so
 * `upTo` stays right), in one transaction that first checks nothing changed meanwhile. Returns
 * whether it merged.
 */
export async function compactDoc(db: CaseDb, vault: Vault, docId: string): Promise<boolean> {
  const sync = storedSyncSchema.safeParse(await db.docSync.get(docId))
  if (!sync.success) return false
  const { upTo, rev } = sync.data
  const rows = (await db.docUpdates.where('docId').equals(docId).toArray()).filter((r) => (r.seq ?? 0) <= upTo)
  if (rows.length <= COMPACT_AFTER) return false
  const opened: Uint8Array[] = []
  for (const r of rows) {
    try {
      opened.push(await vault.decryptBytes(r.sealed as VaultSealed, docContext(docId)))
    } catch {
      return false // a row that does not open is not merged away
    }
  }
  const sealed = await vault.encryptBytes(bytes(Y.mergeUpdatesV2(opened)), docContext(docId))
  const seqs = rows.map((r) => r.seq!).sort((a, b) => a - b)
  const last = seqs.at(-1)!
  return db.transaction('rw', db.docUpdates, db.docSync, async () => {
    const now = storedSyncSchema.safeParse(await db.docSync.get(docId))
    const still = await db.docUpdates.bulkGet(seqs)
    if (!now.success || now.data.rev !== rev || still.some((r) => !r)) return false
    await db.docUpdates.bulkDelete(seqs.slice(0, -1))
    await db.docUpdates.put({ seq: last, docId, sealed })
    return true
  })
}
