/**
 * The sending half of count sync, apart from IndexedDB and fetch so the fault test can drive
 * exactly this code against the real server through a bad network. For every period that is
 * due it sends the whole current snapshot, signed by the device, under the counting id the
 * server issued to this device (docs/device-trust.md "Counting ids and signed snapshots"). A
 * period leaves the outbox only when the server took it and nothing changed on the device while
 * the snapshot was under way; a period the server refuses stays, with the reason.
 */
import { countInclusions, type Countable } from '../../../shared/kpi/counts'
import type { Period } from '../../../shared/kpi/period'
import { countSnapshotSchema, snapshotMessage, type CountSnapshot, type SnapshotAnswer } from '../../../shared/kpi/snapshot'

export interface OutboxEntry {
  period: string
  attempts: number
  nextAttemptAt: number
  revision?: number
  /** Why the server refused the last snapshot of this period (a code, see KPI_REFUSALS); it stays in the outbox. */
  refused?: string
}

export interface OutboxPort {
  entries(): Promise<OutboxEntry[]>
  /** Removes the period only if its revision is still `revision`; otherwise it stays for the next round. */
  clear(period: string, revision: number | undefined): Promise<void>
  postpone(period: string, attempts: number, nextAttemptAt: number, refused?: string): Promise<void>
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

/**
 * 'later': offline, signed out or locked — stop this round without counting an attempt.
 * 'retry': back off. `{ refused }`: the server said no, with this code; the period stays.
 */
export type FailureKind = 'later' | 'retry' | { refused: string }

/** Refusals that concern the counting id or the device, not one period: the round stops. */
const WHOLE_DEVICE = new Set(['device-required', 'counter-not-bound', 'counter-moved', 'bad-signature'])

export const MAX_BACKOFF_MS = 6 * 60 * 60 * 1000
export const backoffMs = (attempts: number) => Math.min(MAX_BACKOFF_MS, 2 ** attempts * 30_000)

export interface SyncResult {
  sent: number
  /** The code of a refusal that stopped the round (the counting id or the device), if any. */
  refused?: string
}

export async function syncOutbox(
  outbox: OutboxPort,
  countable: () => Promise<readonly Countable[]>,
  identity: SyncIdentity,
  send: (snapshot: CountSnapshot) => Promise<SnapshotAnswer | unknown>,
  classify: (error: unknown) => FailureKind,
  now: number,
): Promise<SyncResult> {
  let sent = 0
  const due = (await outbox.entries()).filter((e) => e.nextAttemptAt <= now)
  if (due.length === 0) return { sent }
  const cases = await countable()
  for (const entry of due) {
    const rows = countInclusions(cases, entry.period as Period)
    let answer: SnapshotAnswer | unknown
    try {
      // Twice at most: when the server holds a later version (the counting id came from another
      // phone whose clock ran ahead), the second try goes out above it.
      for (let tries = 0; tries < 2; tries++) {
        const unsigned = { snapshotVersion: identity.nextVersion(), counterId: identity.counterId, period: entry.period, rows }
        const signature = await identity.sign(await snapshotMessage({ ...unsigned, organisationId: identity.organisationId }))
        answer = await send(countSnapshotSchema.parse({ ...unsigned, signature }))
        if (!isOutdated(answer)) break
        identity.raiseVersion(answer.storedVersion)
      }
    } catch (e) {
      const kind = classify(e)
      if (kind === 'later') break
      const refused = kind === 'retry' ? undefined : kind.refused
      await outbox.postpone(entry.period, entry.attempts + 1, now + backoffMs(entry.attempts + 1), refused)
      if (refused && WHOLE_DEVICE.has(refused)) return { sent, refused }
      continue
    }
    // Still behind after the second try: it stays for the next round.
    if (isOutdated(answer)) continue
    await outbox.clear(entry.period, entry.revision)
    sent++
  }
  return { sent }
}

const isOutdated = (a: unknown): a is { status: 'outdated'; storedVersion: number } =>
  typeof a === 'object' && a !== null && (a as { status?: unknown }).status === 'outdated' && typeof (a as { storedVersion?: unknown }).storedVersion === 'number'

/** Where the device keeps its counting id (localStorage in the app). */
export interface CounterStore {
  /** The counting id this device counts under, and the registered device it was bound to (none: an id from before issue 11). */
  current(): { counterId: string; deviceId?: string } | null
  /** An id from a restored backup, to move here through the server before the next send. */
  pendingMove(): string | null
  bind(counterId: string, deviceId: string): void
  /** The pending move is done, or refused (then `refused` says why, for the person to see). */
  dropPendingMove(refused?: string): void
}

export interface CounterServer {
  issue(organisationId: string): Promise<{ counterId: string; serverTime: number }>
  move(counterId: string): Promise<{ counterId: string; serverTime: number }>
}

/** Refusals of a move after which the device counts under an id of its own instead. */
const NOT_MOVABLE = new Set(['counter-unknown', 'counter-not-yours'])

/**
 * The counting id to send under, for the registered device `device`. A restored id is moved here
 * first; an id bound to another device (the phone registered again, or an id from before issue 11)
 * is moved here; with none the server issues one. Never an id the server did not give this device.
 * Throws what the server or the network threw (classify it like a failed send).
 */
export async function ensureCounter(store: CounterStore, server: CounterServer, device: { id: string; organisationId: string }, raiseVersion: (v: number) => void): Promise<string> {
  const move = async (id: string): Promise<string | null> => {
    try {
      const moved = await server.move(id)
      raiseVersion(moved.serverTime)
      store.bind(moved.counterId, device.id)
      return moved.counterId
    } catch (e) {
      const code = (e as { code?: unknown }).code
      if (typeof code === 'string' && NOT_MOVABLE.has(code)) return null
      throw e
    }
  }
  const pending = store.pendingMove()
  if (pending) {
    const moved = await move(pending)
    store.dropPendingMove(moved ? undefined : 'adopt-refused')
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
