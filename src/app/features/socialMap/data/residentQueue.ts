/**
 * What residents send without an account — reports ("Klopt er iets niet?") and proposed
 * initiatives — waits in the social map database's outbox table, one kind per queue, on the one
 * outbox (src/app/sync/outbox.ts, docs/outbox.md): queued in IndexedDB first, then posted oldest
 * first with the item's own id as Idempotency-Key (the server stores a replay once). No connection:
 * they wait. A server fault or a busy server (429, Retry-After): tried again with back-off. Refused:
 * kept with the reason and shown (OfflineIndicator.vue), until the resident sends it again or
 * throws it away.
 */
import { z } from 'zod'
import { retryAfterMs } from '../../../sync/backoff'
import { Outbox, type OutboxItem, type OutboxProblem, type OutboxTable } from '../../../sync/outbox'
import type { WorkerAnswers } from './protocol'
import type { SocialMapDb } from './repository'

/** The server's answer to an item that did not go through, as the one outbox rule reads it. */
class ResidentPostFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    /** Seconds, from the Retry-After header or the body. */
    readonly retryAfter?: number,
  ) {
    super(`not taken: ${status} ${code}`)
  }
}

const errorBodySchema = z.object({ code: z.string().max(100).optional(), retryAfter: z.number().optional() })

export abstract class ResidentQueue<T extends OutboxItem> {
  protected readonly outbox: Outbox<T>

  constructor(
    protected readonly db: SocialMapDb,
    private readonly fetchFn: typeof fetch,
    private readonly url: string,
    readonly kind: string,
    schema: z.ZodType<T>,
  ) {
    // The table holds every kind; this queue reads and sends only its own (`kind`).
    this.outbox = new Outbox<T>({ table: db.outbox as unknown as OutboxTable<T>, kind, schema, send: (item) => this.send(item) })
  }

  /** What the server is sent for an item. */
  protected abstract bodyOf(item: T): unknown

  /** After `enqueue`: tries to send, and says where the item stands. */
  protected async sendNow(id: string): Promise<'sent' | 'queued' | 'refused'> {
    await this.flush()
    const left = await this.db.outbox.get(id)
    return left ? (left.held ? 'refused' : 'queued') : 'sent'
  }

  /** Sends the queued items that are due, oldest first. */
  async flush(): Promise<WorkerAnswers['flush']> {
    const { sent } = await this.outbox.flush()
    return { sent, pending: await this.outbox.pending() }
  }

  pending(): Promise<number> {
    return this.outbox.pending()
  }

  /** Refused items, for the resident to see (and send again or throw away). */
  problems(): Promise<OutboxProblem[]> {
    return this.outbox.problems()
  }

  async retry(id: string): Promise<WorkerAnswers['flush']> {
    const { sent } = await this.outbox.retry(id)
    return { sent, pending: await this.outbox.pending() }
  }

  async discard(id: string): Promise<number> {
    await this.outbox.discard(id)
    return this.outbox.pending()
  }

  private async send(item: T): Promise<'sent'> {
    let response: Response
    try {
      response = await this.fetchFn(this.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': item.id },
        body: JSON.stringify(this.bodyOf(item)),
      })
    } catch {
      throw new ResidentPostFailure(0, 'offline')
    }
    if (response.ok) return 'sent'
    const body = errorBodySchema.safeParse(await response.json().catch(() => undefined))
    const header = retryAfterMs(response.headers.get('Retry-After'), Date.now())
    const retryAfter = header !== undefined ? header / 1000 : body.data?.retryAfter
    throw new ResidentPostFailure(response.status, body.data?.code ?? String(response.status), retryAfter)
  }
}
