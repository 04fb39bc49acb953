/**
 * The one outbox (docs/outbox.md). Whatever must reach the server — a resident's report, a
 * period's KPI counts, a referral or a status — waits as a row in the `outbox` table of the Dexie
 * database that holds its data, written by `enqueue` inside the same transaction as that data, so
 * nothing is changed without being tracked. One item schema, one retry rule, one flush loop:
 *
 * - Idempotency: every row's `id` is made on the device, and what it sends carries a key the server
 *   deduplicates on (a report's or referral's or status's own id; a KPI snapshot is replaced per
 *   counting id and period, by version). A resend after a lost answer is harmless.
 * - `later` — no connection (status 0), signed out (401), CSRF token stale (403 `csrf`), device
 *   locked: the round stops, no attempt is counted; the next trigger tries again.
 * - `retry` — a server fault (5xx), 408, 425, 429, or a failure that is no HTTP answer at all: the
 *   item waits (backoff.ts: exponential with jitter, capped, `Retry-After` honoured) and is tried
 *   again by itself.
 * - `refused` — any other 4xx (400 validation, 403 forbidden, 404 gone, 409 conflict, 413, 422):
 *   retrying the same bytes cannot help. The item is KEPT with the server's status and `code` as
 *   `problem`, shown to the person (OutboxProblems.vue, or the feature's own notice), and held until
 *   the person retries or discards it, or its data changes (`enqueue` again clears the problem). A
 *   kind may keep retrying a refused item with back-off instead (`holdRefused: false`: the KPI
 *   snapshot is rebuilt on every send, so the device's state decides, not the person) — it still
 *   keeps and shows its reason. Nothing is ever dropped without the person.
 * - One flush at a time per outbox table: a flush asked for while one runs waits for it and then
 *   runs once more (several such requests share that one run). Across tabs the idempotency key
 *   makes a double send harmless. Triggers: start, `online`, `visibilitychange` to visible
 *   (flushTriggers.ts), and the features' own moments (sign-in, unlock, a new item).
 */
import { Dexie, type Table } from 'dexie'
import { z } from 'zod'
import { nextAttemptAt } from './backoff'

/** Why the server refused an item: its HTTP status and machine code (put into words by the page). */
export const problemSchema = z.object({ status: z.number().int().min(0).max(599), code: z.string().min(1).max(100) })
export type Problem = z.infer<typeof problemSchema>

/** What every outbox row carries; each kind adds its own fields (and validates them with `.extend`). */
export const outboxItemSchema = z.looseObject({
  id: z.string().min(1).max(200),
  kind: z.string().min(1).max(40),
  createdAt: z.string().max(40),
  attempts: z.number().int().min(0).default(0),
  nextAttemptAt: z.number().default(0),
  /** Rises with every change of the data: a send clears the row only if nothing changed while it was under way. */
  revision: z.number().int().min(0).default(1),
  problem: problemSchema.optional(),
  /** Refused and waiting for the person (retry or discard), or for its data to change. */
  held: z.boolean().optional(),
})
export type OutboxItem = z.output<typeof outboxItemSchema>
export type OutboxTable<T extends OutboxItem = OutboxItem> = Table<T, string>

/** How a failed send is handled (see the opening comment). */
export type Failure = { kind: 'later' } | { kind: 'retry'; retryAfterMs?: number } | { kind: 'refused'; problem: Problem }

/** An HTTP failure as the app's clients throw it (core/http.ts ApiError; the report sender's own). */
interface HttpFailure {
  status: number
  code: string
  retryAfter?: number
}
const isHttpFailure = (e: unknown): e is HttpFailure =>
  typeof e === 'object' && e !== null && typeof (e as { status?: unknown }).status === 'number' && typeof (e as { code?: unknown }).code === 'string'

