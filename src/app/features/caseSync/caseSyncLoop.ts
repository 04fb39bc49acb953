/**
 * The case sync loop (issue 16, docs/case-sync.md "On the phone"): one writer per device (a Web
 * Lock around each run, so two tabs never send with one device's clock), run at start, when the
 * device is back online or visible, after a save, and every few minutes while a case is open.
 *
 * A run: the cases of this worker on the server (new ones become documents here, changed ones get
 * an outbox row), cases made before case sync become documents, then the `case-sync` rows of the
 * one outbox (src/app/sync/outbox.ts) are flushed: per case, pull every page (new key boxes opened
 * with the worker's user keys, signed by a certified device of the worker), then send until
 * nothing waits. Each step is stored before the next (caseDocs.ts). A 409 of the protocol goes to
 * the engine; anything else follows the outbox's rule (offline or locked: later).
 */
import { SYNC_REFUSALS, type SyncRefusal } from '../../../shared/api/caseSync'
import { wrapDocumentKey, type SignerKey } from '../../../shared/caseSync/messages'
import { certificateSchema } from '../../../shared/devices/certificates'
import { createDoc, listSyncDocs, postSnapshot, postUpdate, pullDoc } from '../../api/caseSync'
import { listOwnDevices, type OwnDevices } from '../../api/userKeys'
import { ApiError } from '../../api/errors'
import { DeviceLockedError, deviceRecord, signingKey } from '../../core/deviceIdentity'
import { useSessionStore } from '../../core/useSessionStore'
import { flushOnTriggers } from '../../sync/flushTriggers'
import { classifyFailure, enqueue, Outbox, type Failure } from '../../sync/outbox'
import type { CaseDb } from '../cases/caseDb'
import { PasscodeError } from '../cases/vault'
import { useCaseVault } from '../cases/useCaseVault'
import { senderResolver } from '../referrals/trust'
import type { CaseDocs } from './caseDocs'
import { CASE_SYNC_KIND, caseSyncItemId, caseSyncItemSchema, type CaseSyncItem } from './caseSyncItem'
import { announceChanged, caseSyncStatus } from './caseSyncStatus'
import { sealUserKeysToRecovery } from './recoveryKeys'
import { ensureUserKey, userKeyOwner } from './userKey'
import { anyKeyBoxSchema, type ExchangeKey } from '../../../shared/caseSync/exchange'
import { listColleagues } from '../../api/caseTeam'
import { claimCounting, type CountingSelf } from './teamCounting'
import { adoptKpiDeviceId, kpiCounterId } from '../cases/kpiSync'
import { colleagueSigners, ensureExchangeKey, openKeyBoxes, withColleagues } from './teamKeys'

const LOCK = 'samenwerkwijze-case-sync'
/** Most exchanges with the server for one case in one run (pull pages and sends). */
const MAX_ROUNDS = 40

/** Offline, signed out, locked: later. The one outbox rule otherwise. */
export function classify(e: unknown): Failure {
  if (e instanceof DeviceLockedError || e instanceof PasscodeError) return { kind: 'later' }
  return classifyFailure(e)
}

/**
 * Whose signatures count: this worker's own devices, certified under an organisation key this phone
 * pinned — also one revoked since (a lost phone, docs/case-sync.md "Recovery"): the server took its
 * messages only while it was approved, and the recovered device must read what it wrote.
 */
export function ownSigners(devices: OwnDevices, userId: string): SignerKey {
  const cache = new Map<string, Promise<unknown>>()
  return (deviceId) => {
    let p = cache.get(deviceId)
    if (!p) {
      const listed = devices.devices.find((d) => d.id === deviceId && (d.status === 'approved' || d.status === 'revoked'))
      const cert = certificateSchema.safeParse(listed?.certificate).data
      p = !cert || cert.userId !== userId || cert.deviceId !== deviceId ? Promise.resolve(null) : senderResolver(cert, devices.chains ?? {}, [{ organisationId: cert.organisationId }])(deviceId)
      cache.set(deviceId, p)
    }
    return p
  }
}

/** Counting (teamCounting.ts): the worker's live devices keep what they count; a revoked one's cases come here once its counting id did. */
function countingSelf(userId: string, deviceId: string, devices: OwnDevices): CountingSelf & { lost: ReadonlyMap<string, string | null>; counterId: () => string | null } {
  const live = devices.devices.filter((d) => d.status !== 'revoked')
  const lost = new Map(devices.devices.filter((d) => d.status === 'revoked').map((d) => [d.id, d.counterId ?? null] as const))
  return { userId, deviceId, ownDeviceIds: new Set(live.map((d) => d.id)), lost, counterId: kpiCounterId, adopt: adoptKpiDeviceId }
}

