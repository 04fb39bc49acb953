/**
 * The sending half of count sync, apart from IndexedDB and fetch so the fault test can drive
 * exactly this code against the real server through a bad network. For every period that is
 * due it sends the whole current snapshot; a period leaves the outbox only when the server
 * answered and nothing changed on the device while the snapshot was under way.
 */
import { countInclusions, type Countable } from '../../../shared/kpi/counts'
import type { Period } from '../../../shared/kpi/period'
import { countSnapshotSchema, type CountSnapshot } from '../../../shared/kpi/snapshot'

export interface OutboxEntry {
  period: string
  attempts: number
  nextAttemptAt: number
  revision?: number
}

export interface OutboxPort {
  entries(): Promise<OutboxEntry[]>
  /** Removes the period only if its revision is still `revision`; otherwise it stays for the next round. */
  clear(period: string, revision: number | undefined): Promise<void>
  postpone(period: string, attempts: number, nextAttemptAt: number): Promise<void>
}

export interface SyncIdentity {
  deviceId: string
  organisationId: string
  nextVersion(): number
}

/** 'later': offline or signed out, stop this round without counting an attempt. 'retry': back off. */
export type FailureKind = 'later' | 'retry'

export const MAX_BACKOFF_MS = 6 * 60 * 60 * 1000
export const backoffMs = (attempts: number) => Math.min(MAX_BACKOFF_MS, 2 ** attempts * 30_000)

export async function syncOutbox(
  outbox: OutboxPort,
  countable: () => Promise<readonly Countable[]>,
  identity: SyncIdentity,
  send: (snapshot: CountSnapshot) => Promise<unknown>,
  classify: (error: unknown) => FailureKind,
  now: number,
): Promise<number> {
  let sent = 0
  const due = (await outbox.entries()).filter((e) => e.nextAttemptAt <= now)
  if (due.length === 0) return 0
  const cases = await countable()
  for (const entry of due) {
    const snapshot = countSnapshotSchema.parse({
      snapshotVersion: identity.nextVersion(),
      deviceId: identity.deviceId,
      organisationId: identity.organisationId,
      period: entry.period,
      rows: countInclusions(cases, entry.period as Period),
    })
    try {
      await send(snapshot)
    } catch (e) {
      if (classify(e) === 'later') break
      await outbox.postpone(entry.period, entry.attempts + 1, now + backoffMs(entry.attempts + 1))
      continue
    }
    await outbox.clear(entry.period, entry.revision)
    sent++
  }
  return sent
}
