/**
 * Sends the device's inclusion counts upstream: for every period in the outbox, the whole
 * current snapshot (counts only), signed by the device, under the counting id the server issued
 * to this device (docs/device-trust.md "Counting ids and signed snapshots"), with exponential
 * back-off after failures. Works after days offline: the outbox waits in IndexedDB until the
 * device is online, signed in and unlocked. A period the server refuses stays, with the reason.
 */
import { z } from 'zod'
import { counterSchema, snapshotAnswerSchema } from '../../../shared/kpi/snapshot'
import { DeviceLockedError, deviceRecord, signWithDevice } from '../../core/deviceIdentity'
import { api, ApiError } from '../../core/http'
import type { CaseDb } from './caseDb'
import type { CaseStore } from './caseStore'
import { ensureCounter, syncOutbox, type CounterServer, type CounterStore, type FailureKind, type OutboxPort } from './kpiSyncCore'

/** The counting id (before issue 11 the device chose it here itself; now the server issues it). */
const DEVICE_KEY = 'samenwerkwijze.kpiDevice'
/** The registered device the counting id is bound to; absent for an id from before issue 11. */
const BOUND_KEY = 'samenwerkwijze.kpiDeviceBoundTo'
/** An id from a restored backup, moved here through the server before the next send. */
const ADOPT_KEY = 'samenwerkwijze.kpiAdopt'
/** Why counts could not go out, for the cases page (a KPI refusal code or 'adopt-refused'). */
const PROBLEM_KEY = 'samenwerkwijze.kpiProblem'
const SENT_KEY = 'samenwerkwijze.kpiLastSent'
const VERSION_KEY = 'samenwerkwijze.kpiVersion'
const isGuid = (id: string | null): id is string => z.guid().safeParse(id).success

/** The counting id this device sends under, if the server issued one (or one from before issue 11 is still waiting to be claimed). */
export function kpiCounterId(): string | null {
  const id = localStorage.getItem(DEVICE_KEY)
  return isGuid(id) ? id : null
}

/**
 * What a backup carries as the counting id: the device's own, else one restored and not yet
 * moved. A device that never counted has none; it hands out a random id the server never issued,
 * so a restore of it is refused as unknown and the new phone gets an id of its own.
 */
export function kpiDeviceId(): string {
  const pending = localStorage.getItem(ADOPT_KEY)
  return kpiCounterId() ?? (isGuid(pending) ? pending : crypto.randomUUID())
}

/**
 * After a restore onto a new phone: the old phone's counting id moves here through the server
 * (before the next send), so the new phone's figures replace the old phone's instead of doubling
 * them. Until the server has moved it, nothing is sent under it.
 */
export function adoptKpiDeviceId(id: string): void {
  if (isGuid(id)) localStorage.setItem(ADOPT_KEY, id)
}

/** After a wipe: the next count goes out under a new id, leaving the old id's last figures on the server. */
export function forgetKpiDeviceId(): void {
  for (const key of [DEVICE_KEY, BOUND_KEY, ADOPT_KEY, PROBLEM_KEY]) localStorage.removeItem(key)
}

/** Where the counting id lives; the browser keeps it in localStorage. */
export interface KpiIdentity {
  get(): string
  adopt(id: string): void
}
export const localKpiIdentity: KpiIdentity = { get: kpiDeviceId, adopt: adoptKpiDeviceId }

const localCounterStore: CounterStore = {
  current: () => {
    const counterId = kpiCounterId()
    if (!counterId) return null
    const deviceId = localStorage.getItem(BOUND_KEY)
    return isGuid(deviceId) ? { counterId, deviceId } : { counterId }
  },
  pendingMove: () => {
    const id = localStorage.getItem(ADOPT_KEY)
    return isGuid(id) ? id : null
  },
  bind: (counterId, deviceId) => {
    localStorage.setItem(DEVICE_KEY, counterId)
    localStorage.setItem(BOUND_KEY, deviceId)
  },
  dropPendingMove: (refused) => {
    localStorage.removeItem(ADOPT_KEY)
    if (refused) localStorage.setItem(PROBLEM_KEY, refused)
  },
}

