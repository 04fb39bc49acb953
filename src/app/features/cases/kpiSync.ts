/**
 * Sends the device's inclusion counts upstream: for every period in the outbox, the whole
 * current snapshot (counts only), signed by the device, under the counting id the server issued
 * to this device (docs/device-trust.md "Counting ids and signed snapshots"), through the one
 * outbox (src/app/sync/outbox.ts: back-off with jitter after failures). Works after days offline: the outbox waits in IndexedDB until the
 * device is online, signed in and unlocked. A period the server refuses stays, with the reason.
 */
import { z } from 'zod'
import { DeviceLockedError, deviceRecord, signWithDevice } from '../../core/deviceIdentity'
import { issueCounter, moveCounter, sendSnapshot } from '../../api/kpi'
import type { CaseDb } from './caseDb'
import type { CaseStore } from './caseStore'
import { classifyFailure, type Failure } from '../../sync/outbox'
import { ensureCounter, flushCounts, markPeriodsChanged, resendUnderNewId, type CounterServer, type CounterStore } from './kpiSyncCore'
import { periodsDueToTime } from './caseFactsStore'
import { periodsOfFacts } from '../../../shared/kpi/measureCounts'
import { today } from '../../core/clock'
import { LOCAL_KEYS } from '../../core/storageNames'

/** The counting id (before issue 11 the device chose it here itself; now the server issues it). */
const DEVICE_KEY = 'samenwerkwijze.kpiDevice'
/** The registered device the counting id is bound to; absent for an id from before issue 11. */
const BOUND_KEY = 'samenwerkwijze.kpiDeviceBoundTo'
/** An id from a restored backup, moved here through the server before the next send. */
const ADOPT_KEY = 'samenwerkwijze.kpiAdopt'
/** For an id taken over from a lost phone: that phone, where the id must still be (POST …/move `from`). */
const ADOPT_FROM_KEY = LOCAL_KEYS.kpiAdoptFrom
/** Why counts could not go out, for the cases page (a KPI refusal code or 'adopt-refused'). */
const PROBLEM_KEY = 'samenwerkwijze.kpiProblem'
const SENT_KEY = 'samenwerkwijze.kpiLastSent'
const VERSION_KEY = 'samenwerkwijze.kpiVersion'
/** The counting id every period was queued for (kpiSyncCore.ts resendUnderNewId): a failed queueing is done at the next round. */
const RESENT_KEY = LOCAL_KEYS.kpiResentUnder
/** The region's day the measures were last looked at for what the passing days change (issue 18). */
const FACTS_DAY_KEY = LOCAL_KEYS.kpiFactsDay
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
export function adoptKpiDeviceId(id: string, from?: string): void {
  if (!isGuid(id)) return
  localStorage.setItem(ADOPT_KEY, id)
  if (from && isGuid(from)) localStorage.setItem(ADOPT_FROM_KEY, from)
  else localStorage.removeItem(ADOPT_FROM_KEY)
}

/** After a wipe: the next count goes out under a new id, leaving the old id's last figures on the server. */
export function forgetKpiDeviceId(): void {
  for (const key of [DEVICE_KEY, BOUND_KEY, ADOPT_KEY, ADOPT_FROM_KEY, PROBLEM_KEY, RESENT_KEY, FACTS_DAY_KEY]) localStorage.removeItem(key)
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
  pendingMoveFrom: () => {
    const from = localStorage.getItem(ADOPT_FROM_KEY)
    return isGuid(from) ? from : null
  },
  bind: (counterId, deviceId) => {
    localStorage.setItem(DEVICE_KEY, counterId)
    localStorage.setItem(BOUND_KEY, deviceId)
  },
  dropPendingMove: (refused) => {
    localStorage.removeItem(ADOPT_KEY)
    localStorage.removeItem(ADOPT_FROM_KEY)
    if (refused) localStorage.setItem(PROBLEM_KEY, refused)
  },
}

