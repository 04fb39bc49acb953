/**
 * The residents' "Klopt er iets niet?" reports waiting to be sent: queued in IndexedDB first,
 * then posted oldest first with the report id as Idempotency-Key. Moved here unchanged from
 * localSocialMap.ts; the one outbox (src/app/sync/) replaces its retry rule.
 */
import { listingReportSchema } from '../../../../shared/socialMap/hsds'
import type { WorkerAnswers } from './protocol'
import type { SocialMapDb } from './repository'

export class ReportQueue {
  constructor(
    private readonly db: SocialMapDb,
    private readonly fetchFn: typeof fetch,
    private readonly apiBase: string,
  ) {}

  /** Queues a report first (nothing is lost offline), then tries to send the queue. */
  async report(serviceId: string, message: string, contact: string | undefined): Promise<'sent' | 'queued'> {
    const id = crypto.randomUUID()
    const payload = listingReportSchema.parse({ id, serviceId, message, ...(contact ? { contact } : {}) })
    await this.db.outbox.put({ id, kind: 'report', createdAt: new Date().toISOString(), payload, attempts: 0 })
    await this.flush()
    return (await this.db.outbox.get(id)) ? 'queued' : 'sent'
  }

  /** Sends queued reports oldest first; stops at the first network failure. */
  async flush(): Promise<WorkerAnswers['flush']> {
    let sent = 0
    for (const item of await this.db.outbox.orderBy('createdAt').toArray()) {
      let response: Response
      try {
        response = await this.fetchFn(`${this.apiBase}/api/reports`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'Idempotency-Key': item.id },
          body: JSON.stringify(item.payload),
        })
      } catch {
        break
      }
      if (response.ok || response.status === 400 || response.status === 404) {
        // Delivered, or refused for good (a listing that no longer exists): leave the queue.
        await this.db.outbox.delete(item.id)
        if (response.ok) sent++
      } else {
        await this.db.outbox.update(item.id, { attempts: item.attempts + 1 })
        break
      }
    }
    return { sent, pending: await this.db.outbox.count() }
  }

  pending(): Promise<number> {
    return this.db.outbox.count()
  }
}
