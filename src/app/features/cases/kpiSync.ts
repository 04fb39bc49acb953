/**
 * Sends the device's inclusion counts upstream: for every period in the outbox, the whole
 * current snapshot (counts only), with exponential back-off after failures. Works after days
 * offline: the outbox waits in IndexedDB until the device is online and signed in.
 */
import { z } from 'zod'
import { api, ApiError } from '../professional/api'
import type { CaseDb } from './caseDb'
import type { CaseStore } from './caseStore'
import { syncOutbox, type OutboxPort } from './kpiSyncCore'

const DEVICE_KEY = 'samenwerkwijze.kpiDevice'
const SENT_KEY = 'samenwerkwijze.kpiLastSent'
const VERSION_KEY = 'samenwerkwijze.kpiVersion'
const isGuid = (id: string | null): id is string => z.guid().safeParse(id).success

/** A random id for counting only: it links to no account and no registered device. */
export function kpiDeviceId(): string {
  let id = localStorage.getItem(DEVICE_KEY)
  if (!isGuid(id)) {
    id = crypto.randomUUID()
    localStorage.setItem(DEVICE_KEY, id)
  }
  return id
}

/** After a restore onto a new phone: count on as the old phone, so its figures are replaced, not doubled. */
export function adoptKpiDeviceId(id: string): void {
  if (isGuid(id)) localStorage.setItem(DEVICE_KEY, id)
}

/** After a wipe: the next count goes out under a new id, leaving the old id's last figures on the server. */
export function forgetKpiDeviceId(): void {
  localStorage.removeItem(DEVICE_KEY)
}

/** Where the counting id lives; the browser keeps it in localStorage. */
export interface KpiIdentity {
  get(): string
  adopt(id: string): void
}
export const localKpiIdentity: KpiIdentity = { get: kpiDeviceId, adopt: adoptKpiDeviceId }

/** Rising snapshot versions, even if the clock goes back. */
function nextVersion(): number {
  const last = Number(localStorage.getItem(VERSION_KEY) ?? 0)
  const v = Math.max(Date.now(), Number.isFinite(last) ? last + 1 : 0)
  localStorage.setItem(VERSION_KEY, String(v))
  return v
}

export function lastSent(): string | null {
  return localStorage.getItem(SENT_KEY)
}

export async function pendingPeriods(db: CaseDb): Promise<number> {
  return db.kpiOutbox.count()
}

export function dexieOutbox(db: CaseDb): OutboxPort {
  return {
    entries: () => db.kpiOutbox.toArray(),
    clear: (period, revision) =>
      db.transaction('rw', db.kpiOutbox, async () => {
        const item = await db.kpiOutbox.get(period)
        if (item && item.revision === revision) await db.kpiOutbox.delete(period)
      }),
    postpone: async (period, attempts, nextAttemptAt) => {
      await db.kpiOutbox.update(period, { attempts, nextAttemptAt })
    },
  }
}

export async function syncCounts(db: CaseDb, store: CaseStore, organisationId: string, now = Date.now()): Promise<{ sent: number; pending: number }> {
  const sent = await syncOutbox(
    dexieOutbox(db),
    () => store.countingIndex(),
    { deviceId: kpiDeviceId(), organisationId, nextVersion },
    async (snapshot) => {
      await api('POST', '/api/kpi/snapshots', z.object({ status: z.enum(['stored', 'unchanged']) }), snapshot)
      localStorage.setItem(SENT_KEY, new Date().toISOString())
    },
    (e) => (e instanceof ApiError && (e.status === 401 || e.status === 0) ? 'later' : 'retry'),
    now,
  )
  return { sent, pending: await db.kpiOutbox.count() }
}
