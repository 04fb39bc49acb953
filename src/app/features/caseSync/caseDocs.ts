/**
 * The cases of this device as Yjs documents (issue 16, docs/case-sync.md "On the phone"). Each case
 * is a CaseReplica (src/shared/caseSync/replica.ts) whose doc, sync state and keys are stored
 * sealed (docStore.ts). After every step — a save, a pull answer, a server's answer — one
 * transaction writes the doc's new updates, the engine's state, the case as the rest of the app
 * reads it (the sealed row in `cases`, through `onCase`: lists, search and counts unchanged) and,
 * while something waits to go out, the outbox row `case-sync:<docId>` (docs/outbox.md).
 *
 * A save never undoes what another device did: `merge` applies only what changed since the
 * record's `base` (the doc as the caller last read it). When the doc moved on meanwhile, the
 * record's changes are made on a copy of the base and that difference is applied, so both sides
 * stay, and the caller gets the merged record back in the same synchronous step.
 */
import * as Y from 'yjs'
import { CaseReplica, initialState } from '../../../shared/caseSync/replica'
import { newDocumentKey, type Signer, type SignerKey } from '../../../shared/caseSync/messages'
import type { MethodDefinition } from '../../../shared/method/definition'
import { readMeta, readRecord, RECORD_MAP, writeMeta, writeRecord, type ReadResult } from '../../../shared/caseSync/recordDoc'
import type { CaseRecord } from '../../../shared/cases/v2'
import type { StoredCase } from '../../../shared/crypto/envelope'
import { enqueue } from '../../sync/outbox'
import type { CaseDb } from '../cases/caseDb'
import type { Vault } from '../cases/vault'
import { caseSyncItemId, type CaseSyncItem } from './caseSyncItem'
import { compactDoc, COMPACT_AFTER, loadDoc, putWrite, sealWrite } from './docStore'

export interface CaseDocsEnv {
  /** This device's id: who counts a case made here (null before the device is registered). */
  deviceId(): Promise<string | null>
  /**
   * Before the step's transaction (WebCrypto may not run inside one): what `onCase` stores beside
   * the row — the case's sealed facts for the steering measures (cases/caseFactsStore.ts).
   */
  prepare?(record: CaseRecord): Promise<unknown>
  /** Inside the step's transaction (over cases, the outbox and the case facts): store the case row, its facts and its counts. */
  onCase(row: StoredCase, prepared?: unknown): Promise<void>
  /**
   * Inside the step's transaction, after `onCase`: the device named to count the case changed (a
   * handover, or this device took the counting). The case's periods are sent again by every device
   * whose count it enters or leaves (docs/case-sync.md "The team").
   */
  onCountingMoved?(docId: string): Promise<void>
  /**
   * The method versions this phone knows (features/method/useMethod.ts): which answers are free text
   * under a newer version, and where a merged case stands (recordDoc.ts).
   */
  definitionFor?: (version: number) => MethodDefinition | undefined
}

interface Entry {
  docId: string
  replica: CaseReplica
  keys: Map<number, CryptoKey>
  newKeys: { keyGen: number; key: CryptoKey }[]
  /** The doc's updates since the last write, whatever their origin. */
  buffer: Uint8Array[]
  rev: number
  upTo: number
  stale: boolean
  lastState: string
  writes: number
  chain: Promise<unknown>
}

export type Origin = 'existing' | 'local' | 'remote'
export interface Merged {
  read: ReadResult
  /** The doc now: the base of the caller's next save. */
  base: Uint8Array
  /** The doc held changes the record did not: the caller takes `read.record`. */
  merged: boolean
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i])

/**
 * Writes the record; its `updatedAt` only when something else changed. A merge that brings nothing
 * new makes no update, so two devices that both have a case open do not send each other stamps forever.
 */
function writeTouching(doc: Y.Doc, record: CaseRecord, definitionFor?: (version: number) => MethodDefinition | undefined) {
  const stored = doc.getMap(RECORD_MAP).get('updatedAt')
  let changed = false
  const seen = () => void (changed = true)
  doc.on('updateV2', seen)
  try {
    writeRecord(doc, typeof stored === 'string' ? { ...record, updatedAt: stored } : record, undefined, definitionFor)
  } finally {
    doc.off('updateV2', seen)
  }
  if (changed && stored !== record.updatedAt) writeRecord(doc, record, undefined, definitionFor)
}

