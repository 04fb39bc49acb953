/**
 * Sends the device's inclusion counts upstream: for every period in the outbox, the whole
 * current snapshot (counts only), with exponential back-off after failures. Works after days
 * offline: the outbox waits in IndexedDB until the device is online and signed in.
 */
import { z } from 'zod'
import { countInclusions } from '../../../shared/kpi/counts'
import type { Period } from '../../../shared/kpi/period'
import { countSnapshotSchema } from '../../../shared/kpi/snapshot'
import { api, ApiError } from '../professional/api'
import type { CaseDb } from './caseDb'
import type { CaseStore } from './caseStore'

const DEVICE_KEY = 'samenwerkwijze.kpiDevice'
const SENT_KEY = 'samenwerkwijze.kpiLastSent'
const VERSION_KEY = 'samenwerkwijze.kpiVersion'
const MAX_BACKOFF_MS = 6 * 60 * 60 * 1000

/** A random id for counting only: it links to no account and no registered device. */
export function kpiDeviceId(): string {
  let id = localStorage.getItem(DEVICE_KEY)
  if (!id || !/^[0-9a-f-]{36}$/.test(id)) {
    id = crypto.randomUUID()
    localStorage.setItem(DEVICE_KEY, id)
  }
  return id
}

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

export async function syncCounts(db: CaseDb, store: CaseStore, organisationId: string, now = Date.now()): Promise<{ sent: number; pending: number }> {
  const index = await store.index()
  let sent = 0
  for (const item of await db.kpiOutbox.toArray()) {
    if (item.nextAttemptAt > now) continue
    const snapshot = countSnapshotSchema.parse({ snapshotVersion: nextVersion(), deviceId: kpiDeviceId(), organisationId, period: item.period, rows: countInclusions(index, item.period as Period) })
    try {
      await api('POST', '/api/kpi/snapshots', z.object({ status: z.enum(['stored', 'unchanged']) }), snapshot)
      await db.kpiOutbox.delete(item.period)
      localStorage.setItem(SENT_KEY, new Date().toISOString())
      sent++
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 0)) break // signed out or offline: later
      const attempts = item.attempts + 1
      await db.kpiOutbox.update(item.period, { attempts, nextAttemptAt: now + Math.min(MAX_BACKOFF_MS, 2 ** attempts * 30_000) })
    }
  }
  return { sent, pending: await db.kpiOutbox.count() }
}