const refusalOf = (e: unknown): SyncRefusal | 'exists' | undefined =>
  e instanceof ApiError && e.status === 409 && (e.code === 'exists' || (SYNC_REFUSALS as readonly string[]).includes(e.code)) ? (e.code as SyncRefusal | 'exists') : undefined

interface Ctx {
  docs: CaseDocs
  userId: string
  uk: { keyId: string; key: CryptoKey }
  changed: Set<string>
  /** The worker's exchange key, opened (team cases: boxes from colleagues). */
  exchange?: { record: ExchangeKey; privateKey: CryptoKey } | null
  /** Who this device is, for the counting across a handover (teamCounting.ts). */
  own?: CountingSelf
}

/** New key boxes of this worker opened (the signer checked), kept with the case: under a user key, or sealed to the worker's exchange key by a colleague (teamKeys.ts). */
async function openKeys(ctx: Ctx, all: readonly unknown[], k: { keys: Map<number, CryptoKey>; addKey(gen: number, key: CryptoKey): void }) {
  const boxes = all.flatMap((b) => anyKeyBoxSchema.safeParse(b).data ?? [])
  await openKeyBoxes(boxes, { userId: ctx.userId, signerKey: ctx.docs.signerKey, exchange: ctx.exchange ?? null, has: (g) => k.keys.has(g), addKey: (g, key) => k.addKey(g, key) })
}

/** Every page of the case's news, each applied and stored. */
async function pullAll(ctx: Ctx, docId: string) {
  // A case made here and not yet on the server: nothing to pull.
  if (await ctx.docs.step(docId, (r) => !r.isCreated && !r.needsPull)) return
  for (let page = 0; page < MAX_ROUNDS; page++) {
    const request = await ctx.docs.step(docId, (r) => r.pullRequest(), 'remote')
    const answer = await pullDoc(docId, request.known, request.after)
    const moved = await ctx.docs.step(docId, async (r, k) => {
      await openKeys(ctx, answer.keyBoxes, k)
      let n = 0
      const count = () => void n++
      r.doc.on('updateV2', count)
      try {
        await r.receive(answer, request)
        // The lead was handed over to this worker: this device counts the case from now on.
        if (ctx.own) claimCounting(r.doc, answer.doc.role, ctx.own)
      } finally {
        r.doc.off('updateV2', count)
      }
      return n > 0
    })
    if (moved) ctx.changed.add(docId)
    if (!answer.more) return
  }
}

/** Pulls, then sends until nothing waits: 'sent' when the case is in step with the server. */
async function syncDoc(ctx: Ctx, docId: string): Promise<'sent' | 'keep'> {
  const { docs } = ctx
  await pullAll(ctx, docId)
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const o = await docs.step(docId, (r) => r.outgoing())
    if (!o) {
      if (await docs.step(docId, (r) => r.needsPull)) {
        await pullAll(ctx, docId)
        continue
      }
      break
    }
    try {
      if (o.kind === 'update') await postUpdate(o.message)
      else if (o.kind === 'create') {
        const dk = await docs.step(docId, (_r, k) => k.keys.get(o.message.keyGen))
        if (!dk) throw new Error('no document key')
        const keyBox = await wrapDocumentKey(dk, ctx.uk.key, docs.signer, { docId, keyGen: o.message.keyGen, userId: ctx.userId, userKeyId: ctx.uk.keyId })
        await createDoc({ keyBox, snapshot: o.message })
      } else await postSnapshot(o.message)
    } catch (e) {
      const code = refusalOf(e)
      if (!code) throw e
      await docs.step(docId, (r) => r.refused(o, code))
      if (code !== 'clock-mismatch' && code !== 'snapshot-required') await pullAll(ctx, docId)
      continue
    }
    await docs.step(docId, (r) => r.accepted(o))
  }
  return (await docs.waiting(docId)) ? 'keep' : 'sent'
}

/**
 * A case on the server once that the server no longer lists for this worker (taken off its team):
 * one pull, whose 404 marks it (updateStatus: `removedIds`), and no new pull while it is marked.
 */
async function lookAtUnlisted(ctx: Ctx, listed: ReadonlySet<string>) {
  const db = ctx.docs.db
  for (const id of await ctx.docs.ids()) {
    if (listed.has(id)) continue
    const row = await db.outbox.get(caseSyncItemId(id))
    if (row?.problem?.status === 404 || !(await ctx.docs.step(id, (r) => r.isCreated))) continue
    await enqueueDoc(db, id)
  }
}

async function enqueueDoc(db: CaseDb, docId: string) {
  await db.transaction('rw', db.outbox, () => enqueue<CaseSyncItem>(db.outbox as never, { id: caseSyncItemId(docId), kind: CASE_SYNC_KIND, docId }))
}