export class CaseDocs {
  /** Who signs what this device sends: set by the sync loop before it sends (core/deviceIdentity). */
  readonly signer: Signer = { deviceId: '', signingKey: undefined as unknown as CryptoKey }
  /** Whose signatures count: set by the sync loop (certified devices of the worker). */
  signerKey: SignerKey = async () => null
  private readonly entries = new Map<string, Entry>()
  private readonly loading = new Map<string, Promise<Entry | null>>()
  private readonly lastRead = new Map<string, Uint8Array>()

  constructor(
    readonly db: CaseDb,
    private readonly vault: Vault,
    private readonly env: CaseDocsEnv,
  ) {}

  /** Whether the case is a document on this device. */
  async has(docId: string): Promise<boolean> {
    return (await this.db.docSync.get(docId)) !== undefined || this.entries.has(docId)
  }

  /** Every case that is a document on this device. */
  async ids(): Promise<string[]> {
    return (await this.db.docSync.toCollection().primaryKeys()) as string[]
  }

  /**
   * The case's replica, loaded again when another tab wrote since. `local`: made here when absent
   * (key generation 1, counted by this device); `remote`: known from the server, to be pulled.
   */
  async ready(docId: string, origin: Origin = 'existing'): Promise<Entry | null> {
    const had = this.entries.get(docId)
    if (had) {
      await had.chain
      const stored = (await this.db.docSync.get(docId)) as { rev?: number } | undefined
      if (!had.stale && (stored?.rev ?? 0) === had.rev) return had
      this.entries.delete(docId)
    }
    let p = this.loading.get(docId)
    if (!p) {
      p = this.open(docId, origin).finally(() => this.loading.delete(docId))
      this.loading.set(docId, p)
    }
    return p
  }

  private async open(docId: string, origin: Origin): Promise<Entry | null> {
    const stored = await loadDoc(this.db, this.vault, docId)
    if (!stored.state && origin === 'existing' && !stored.later.length) return null
    const keys = stored.keys
    const replica = new CaseReplica(
      { docId, signer: this.signer, key: (gen) => keys.get(gen), signerKey: (d) => this.signerKey(d) },
      stored.state ?? initialState(docId),
      stored.accounted ?? undefined,
    )
    // Rows another tab wrote after the stored state: they go out again (Yjs ignores what it has).
    for (const u of stored.later) Y.applyUpdateV2(replica.doc, u)
    const e: Entry = { docId, replica, keys, newKeys: [], buffer: [], rev: stored.rev, upTo: stored.maxSeq, stale: false, lastState: '', writes: 0, chain: Promise.resolve() }
    replica.doc.on('updateV2', (u: Uint8Array) => void e.buffer.push(u))
    if (!stored.state && origin === 'local') {
      const key = await newDocumentKey()
      keys.set(1, key)
      e.newKeys.push({ keyGen: 1, key })
      replica.markNew()
      const deviceId = await this.env.deviceId()
      if (deviceId) writeMeta(replica.doc, { countingDeviceId: deviceId })
    }
    this.entries.set(docId, e)
    return e
  }

  private entry(docId: string): Entry {
    const e = this.entries.get(docId)
    if (!e) throw new Error(`case ${docId} is not loaded`)
    return e
  }

  /** The doc as the caller's base, when it last read it here (load or save). */
  baseOf(docId: string): Uint8Array | undefined {
    return this.lastRead.get(docId)
  }

  /**
   * Synchronous: the record's changes into the doc (since `base`, see the opening comment), and the
   * doc read back. Call `ready` first and `persist` after.
   */
  merge(docId: string, record: CaseRecord, base?: Uint8Array): Merged {
    const doc = this.entry(docId).replica.doc
    const now = Y.encodeStateAsUpdateV2(doc)
    let merged = false
    if (!base || sameBytes(base, now)) writeTouching(doc, record, this.env.definitionFor)
    else {
      const fork = new Y.Doc()
      Y.applyUpdateV2(fork, base)
      const before = Y.encodeStateVector(fork)
      writeTouching(fork, record, this.env.definitionFor)
      Y.applyUpdateV2(doc, Y.encodeStateAsUpdateV2(fork, before))
      fork.destroy()
      merged = true
    }
    const after = Y.encodeStateAsUpdateV2(doc)
    this.lastRead.set(docId, after)
    return { read: readRecord(doc, this.env.definitionFor), base: after, merged }
  }