const counterServer: CounterServer = {
  issue: issueCounter,
  move: moveCounter,
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
  return db.outbox.filter((e) => e.kind === 'kpi-snapshot').count()
}

/**
 * Why counts wait, for the cases page to say, or null: a refusal code of the server
 * (KPI_REFUSALS in src/shared/kpi/snapshot.ts), or 'adopt-refused' (a restored counting id the
 * server would not move here; this phone counts under its own).
 */
export async function countsProblem(db: CaseDb): Promise<string | null> {
  const refused = (await db.outbox.toArray()).find((e) => e.kind === 'kpi-snapshot' && e.problem)?.problem?.code
  return refused ?? localStorage.getItem(PROBLEM_KEY)
}

/** Offline, signed out or locked: try again at the next contact; the one outbox rule otherwise (src/app/sync/outbox.ts). */
export function classify(e: unknown): Failure {
  if (e instanceof DeviceLockedError) return { kind: 'later' }
  return classifyFailure(e)
}

/**
 * Once a day (the vault open): the half-years whose measures changed only because days passed go
 * into the outbox (an evaluation date passed without the evaluation held). The first time (an app
 * from before the measures) every half-year the facts reach goes, so the measures of the cases
 * already on the phone are sent. Locked: tried at the next round.
 */
export async function markMeasuresOfTheDay(db: CaseDb, store: CaseStore, day = today()): Promise<void> {
  const last = localStorage.getItem(FACTS_DAY_KEY)
  if (last === day) return
  let facts
  try {
    facts = await store.countingFacts()
  } catch {
    return
  }
  const periods = last ? periodsDueToTime(facts, last, day) : new Set(periodsOfFacts(facts))
  if (periods.size) await db.transaction('rw', db.outbox, () => markPeriodsChanged(db.outbox, periods))
  localStorage.setItem(FACTS_DAY_KEY, day)
}

export async function syncCounts(db: CaseDb, store: CaseStore, organisationId: string, now = Date.now()): Promise<{ sent: number; pending: number }> {
  await markMeasuresOfTheDay(db, store)
  const device = await deviceRecord()
  const due = (await db.outbox.toArray()).some((e) => e.kind === 'kpi-snapshot' && !e.held && (e.nextAttemptAt ?? 0) <= now)
  const pendingMove = localCounterStore.pendingMove()
  // Nothing to do, or no registered device yet to count with: the outbox waits.
  if (!device?.id || (!due && !pendingMove)) return { sent: 0, pending: await pendingPeriods(db) }
  let counterId: string
  const before = localStorage.getItem(RESENT_KEY) ?? kpiCounterId()
  try {
    counterId = await ensureCounter(localCounterStore, counterServer, { id: device.id, organisationId }, raiseVersion)
    await resendUnderNewId(db.outbox, before, counterId, () => store.countingIndex(), today())
    localStorage.setItem(RESENT_KEY, counterId)
  } catch (e) {
    const failure = classify(e)
    if (failure.kind === 'refused') localStorage.setItem(PROBLEM_KEY, failure.problem.code)
    return { sent: 0, pending: await pendingPeriods(db) }
  }
  if (localStorage.getItem(PROBLEM_KEY) !== 'adopt-refused') localStorage.removeItem(PROBLEM_KEY)
  const result = await flushCounts(
    db.outbox,
    () => store.countingIndex(),
    { counterId, organisationId, nextVersion, raiseVersion, sign: signWithDevice },
    async (snapshot) => {
      const answer = await sendSnapshot(snapshot)
      if (answer.status !== 'outdated') localStorage.setItem(SENT_KEY, new Date().toISOString())
      return answer
    },
    classify,
    () => now,
    { facts: () => store.countingFacts(), today },
  )
  // The server no longer knows this id as this device's (its data was reset): ask for one at the next round.
  if (result.refused === 'counter-not-bound') localStorage.removeItem(BOUND_KEY)
  return { sent: result.sent, pending: await pendingPeriods(db) }
}
