/**
 * The residents' "Klopt er iets niet?" reports, on the one outbox (src/app/sync/outbox.ts,
 * docs/outbox.md): queued in IndexedDB first, then posted oldest first with the report's own id
 * as id and as Idempotency-Key (the server stores a replay once). No connection: they wait. A
 * server fault or a busy server (429, Retry-After): tried again with back-off. Refused (the service
 * no longer exists, the report does not pass the server's check): kept with the reason and shown
 * (OfflineIndicator.vue), until the resident sends it again or throws it away.
 */
import { z } from 'zod'
import { serviceReportSchema } from '../../../../shared/socialMap/hsds'
import { retryAfterMs } from '../../../sync/backoff'
import { enqueue, Outbox, outboxItemSchema, type OutboxProblem } from '../../../sync/outbox'
import type { WorkerAnswers } from './protocol'
import type { SocialMapDb } from './repository'

export const reportItemSchema = outboxItemSchema.extend({ id: z.guid(), kind: z.literal('report'), payload: serviceReportSchema })
export type ReportItem = z.output<typeof reportItemSchema>

/** The server's answer to a report that did not go through, as the one outbox rule reads it. */
class ReportFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    /** Seconds, from the Retry-After header or the body. */
    readonly retryAfter?: number,
  ) {
    super(`report not taken: ${status} ${code}`)
  }
}

const errorBodySchema = z.object({ code: z.string().max(100).optional(), retryAfter: z.number().optional() })

export class ReportQueue {
  private readonly outbox: Outbox<ReportItem>

  constructor(
    private readonly db: SocialMapDb,
    private readonly fetchFn: typeof fetch,
    private readonly apiBase: string,
  ) {
    this.outbox = new Outbox({ table: db.outbox, schema: reportItemSchema, send: (item) => this.send(item) })
  }

  /** Queues a report first (nothing is lost offline), then tries to send the queue. */
  async report(serviceId: string, message: string, contact: string | undefined): Promise<WorkerAnswers['report']['status']> {
    const id = crypto.randomUUID()
    const payload = serviceReportSchema.parse({ id, serviceId, message, ...(contact ? { contact } : {}) })
    await this.db.transaction('rw', this.db.outbox, () => enqueue(this.db.outbox, { id, kind: 'report', payload }))
    await this.flush()
    const left = await this.db.outbox.get(id)
    return left ? (left.held ? 'refused' : 'queued') : 'sent'
  }

  /** Sends the queued reports that are due, oldest first. */
  async flush(): Promise<WorkerAnswers['flush']> {
    const { sent } = await this.outbox.flush()
    return { sent, pending: await this.outbox.pending() }
  }

  pending(): Promise<number> {
    return this.outbox.pending()
  }

  /** Refused reports, for the resident to see (and send again or throw away). */
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

  private async send(item: ReportItem): Promise<'sent'> {
    let response: Response
    try {
      response = await this.fetchFn(`${this.apiBase}/api/reports`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': item.id },
        body: JSON.stringify(item.payload),
      })
    } catch {
      throw new ReportFailure(0, 'offline')
    }
    if (response.ok) return 'sent'
    const body = errorBodySchema.safeParse(await response.json().catch(() => undefined))
    const header = retryAfterMs(response.headers.get('Retry-After'), Date.now())
    const retryAfter = header !== undefined ? header / 1000 : body.data?.retryAfter
    throw new ReportFailure(response.status, body.data?.code ?? String(response.status), retryAfter)
  }
}
