/**
 * One case on one device, as a sync engine without I/O (issue 16, docs/case-sync.md "The engine").
 * It holds the case's Y.Doc and decides what to send next and what the server's answers mean; the
 * caller moves the messages (fetch in the app, a simulated network in the property test) and
 * stores `exportState()` after every step, in the same transaction as the doc's updates.
 *
 * The protocol is secsync's (design in docs/case-sync.md): an update builds on the active
 * snapshot and carries the device's next clock; a snapshot names its parent, the parent's hash and
 * the last clock of every device it includes. Local edits wait in `unsent` until the server took
 * a message that includes them, so an edit made offline, or refused because someone else
 * snapshotted first, goes out again (Yjs ignores what a replica already has, so a resend is
 * harmless). One message is in flight at a time and it is resent byte for byte until answered: a
 * lost answer becomes a duplicate the server recognises by id.
 */
import * as Y from 'yjs'
import { z } from 'zod'
import { fromBase64, toBase64 } from '../crypto/backup'
import type { DocPull, SyncRefusal } from '../api/caseSync'
import {
  caseSnapshotSchema,
  caseUpdateSchema,
  CaseSyncError,
  makeSnapshot,
  makeUpdate,
  openSnapshot,
  openUpdate,
  snapshotHash,
  type CaseSnapshot,
  type CaseUpdate,
  type Signer,
  type SignerKey,
} from './messages'

/** A snapshot after this many updates under the active one (secsync measured 200–500 as the sweet spot). */
export const SNAPSHOT_EVERY = 300
/** … or when the updates under the active snapshot hold this many ciphertext characters. */
export const SNAPSHOT_CHARS = 256 * 1024
/** The origin of changes that came from the server: they are not sent back. */
export const REMOTE = Symbol('case-sync-remote')

const b64 = z.string().max(5_000_000)
const pendingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('update'), message: caseUpdateSchema, included: z.number().int().min(0) }),
  z.object({ kind: z.enum(['snapshot', 'create']), message: caseSnapshotSchema, included: z.number().int().min(0), stateVector: b64 }),
])
export type Pending = z.infer<typeof pendingSchema>
export type PendingUpdate = Extract<Pending, { kind: 'update' }>
/** A first snapshot (`create`) or a later one. */
export type PendingSnapshot = Exclude<Pending, PendingUpdate>

/** What a device keeps about a case's sync (stored sealed by the app: `unsent` holds case content). */
export const replicaStateSchema = z.object({
  docId: z.guid(),
  snapshotId: z.guid().nullable(),
  snapshotHash: z.string().nullable(),
  keyGen: z.number().int().min(1),
  /**
   * The key generation of the active snapshot (0: not known, a state stored before it was kept).
   * Every update under a snapshot is under its generation (the server takes no other): one under an
   * older generation is someone's who was removed, passed on by the server, and is not applied.
   */
  snapshotKeyGen: z.number().int().min(0).default(0),
  /** The last server sequence number applied under the active snapshot. */
  lastSeq: z.number().int().min(0),
  /** This device's last clock the server took under the active snapshot. */
  clock: z.number().int().min(0),
  /** Per device, the last clock applied under the active snapshot: what a snapshot claims to include. */
  serverClocks: z.record(z.string(), z.number().int().min(0)),
  updatesSinceSnapshot: z.number().int().min(0),
  charsSinceSnapshot: z.number().int().min(0),
  requiresSnapshot: z.boolean(),
  /** Updates under the active snapshot this device could not verify: it does not snapshot over them. */
  unverified: z.array(z.string()),
  /** Local Yjs updates (base64) not yet in a message the server took. */
  unsent: z.array(b64),
  pending: pendingSchema.nullable(),
  /** A pull is needed before the next send (the server said the device is behind). */
  behind: z.boolean(),
})
export type ReplicaState = z.infer<typeof replicaStateSchema>

export type Outgoing = Pending
export interface PullRequest {
  known: string | null
  after: number
  /** Changes whenever the state moves: an answer to an older request is not applied to a newer state. */
  token: number
}

export interface ReplicaOptions {
  docId: string
  signer: Signer
  /** The document key of a key generation, when this device has it. */
  key: (keyGen: number) => CryptoKey | undefined
  signerKey: SignerKey
  snapshotEvery?: number
  snapshotChars?: number
}

export function initialState(docId: string): ReplicaState {
  return {
    docId,
    snapshotId: null,
    snapshotHash: null,
    keyGen: 1,
    snapshotKeyGen: 0,
    lastSeq: 0,
    clock: 0,
    serverClocks: {},
    updatesSinceSnapshot: 0,
    charsSinceSnapshot: 0,
    requiresSnapshot: false,
    unverified: [],
    unsent: [],
    pending: null,
    behind: true,
  }
}

export class CaseReplica {
  readonly doc: Y.Doc
  private state: ReplicaState
  private token = 0
  private readonly every: number
  private readonly chars: number