  /** Stores what the last steps changed (see the opening comment). Steps of one case are written in order. */
  persist(docId: string): Promise<void> {
    const e = this.entry(docId)
    const updates = e.buffer.splice(0)
    const newKeys = e.newKeys.splice(0)
    const state = e.replica.exportState()
    const json = JSON.stringify(state)
    if (!updates.length && !newKeys.length && json === e.lastState) return e.chain.then(() => undefined)
    const read = updates.length ? readRecord(e.replica.doc, this.env.definitionFor) : undefined
    const countingDeviceId = readMeta(e.replica.doc).countingDeviceId
    const send = e.replica.hasUnsent || !e.replica.isCreated
    const run = e.chain.then(async () => {
      const sealed = await sealWrite(this.vault, { docId, updates, state, keys: newKeys, countingDeviceId })
      const row = read && !('problems' in read) ? await this.vault.seal(read.record) : undefined
      const prepared = row && read && !('problems' in read) ? await this.env.prepare?.(read.record as CaseRecord) : undefined
      const db = this.db
      await db.transaction('rw', [db.docUpdates, db.docSync, db.docKeys, db.cases, db.outbox, db.caseFacts], async () => {
        const r = await putWrite(db, sealed, e.rev, e.upTo)
        if (r.conflict) e.stale = true
        else Object.assign(e, { rev: r.rev, upTo: r.upTo })
        if (row) await this.env.onCase(row, prepared)
        if (r.countingMoved) await this.env.onCountingMoved?.(docId)
        if (send) await enqueue<CaseSyncItem>(db.outbox as never, { id: caseSyncItemId(docId), kind: 'case-sync', docId })
      })
      e.lastState = json
      if (updates.length && ++e.writes % 10 === 0) void this.compact(docId)
    })
    // Not written (storage full): what it held is written with the next step.
    e.chain = run.catch(() => {
      e.buffer.unshift(...updates)
      e.newKeys.unshift(...newKeys)
      e.lastState = ''
    })
    return run
  }

  private async compact(docId: string) {
    const count = await this.db.docUpdates.where('docId').equals(docId).count()
    if (count > COMPACT_AFTER) await compactDoc(this.db, this.vault, docId).catch(() => false)
  }

  /** One step of the engine, then stored. */
  async step<T>(docId: string, fn: (replica: CaseReplica, e: { keys: Map<number, CryptoKey>; addKey(gen: number, key: CryptoKey): void }) => Promise<T> | T, origin: Origin = 'existing'): Promise<T> {
    const e = await this.ready(docId, origin)
    if (!e) throw new Error(`case ${docId} is not a document here`)
    const out = await fn(e.replica, {
      keys: e.keys,
      addKey: (keyGen, key) => {
        if (e.keys.has(keyGen)) return
        e.keys.set(keyGen, key)
        e.newKeys.push({ keyGen, key })
      },
    })
    if (this.entries.get(docId) === e) await this.persist(docId)
    return out
  }

  /** Saves a record made or loaded here (a new case, a case opened again under a newer method): made a document when it is none yet. */
  async save(record: CaseRecord): Promise<Merged> {
    await this.ready(record.id, 'local')
    const merged = this.merge(record.id, record, this.lastRead.get(record.id))
    await this.persist(record.id)
    return merged
  }

  /** The case as its doc holds it (possibly breaking a limit after a merge: then with problems); undefined when it is no doc, or not pulled yet. */
  async load(docId: string): Promise<ReadResult | undefined> {
    if (!(await this.has(docId))) return undefined
    const e = await this.ready(docId)
    if (!e || e.replica.doc.getMap(RECORD_MAP).size === 0) return undefined
    this.lastRead.set(docId, Y.encodeStateAsUpdateV2(e.replica.doc))
    return readRecord(e.replica.doc, this.env.definitionFor)
  }

  /** Whether anything of the case waits to go out. */
  async waiting(docId: string): Promise<boolean> {
    const e = await this.ready(docId)
    return !!e && (e.replica.hasUnsent || !e.replica.isCreated)
  }

  /** Drops what is in memory (the vault locked). */
  forget(): void {
    this.entries.clear()
    this.lastRead.clear()
  }
}
