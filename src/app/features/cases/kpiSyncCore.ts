/**
 * The sending half of count sync, apart from localStorage and fetch so the tests can drive exactly
 * this code (over a real Dexie outbox) against the real server through a bad network. The periods
 * wait in the one outbox (src/app/sync/outbox.ts, docs/outbox.md); for every period that is due it
 * sends the whole current snapshot, signed by the device, under the counting id the server issued
 * to this device (docs/device-trust.md "Counting ids and signed snapshots"). A period leaves the
 * outbox only when the server took it and nothing changed on the device while the snapshot was
 * under way. A refused period stays with its reason and is tried again with back-off: the snapshot
 * is rebuilt on every send, so what heals it is the device's state (its counting id, its cases),
 * not the person resending the same figures.
 */
import { countInclusions, periodsOf, type Countable } from '../../../shared/kpi/counts'
import { periodOf, periodsBetween, type Period } from '../../../shared/kpi/period'
import { countSnapshotSchema, snapshotMessage, type CountSnapshot, type SnapshotAnswer } from '../../../shared/kpi/snapshot'
import { enqueue, Outbox, type Failure, type OutboxTable } from '../../sync/outbox'
import { kpiItemId, kpiOutboxItemSchema, type KpiOutboxItem } from './caseDb'
import type { CaseFacts } from '../../../shared/kpi/caseFacts'
import { countMeasures } from '../../../shared/kpi/measureCounts'

/**
 * The steering measures (issue 18, docs/kpi.md): the facts of the cases counted, read with the
 * cases, and the region's date they are counted against (an evaluation not held counts once its date passed).
 */
export interface MeasureSource {
  facts: () => Promise<readonly CaseFacts[]>
  today: () => string
}

export interface SyncIdentity {
  /** Issued by the server to this device (ensureCounter). */
  counterId: string
  organisationId: string
  nextVersion(): number
  /** The server holds this version already: the next one must be later. */
  raiseVersion(atLeast: number): void
  /** Signs with the device's signing key (deviceIdentity.signWithDevice in the app). */
  sign(message: Uint8Array<ArrayBuffer>): Promise<string>
}

/** Refusals that concern the counting id or the device, not one period: the round stops. */
const WHOLE_DEVICE = new Set(['device-required', 'counter-not-bound', 'counter-moved', 'bad-signature'])

/** The periods go (back) into the outbox with a new revision. Call inside a transaction over the outbox and the cases. */
export async function markPeriodsChanged(outbox: OutboxTable<KpiOutboxItem>, periods: Iterable<string>): Promise<void> {
  for (const period of periods) await enqueue(outbox, { id: kpiItemId(period), kind: 'kpi-snapshot', period })
}

/**
 * After ensureCounter: when the device now counts under another id than before (a lost phone's or a
 * restored backup's moved here, or a new one after the server forgot the old), every period its
 * cases reach, up to today's (cumulative counts run on), goes again under it. The id it had is
 * retired with its figures dropped (src/server/kpi/counters.ts moveCounter), so what it counted
 * there is counted once, under the new id (docs/case-sync.md "Counted once across a recovery").
 */
export async function resendUnderNewId(outbox: OutboxTable<KpiOutboxItem>, before: string | null | undefined, counterId: string, countable: () => Promise<readonly Countable[]>, today: string): Promise<void> {
  if (!before || before === counterId) return
  const periods = periodsOf(await countable())
  const first = periods[0]
  if (!first) return
  const all = new Set<string>([...periods, ...periodsBetween(first, periodOf(today))])
  await outbox.db.transaction('rw', outbox, () => markPeriodsChanged(outbox, all))
}

export interface SyncResult {
  sent: number
  /** The code of a refusal that stopped the round (the counting id or the device), if any. */
  refused?: string
}