/** One run (see the opening comment); nothing when locked, offline, signed out or not linked yet. */
async function runLocked(): Promise<void> {
  const vault = useCaseVault()
  if (!vault.isUnlocked || !navigator.onLine) return
  const session = useSessionStore()
  if (!session.isSignedIn) await session.load().catch(() => undefined)
  if (!session.isSignedIn) return
  const device = await deviceRecord()
  if (!device?.id) return
  const docs = await vault.store.caseDocs()
  const db = docs.db
  caseSyncStatus.running = true
  const changed = new Set<string>()
  try {
    docs.signer.deviceId = device.id
    docs.signer.signingKey = await signingKey()
    const uk = await ensureUserKey()
    // This device waits to be linked from another device of the worker (features/caseSync/link*).
    if ('waiting' in uk) return
    // Each user key goes to the organisation's recovery key too, once it has one (docs/case-sync.md "Recovery").
    await sealUserKeysToRecovery().catch((e: unknown) => console.warn('recovery sealing failed', e instanceof Error ? e.message : e))
    const userId = await userKeyOwner()
    const ownDevices = await listOwnDevices()
    // Colleagues' certified devices sign on shared cases (docs/case-sync.md "The team"). Without the
    // list this run stops (a retry): pulling without it would mark colleagues' updates unverified.
    docs.signerKey = withColleagues(ownSigners(ownDevices, userId), colleagueSigners(await listColleagues()))
    const exchange = await ensureExchangeKey(userId, docs.signer, uk).catch(() => null)
    const own = countingSelf(userId, device.id, ownDevices)
    // A lost phone's cases this device may count now that its counting id moved here: looked at again.
    for (const r of await db.docSync.toArray()) {
      const named = typeof r.countingDeviceId === 'string' ? own.lost.get(r.countingDeviceId) : undefined
      if (named && named === own.counterId()) await enqueueDoc(db, r.docId)
    }
    const ctx: Ctx = { docs, userId, uk, changed, exchange, own }
    // Cases of the worker this device does not have, or has behind.
    const list = await listSyncDocs()
    await lookAtUnlisted(ctx, new Set(list.map((d) => d.docId)))
    for (const d of list) {
      const e = await docs.ready(d.docId, 'remote')
      const st = e?.replica.exportState()
      if (!st || st.snapshotId !== d.activeSnapshotId || st.lastSeq < d.lastSeq || d.requiresSnapshot || !(await docs.has(d.docId))) await enqueueDoc(db, d.docId)
    }
    // Cases made before case sync become documents (key generation 1, counted here).
    const local = new Set(await docs.ids())
    for (const row of await db.cases.toCollection().primaryKeys()) {
      const id = String(row)
      if (local.has(id)) continue
      const record = await vault.store.load(id)
      if (record) await docs.save(record)
    }
    await new Outbox({ table: db.outbox as never, kind: CASE_SYNC_KIND, schema: caseSyncItemSchema, classify, send: (item: CaseSyncItem) => syncDoc(ctx, item.docId) }).flush()
  } catch (e) {
    if (classify(e).kind !== 'later') console.error('case sync failed', e instanceof Error ? e.message : e)
  } finally {
    caseSyncStatus.running = false
    await updateStatus(db)
    if (changed.size) {
      announceChanged([...changed])
      await vault.refresh()
    }
  }
}

/** How many cases wait, for the cases page. */
export async function updateStatus(db: CaseDb): Promise<void> {
  const all = await db.outbox.filter((r) => (r.kind as string) === CASE_SYNC_KIND).toArray()
  // A case the server answers 404 for (docs/case-sync.md "The team": this worker was taken off it) waits for nothing.
  const gone = (r: (typeof all)[number]) => r.problem?.status === 404
  const docIdOf = (r: (typeof all)[number]) => String((r as { docId?: unknown }).docId)
  const rows = all.filter((r) => !gone(r))
  caseSyncStatus.waiting = rows.length
  caseSyncStatus.waitingIds = rows.map(docIdOf)
  caseSyncStatus.removedIds = all.filter(gone).map(docIdOf)
  if (!rows.length) caseSyncStatus.lastSynced = new Date().toISOString()
}

/** One run at a time per device: other tabs skip while one runs (theirs is done by it). */
export async function run(): Promise<void> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks
  if (!locks) return runLocked()
  await locks.request(LOCK, { ifAvailable: true }, async (lock) => {
    if (lock) await runLocked()
  })
}

let timer: ReturnType<typeof setTimeout> | undefined
let current: Promise<void> | undefined
let again = false
let triggers = false

/** A run shortly (saves come in bursts while typing); at once again after one under way. */
export function runSoon(delayMs = 300): void {
  if (!triggers) {
    triggers = true
    flushOnTriggers(async () => runSoon(0))
  }
  clearTimeout(timer)
  timer = setTimeout(() => {
    if (current) {
      again = true
      return
    }
    current = run()
      .catch((e: unknown) => console.error('case sync failed', e))
      .finally(() => {
        current = undefined
        if (again) {
          again = false
          runSoon(0)
        }
      })
  }, delayMs)
}
