/** A resident's proposed initiative (docs/initiatives.md), on the resident queue (residentQueue.ts). */
import { z } from 'zod'
import { initiativeSubmissionSchema, type InitiativeSubmission } from '../../../../shared/socialMap/initiative'
import { enqueue, outboxItemSchema } from '../../../sync/outbox'
import type { SocialMapDb } from './repository'
import { ResidentQueue } from './residentQueue'

export const initiativeItemSchema = outboxItemSchema.extend({ id: z.guid(), kind: z.literal('initiative'), payload: initiativeSubmissionSchema })
export type InitiativeItem = z.output<typeof initiativeItemSchema>

export class InitiativeQueue extends ResidentQueue<InitiativeItem> {
  constructor(db: SocialMapDb, fetchFn: typeof fetch, apiBase: string) {
    super(db, fetchFn, `${apiBase}/api/initiatives`, 'initiative', initiativeItemSchema)
  }

  /**
   * Queues a proposal first (nothing is lost offline), then tries to send the queue. The proposal's
   * id is made on the page, so a second tap on "Versturen" for the same form queues nothing new.
   */
  async propose(submission: InitiativeSubmission): Promise<'sent' | 'queued' | 'refused'> {
    const payload = initiativeSubmissionSchema.parse(submission)
    const id = payload.proposal.id
    await this.db.transaction('rw', this.db.outbox, async () => {
      if (!(await this.db.outbox.get(id))) await enqueue(this.db.outbox, { id, kind: 'initiative', payload })
    })
    return this.sendNow(id)
  }

  protected bodyOf(item: InitiativeItem): unknown {
    return item.payload
  }
}