/** The KPI outbox: periods sent as signed snapshots of the cases `countable` returns at send time. */
export function countsOutbox(
  outbox: OutboxTable<KpiOutboxItem>,
  countable: () => Promise<readonly Countable[]>,
  identity: SyncIdentity,
  send: (snapshot: CountSnapshot) => Promise<SnapshotAnswer | unknown>,
  classify: (error: unknown) => Failure,
  now: () => number = Date.now,
  /** Absent: snapshots without measures (signed v1), as before issue 18. */
  measures?: MeasureSource,
): Outbox<KpiOutboxItem> {
  // The cases (and their facts) are read once per round, when the first period is due.
  let cases: Promise<readonly Countable[]> | undefined
  let facts: Promise<readonly CaseFacts[]> | undefined
  return new Outbox({
    table: outbox,
    // The cases' outbox also holds case-sync rows (features/caseSync): not this outbox's.
    kind: 'kpi-snapshot',
    schema: kpiOutboxItemSchema,
    classify,
    now,
    holdRefused: false,
    stopsRound: (problem) => WHOLE_DEVICE.has(problem.code),
    send: async (item) => {
      const rows = countInclusions(await (cases ??= countable()), item.period as Period)
      const measureRows = measures ? countMeasures(await (facts ??= measures.facts()), item.period as Period, measures.today()) : undefined
      // Twice at most: when the server holds a later version (the counting id came from another
      // phone whose clock ran ahead), the second try goes out above it.
      for (let tries = 0; tries < 2; tries++) {
        const unsigned = { snapshotVersion: identity.nextVersion(), counterId: identity.counterId, period: item.period, rows, ...(measureRows ? { measures: measureRows } : {}) }
        const signature = await identity.sign(await snapshotMessage({ ...unsigned, organisationId: identity.organisationId }))
        const answer = await send(countSnapshotSchema.parse({ ...unsigned, signature }))
        if (!isOutdated(answer)) return 'sent'
        identity.raiseVersion(answer.storedVersion)
      }
      // Still behind after the second try: it stays for the next round.
      return 'keep'
    },
  })
}

/** Sends every due period (see countsOutbox). */
export async function flushCounts(...args: Parameters<typeof countsOutbox>): Promise<SyncResult> {
  const result = await countsOutbox(...args).flush()
  return { sent: result.sent, ...(result.stoppedBy ? { refused: result.stoppedBy.code } : {}) }
}

const isOutdated = (a: unknown): a is { status: 'outdated'; storedVersion: number } =>
  typeof a === 'object' && a !== null && (a as { status?: unknown }).status === 'outdated' && typeof (a as { storedVersion?: unknown }).storedVersion === 'number'

/** Where the device keeps its counting id (localStorage in the app). */
export interface CounterStore {
  /** The counting id this device counts under, and the registered device it was bound to (none: an id from before issue 11). */
  current(): { counterId: string; deviceId?: string } | null
  /** An id from a restored backup, to move here through the server before the next send. */
  pendingMove(): string | null
  /** For an id taken over from a lost phone: the device it must still sit on (else the move is refused and dropped). */
  pendingMoveFrom?(): string | null
  bind(counterId: string, deviceId: string): void
  /** The pending move is done, or refused (then `refused` says why, for the person to see). */
  dropPendingMove(refused?: string): void
}

export interface CounterServer {
  issue(organisationId: string): Promise<{ counterId: string; serverTime: number }>
  move(counterId: string, from?: string): Promise<{ counterId: string; serverTime: number }>
}

/** Refusals of a move after which the device counts under an id of its own instead. */
const NOT_MOVABLE = new Set(['counter-unknown', 'counter-not-yours', 'counter-elsewhere'])

/**
 * The counting id to send under, for the registered device `device`. A restored id is moved here
 * first; an id bound to another device (the phone registered again, or an id from before issue 11)
 * is moved here; with none the server issues one. Never an id the server did not give this device.
 * Throws what the server or the network threw (classify it like a failed send).
 */
export async function ensureCounter(store: CounterStore, server: CounterServer, device: { id: string; organisationId: string }, raiseVersion: (v: number) => void): Promise<string> {
  let refusedAs = ''
  const move = async (id: string, from?: string): Promise<string | null> => {
    try {
      const moved = await server.move(id, from)
      raiseVersion(moved.serverTime)
      store.bind(moved.counterId, device.id)
      return moved.counterId
    } catch (e) {
      const code = (e as { code?: unknown }).code
      if (typeof code === 'string' && NOT_MOVABLE.has(code)) {
        refusedAs = code
        return null
      }
      throw e
    }
  }
  const pending = store.pendingMove()
  if (pending) {
    const moved = await move(pending, store.pendingMoveFrom?.() ?? undefined)
    // Another device of the worker took the lost phone's id first: nothing for the person to do.
    store.dropPendingMove(moved || refusedAs === 'counter-elsewhere' ? undefined : 'adopt-refused')
    if (moved) return moved
  }
  const current = store.current()
  if (current && current.deviceId === device.id) return current.counterId
  if (current) {
    const moved = await move(current.counterId)
    if (moved) return moved
  }
  const issued = await server.issue(device.organisationId)
  raiseVersion(issued.serverTime)
  store.bind(issued.counterId, device.id)
  return issued.counterId
}