/** The one rule for every outbox: which failures wait, which retry, which are refused (opening comment). */
export function classifyFailure(e: unknown): Failure {
  if (!isHttpFailure(e)) return { kind: 'retry' }
  const { status, code } = e
  if (status === 0 || status === 401 || (status === 403 && code === 'csrf')) return { kind: 'later' }
  if (status >= 500 || status === 408 || status === 425 || status === 429) {
    // ApiError.retryAfter is in seconds, as the server's error body and Retry-After header give it.
    return typeof e.retryAfter === 'number' ? { kind: 'retry', retryAfterMs: e.retryAfter * 1000 } : { kind: 'retry' }
  }
  return { kind: 'refused', problem: { status, code: code || String(status) } }
}

/**
 * Puts an item into the outbox, or marks a waiting one as changed (new revision, tried again at
 * once, problem cleared). Must run inside a read-write Dexie transaction that includes `table` and
 * the data the item belongs to: a failed data write then leaves no row, and no row is left behind.
 */
export async function enqueue<T extends OutboxItem>(table: OutboxTable<T>, item: Omit<T, 'attempts' | 'nextAttemptAt' | 'revision' | 'problem' | 'held' | 'createdAt'> & { createdAt?: string }): Promise<void> {
  const tx = Dexie.currentTransaction
  if (!tx || tx.mode !== 'readwrite' || !tx.storeNames.includes(table.name)) throw new Error(`enqueue needs a read-write transaction over ${table.name} and its data`)
  const before = await table.get(item.id as string)
  const row = { ...item, createdAt: before?.createdAt ?? item.createdAt ?? new Date().toISOString(), attempts: 0, nextAttemptAt: 0, revision: (before?.revision ?? 0) + 1 }
  await table.put(row as unknown as T)
}

export interface OutboxConfig<T extends OutboxItem> {
  table: OutboxTable<T>
  /** Only rows of this kind, in a table several kinds share (the cases db: `kpi-snapshot`, `case-sync`); each kind flushes on its own. */
  kind?: string
  /** The kind's own row schema (outboxItemSchema.extend(…)); a row that no longer fits is kept, not sent, and shown. */
  schema: z.ZodType<T>
  /** Sends one item. 'keep': not taken this time, and no failure either (it stays for the next round). */
  send(item: T): Promise<'sent' | 'keep'>
  classify?(e: unknown): Failure
  /** A refusal that concerns the device, not this item (the KPI counting id): the round stops. */
  stopsRound?(problem: Problem): boolean
  /** false: a refused item keeps its reason but is retried with back-off (see the opening comment). */
  holdRefused?: boolean
  now?(): number
  random?(): number
}

/** How many went out (`pending()` says how many still wait: not counted here, a flush is often followed by none). */
export interface FlushResult {
  sent: number
  /** The refusal that stopped the round, if one did. */
  stoppedBy?: Problem
}

/** A row shown to the person: valid rows with a problem, and rows that no longer fit their schema. */
export interface OutboxProblem {
  id: string
  kind: string
  createdAt: string
  problem: Problem
  held: boolean
}

const lanes = new Map<string, { running?: Promise<unknown>; queued?: Promise<unknown> }>()

/** Runs `run` for `key` one at a time; while one runs, later calls share a single follow-up run. */
function oneAtATime<R>(key: string, run: () => Promise<R>): Promise<R> {
  let lane = lanes.get(key)
  if (!lane) lanes.set(key, (lane = {}))
  const l = lane
  if (l.queued) return l.queued as Promise<R>
  const start = (): Promise<R> => {
    const p: Promise<R> = run().finally(() => {
      if (l.running === p) l.running = undefined
    })
    l.running = p
    return p
  }
  if (!l.running) return start()
  const queued = l.running
    .catch(() => undefined)
    .then(() => {
      l.queued = undefined
      return start()
    })
  l.queued = queued
  return queued
}

export class Outbox<T extends OutboxItem> {
  private readonly key: string
  constructor(private readonly config: OutboxConfig<T>) {
    this.key = `${config.table.db.name}/${config.table.name}${config.kind ? `/${config.kind}` : ''}`
  }

  private now(): number {
    return this.config.now?.() ?? Date.now()
  }

