/**
 * What the rest of the app sees of case sync, without loading Yjs (docs/case-sync.md "On the
 * phone"): a case changed by a pull (in this tab, or another tab through a BroadcastChannel), how
 * many cases wait to go out, and a way to start a sync run (caseSyncLoop.ts, loaded on first use).
 */
import { reactive } from 'vue'

export const caseSyncStatus = reactive({
  /** Cases with something not yet on the server (their outbox rows). */
  waiting: 0,
  /** Which cases wait. */
  waitingIds: [] as string[],
  /** Cases the server no longer gives this worker (taken off the team): what is here stays, nothing new comes or goes. */
  removedIds: [] as string[],
  /** When a run last ended with nothing waiting (ISO), or null. */
  lastSynced: null as string | null,
  /** A run is under way. */
  running: false,
  /** Bumped when cases changed through a pull: lists read again. */
  changed: 0,
})

type Listener = (docId: string) => void
const listeners = new Set<Listener>()
const CHANNEL = 'samenwerkwijze-case-sync'
let channel: BroadcastChannel | undefined

function fire(docIds: readonly string[]) {
  caseSyncStatus.changed++
  for (const id of docIds) for (const l of [...listeners]) l(id)
}

function ensureChannel() {
  if (channel || typeof BroadcastChannel === 'undefined') return
  channel = new BroadcastChannel(CHANNEL)
  channel.onmessage = (e: MessageEvent<unknown>) => {
    const ids = (e.data as { docIds?: unknown } | null)?.docIds
    if (Array.isArray(ids)) fire(ids.filter((x): x is string => typeof x === 'string'))
  }
}

/** Cases whose doc changed through a pull: open drafts merge, lists read again, here and in other tabs. */
export function announceChanged(docIds: readonly string[]): void {
  if (!docIds.length) return
  ensureChannel()
  channel?.postMessage({ docIds: [...docIds] })
  fire(docIds)
}

/** Calls `listener` when a pull changed the case; returns the function that stops it. */
export function onCaseChanged(docId: string, listener: () => void): () => void {
  ensureChannel()
  const l: Listener = (id) => {
    if (id === docId) listener()
  }
  listeners.add(l)
  return () => void listeners.delete(l)
}

let loop: Promise<typeof import('./caseSyncLoop')> | undefined
/** Starts a sync run soon (after a save, at start, while a case is open); loads the loop on first use. */
export function kickCaseSync(): void {
  loop ??= import('./caseSyncLoop')
  void loop.then((m) => m.runSoon()).catch((e: unknown) => console.error('case sync failed', e))
}

/** While a case page is open: a run every few minutes (stopped by the returned function). */
export function syncWhileOpen(everyMs = 3 * 60 * 1000): () => void {
  kickCaseSync()
  const timer = setInterval(kickCaseSync, everyMs)
  return () => clearInterval(timer)
}