  /**
   * `docState`: the document as stored on the device (an encoded Yjs state). A new case starts
   * from `initialState(docId)` and creates itself on the server with its first snapshot.
   */
  constructor(
    private readonly o: ReplicaOptions,
    state: ReplicaState = initialState(o.docId),
    docState?: Uint8Array,
  ) {
    this.state = replicaStateSchema.parse(state)
    this.every = o.snapshotEvery ?? SNAPSHOT_EVERY
    this.chars = o.snapshotChars ?? SNAPSHOT_CHARS
    this.doc = new Y.Doc()
    if (docState) Y.applyUpdateV2(this.doc, docState, REMOTE)
    // A local edit only adds to `unsent`: it does not move the token, or a pull answer would be
    // dropped whenever the worker saved while it was under way (every 50 ms while typing).
    this.doc.on('updateV2', (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) return
      this.state.unsent.push(toBase64(update))
    })
  }

  /** What to store (with `Y.encodeStateAsUpdateV2(doc)`) after every step. */
  exportState(): ReplicaState {
    return structuredClone(this.state)
  }

  get hasUnsent(): boolean {
    return this.state.unsent.length > 0 || this.state.pending !== null
  }
  get isCreated(): boolean {
    return this.state.snapshotId !== null
  }
  get needsPull(): boolean {
    return this.state.behind
  }

  private moved() {
    this.token++
  }

  pullRequest(): PullRequest {
    return { known: this.state.snapshotId, after: this.state.lastSeq, token: this.token }
  }

  /** The message to send now, or null (nothing to send, or a pull must come first). Built once, then resent as it is. */
  async outgoing(): Promise<Outgoing | null> {
    const s = this.state
    if (s.pending) return s.pending
    if (s.snapshotId === null) {
      if (s.behind) return null
      return this.prepareSnapshot('create')
    }
    if (s.behind) return null
    const due = s.requiresSnapshot || s.updatesSinceSnapshot >= this.every || s.charsSinceSnapshot >= this.chars
    if (due && s.unverified.length === 0 && this.o.key(s.keyGen)) return this.prepareSnapshot('snapshot')
    if (s.requiresSnapshot || s.unsent.length === 0) return null
    const key = this.o.key(s.keyGen)
    if (!key) throw new CaseSyncError('no-key')
    const included = s.unsent.length
    const merged = Y.mergeUpdatesV2(s.unsent.map((u) => fromBase64(u)))
    const message = await makeUpdate(key, this.o.signer, { id: crypto.randomUUID(), docId: s.docId, snapshotId: s.snapshotId, clock: s.clock + 1, keyGen: s.keyGen }, merged)
    s.pending = { kind: 'update', message, included }
    this.moved()
    return s.pending
  }

  private async prepareSnapshot(kind: 'create' | 'snapshot'): Promise<Outgoing> {
    const s = this.state
    const key = this.o.key(s.keyGen)
    if (!key) throw new CaseSyncError('no-key')
    const included = s.unsent.length
    const stateVector = toBase64(Y.encodeStateVector(this.doc))
    const content = Y.encodeStateAsUpdateV2(this.doc)
    const message = await makeSnapshot(
      key,
      this.o.signer,
      { id: crypto.randomUUID(), docId: s.docId, parentId: s.snapshotId, parentHash: s.snapshotHash, clocks: kind === 'create' ? {} : { ...s.serverClocks }, keyGen: s.keyGen },
      content,
    )
    // Clocks of 0 are not real clocks: a snapshot names only devices that sent under the parent.
    for (const [d, c] of Object.entries(message.clocks)) if (c === 0) throw new Error(`clock 0 for ${d}`)
    s.pending = { kind, message, included, stateVector }
    this.moved()
    return s.pending
  }

  /** A new case: nothing on the server yet, nothing to pull. */
  markNew(): void {
    this.state.behind = false
    this.moved()
  }

  /** The server took the message (`seq` for an update). An answer to a message no longer pending is ignored. */
  async accepted(o: Outgoing): Promise<void> {
    const s = this.state
    if (!s.pending || s.pending.message.id !== o.message.id) return
    if (o.kind === 'update') {
      s.clock = o.message.clock
      s.serverClocks[o.message.deviceId] = Math.max(s.serverClocks[o.message.deviceId] ?? 0, o.message.clock)
      s.updatesSinceSnapshot++
      s.charsSinceSnapshot += o.message.ciphertext.length
    } else {
      await this.enterSnapshot(o.message)
    }
    s.unsent.splice(0, s.pending.included)
    s.pending = null
    this.moved()
  }

  /** The server refused the message. Whatever it held stays in `unsent` and goes out again. */
  refused(o: Outgoing, code: SyncRefusal | 'exists', expected?: number): void {
    const s = this.state
    if (!s.pending || s.pending.message.id !== o.message.id) return
    s.pending = null
    if (code === 'clock-mismatch' && expected !== undefined && expected >= 1) s.clock = expected - 1
    else if (code === 'snapshot-required') s.requiresSnapshot = true
    else s.behind = true
    this.moved()
  }

  private async enterSnapshot(snapshot: CaseSnapshot) {
    const s = this.state
    s.snapshotId = snapshot.id
    s.snapshotHash = await snapshotHash(snapshot)
    s.keyGen = Math.max(s.keyGen, snapshot.keyGen)
    s.snapshotKeyGen = snapshot.keyGen
    s.lastSeq = 0
    s.clock = 0
    s.serverClocks = {}
    s.updatesSinceSnapshot = 0
    s.charsSinceSnapshot = 0
    s.unverified = []
    s.requiresSnapshot = false
  }

  /**
   * Applies a pull answer: the active snapshot (when new to the device, after its signature and its
   * link to the one this device had are checked) and the updates after it, in the server's order.
   * An answer to an older request is ignored; the next pull asks again.
   */
  async receive(pull: Pick<DocPull, 'doc' | 'snapshot' | 'updates'> & { more?: boolean }, request: PullRequest): Promise<void> {
    const s = this.state
    if (request.token !== this.token) return
    if (pull.snapshot && pull.snapshot.id !== s.snapshotId) {
      const snap = pull.snapshot
      if (snap.docId !== s.docId) throw new CaseSyncError('tampered')
      // The chain: a snapshot that follows the one this device had must name it and its hash.
      if (s.snapshotId !== null && snap.parentId === s.snapshotId && snap.parentHash !== s.snapshotHash) throw new CaseSyncError('broken-chain')
      // Key generations only go up: an older one is a removed member's key (the server takes no such snapshot).
      if (snap.keyGen < s.keyGen || snap.keyGen < s.snapshotKeyGen) throw new CaseSyncError('tampered')
      const key = this.o.key(snap.keyGen)
      if (!key) throw new CaseSyncError('no-key')
      const content = await openSnapshot(snap, key, this.o.signerKey)
      Y.applyUpdateV2(this.doc, content, REMOTE)
      const mine = s.pending && s.pending.kind !== 'update' && s.pending.message.id === snap.id ? s.pending.included : 0
      await this.enterSnapshot(snap)
      // Our own snapshot, whose answer was lost: what it included is on the server now.
      s.unsent.splice(0, mine)
      s.pending = null
    }
    if (s.snapshotId === null) return
    const fresh = pull.updates.filter(({ seq, update }) => seq > s.lastSeq && update.snapshotId === s.snapshotId)
    if (fresh.some(({ update }) => update.docId !== s.docId)) throw new CaseSyncError('tampered')
    // Signatures checked and ciphertexts opened side by side (WebCrypto is asynchronous); applied in the server's order.
    const opened = await Promise.all(
      fresh.map(async ({ update }) => {
        const key = s.snapshotKeyGen === 0 || update.keyGen === s.snapshotKeyGen ? this.o.key(update.keyGen) : undefined
        try {
          if (!key) throw new CaseSyncError('no-key')
          return await openUpdate(update, key, this.o.signerKey)
        } catch (e) {
          if (!(e instanceof CaseSyncError)) throw e
          return null
        }
      }),
    )
    for (const [k, { seq, update }] of fresh.entries()) {
      const content = opened[k]
      if (content) Y.applyUpdateV2(this.doc, content, REMOTE)
      else s.unverified.push(update.id)
      s.lastSeq = seq
      // This device's own update, already counted when the server took it: not counted twice.
      const ownCounted = update.deviceId === this.o.signer.deviceId && update.clock <= s.clock
      s.serverClocks[update.deviceId] = Math.max(s.serverClocks[update.deviceId] ?? 0, update.clock)
      if (!ownCounted) {
        s.updatesSinceSnapshot++
        s.charsSinceSnapshot += update.ciphertext.length
      }
      if (s.pending?.kind === 'update' && s.pending.message.id === update.id) {
        // Our own update, whose answer was lost.
        s.unsent.splice(0, s.pending.included)
        s.pending = null
      }
      if (update.deviceId === this.o.signer.deviceId) s.clock = Math.max(s.clock, update.clock)
    }
    s.keyGen = Math.max(s.keyGen, pull.doc.keyGen)
    s.requiresSnapshot = pull.doc.requiresSnapshot
    if (s.pending && buildsOn(s.pending) !== s.snapshotId) s.pending = null
    if (!pull.more) s.behind = false
    this.moved()
  }

  /** Updates this device could not verify under the active snapshot (shown to the worker). */
  get unverifiedCount(): number {
    return this.state.unverified.length
  }
}

/** Which snapshot an outgoing message builds on. */
export const buildsOn = (o: Outgoing): string | null => (o.kind === 'update' ? o.message.snapshotId : o.message.parentId)
export type { CaseUpdate, CaseSnapshot }