  /** Every row, oldest first, each checked as it comes out of storage. */
  private async rows(): Promise<{ valid: T[]; unreadable: { id: string; kind: string; createdAt: string }[] }> {
    const valid: T[] = []
    const unreadable: { id: string; kind: string; createdAt: string }[] = []
    for (const row of await this.config.table.orderBy('createdAt').toArray()) {
      if (this.config.kind !== undefined && (row as Partial<OutboxItem>).kind !== this.config.kind) continue
      const parsed = this.config.schema.safeParse(row)
      if (parsed.success) valid.push(parsed.data)
      else {
        const r = row as Partial<OutboxItem>
        unreadable.push({ id: String(r.id), kind: typeof r.kind === 'string' ? r.kind : '?', createdAt: typeof r.createdAt === 'string' ? r.createdAt : '' })
      }
    }
    return { valid, unreadable }
  }

  /** What waits, oldest first (valid rows only). */
  async items(): Promise<T[]> {
    return (await this.rows()).valid
  }

  pending(): Promise<number> {
    const kind = this.config.kind
    return kind === undefined ? this.config.table.count() : this.config.table.filter((r) => r.kind === kind).count()
  }

  /** What the person should see: refused rows (held or retrying) and rows that can no longer be read. */
  async problems(): Promise<OutboxProblem[]> {
    const { valid, unreadable } = await this.rows()
    return [
      ...valid.flatMap((i) => (i.problem ? [{ id: i.id, kind: i.kind, createdAt: i.createdAt, problem: i.problem, held: i.held === true }] : [])),
      ...unreadable.map((u) => ({ ...u, problem: { status: 0, code: 'unreadable' }, held: true })),
    ]
  }

  /** The person asks to try a refused item again: its reason is cleared and it goes in the next flush. */
  async retry(id: string): Promise<FlushResult> {
    await this.config.table.db.transaction('rw', this.config.table, async () => {
      const row = await this.config.table.get(id)
      if (!row) return
      const next = { ...row, attempts: 0, nextAttemptAt: 0 }
      delete next.problem
      delete next.held
      await this.config.table.put(next)
    })
    return this.flush()
  }

  /** The person gives an item up; only they can. */
  async discard(id: string): Promise<void> {
    await this.config.table.delete(id)
  }

  /** Sends what is due, oldest first. One flush at a time per outbox table. */
  flush(): Promise<FlushResult> {
    return oneAtATime(this.key, () => this.round())
  }

  private async round(): Promise<FlushResult> {
    const { table, send } = this.config
    const classify = this.config.classify ?? classifyFailure
    const now = this.now()
    let sent = 0
    let stoppedBy: Problem | undefined
    for (const item of (await this.rows()).valid) {
      if (item.held || item.nextAttemptAt > now) continue
      let outcome: 'sent' | 'keep'
      try {
        outcome = await send(item)
      } catch (e) {
        const failure = classify(e)
        if (failure.kind === 'later') break
        const attempts = item.attempts + 1
        const when = nextAttemptAt(now, attempts, failure.kind === 'retry' ? failure.retryAfterMs : undefined, this.config.random)
        const changes = failure.kind === 'retry' ? { attempts, nextAttemptAt: when } : { attempts, nextAttemptAt: when, problem: failure.problem, held: this.config.holdRefused !== false }
        // The failure belongs to what was sent: data changed meanwhile (a new revision) stays due at once, without this reason.
        await table.db.transaction('rw', table, async () => {
          const current = await table.get(item.id as string)
          if (current && (current.revision ?? 1) === item.revision) await table.update(item.id, changes as Partial<T> as never)
        })
        if (failure.kind === 'retry') continue
        if (this.config.stopsRound?.(failure.problem)) {
          stoppedBy = failure.problem
          break
        }
        continue
      }
      if (outcome === 'keep') continue
      // Taken: the row goes, unless the data changed while it was under way (then it is sent again).
      await table.db.transaction('rw', table, async () => {
        const current = await table.get(item.id as string)
        if (current && (current.revision ?? 1) === item.revision) await table.delete(item.id)
      })
      sent++
    }
    return { sent, ...(stoppedBy ? { stoppedBy } : {}) }
  }
}
