/** The residents' "Klopt er iets niet?" reports, on the resident queue (residentQueue.ts). */
import { z } from 'zod'
import { serviceReportSchema } from '../../../../shared/socialMap/hsds'
import { enqueue, outboxItemSchema } from '../../../sync/outbox'
import type { WorkerAnswers } from './protocol'
import type { SocialMapDb } from './repository'
import { ResidentQueue } from './residentQueue'

export const reportItemSchema = outboxItemSchema.extend({ id: z.guid(), kind: z.literal('report'), payload: serviceReportSchema })
export type ReportItem = z.output<typeof reportItemSchema>

export class ReportQueue extends ResidentQueue<ReportItem> {
  constructor(db: SocialMapDb, fetchFn: typeof fetch, apiBase: string) {
    super(db, fetchFn, `${apiBase}/api/reports`, 'report', reportItemSchema)
  }

  /** Queues a report first (nothing is lost offline), then tries to send the queue. */
  async report(serviceId: string, message: string, contact: string | undefined): Promise<WorkerAnswers['report']['status']> {
    const id = crypto.randomUUID()
    const payload = serviceReportSchema.parse({ id, serviceId, message, ...(contact ? { contact } : {}) })
    await this.db.transaction('rw', this.db.outbox, () => enqueue(this.db.outbox, { id, kind: 'report', payload }))
    return this.sendNow(id)
  }

  protected bodyOf(item: ReportItem): unknown {
    return item.payload
  }
}