const counterServer: CounterServer = {
  issue: (organisationId) => api('POST', '/api/kpi/counters', counterSchema, { organisationId }),
  move: (counterId) => api('POST', `/api/kpi/counters/${counterId}/move`, counterSchema, {}),
}

/** Rising snapshot versions (the clock in ms), even if the clock goes back. */
function nextVersion(): number {
  const last = Number(localStorage.getItem(VERSION_KEY) ?? 0)
  const v = Math.max(Date.now(), Number.isFinite(last) ? last + 1 : 0)
  localStorage.setItem(VERSION_KEY, String(v))
  return v
}

function raiseVersion(atLeast: number): void {
  const last = Number(localStorage.getItem(VERSION_KEY) ?? 0)
  if (!Number.isFinite(last) || last < atLeast) localStorage.setItem(VERSION_KEY, String(atLeast))
}

export function lastSent(): string | null {
  return localStorage.getItem(SENT_KEY)
}

export async function pendingPeriods(db: CaseDb): Promise<number> {
  return db.kpiOutbox.count()
}

/**
 * Why counts wait, for the cases page to say, or null: a refusal code of the server
 * (KPI_REFUSALS in src/shared/kpi/snapshot.ts), or 'adopt-refused' (a restored counting id the
 * server would not move here; this phone counts under its own).
 */
export async function countsProblem(db: CaseDb): Promise<string | null> {
  const refused = (await db.kpiOutbox.toArray()).find((e) => e.refused)?.refused
  return refused ?? localStorage.getItem(PROBLEM_KEY)
}

export function dexieOutbox(db: CaseDb): OutboxPort {
  return {
    entries: () => db.kpiOutbox.toArray(),
    clear: (period, revision) =>
      db.transaction('rw', db.kpiOutbox, async () => {
        const item = await db.kpiOutbox.get(period)
        if (item && item.revision === revision) await db.kpiOutbox.delete(period)
      }),
    postpone: async (period, attempts, nextAttemptAt, refused) => {
      await db.kpiOutbox.update(period, { attempts, nextAttemptAt, refused })
    },
  }
}

/** Offline, signed out or locked: try again at the next contact. A refusal keeps its code. */
export function classify(e: unknown): FailureKind {
  if (e instanceof DeviceLockedError) return 'later'
  if (!(e instanceof ApiError) || e.status === 0 || e.status === 401) return e instanceof ApiError ? 'later' : 'retry'
  if (e.status >= 500 || e.status === 429) return 'retry'
  return { refused: e.code }
}

export async function syncCounts(db: CaseDb, store: CaseStore, organisationId: string, now = Date.now()): Promise<{ sent: number; pending: number }> {
  const device = await deviceRecord()
  const due = (await db.kpiOutbox.toArray()).some((e) => e.nextAttemptAt <= now)
  const pendingMove = localCounterStore.pendingMove()
  // Nothing to do, or no registered device yet to count with: the outbox waits.
  if (!device?.id || (!due && !pendingMove)) return { sent: 0, pending: await db.kpiOutbox.count() }
  let counterId: string
  try {
    counterId = await ensureCounter(localCounterStore, counterServer, { id: device.id, organisationId }, raiseVersion)
  } catch (e) {
    const kind = classify(e)
    if (kind !== 'later' && kind !== 'retry') localStorage.setItem(PROBLEM_KEY, kind.refused)
    return { sent: 0, pending: await db.kpiOutbox.count() }
  }
  if (localStorage.getItem(PROBLEM_KEY) !== 'adopt-refused') localStorage.removeItem(PROBLEM_KEY)
  const result = await syncOutbox(
    dexieOutbox(db),
    () => store.countingIndex(),
    { counterId, organisationId, nextVersion, raiseVersion, sign: signWithDevice },
    async (snapshot) => {
      const answer = await api('POST', '/api/kpi/snapshots', snapshotAnswerSchema, snapshot)
      if (answer.status !== 'outdated') localStorage.setItem(SENT_KEY, new Date().toISOString())
      return answer
    },
    classify,
    now,
  )
  // The server no longer knows this id as this device's (its data was reset): ask for one at the next round.
  if (result.refused === 'counter-not-bound') localStorage.removeItem(BOUND_KEY)
  return { sent: result.sent, pending: await db.kpiOutbox.count() }
}
