/**
 * The "Ik wil hulp" database on the resident's phone (issue 20, docs/help-request.md): the outbox
 * of requests waiting to be sent (a table of the one outbox, src/app/sync/outbox.ts) and, per
 * request, what the confirmation shows (municipality, organisation, when it was queued and sent) —
 * no content. A waiting request holds what the resident wrote, as typed, on their own phone: it
 * is sealed at the moment it is sent, to the devices the directory names then, and the row goes
 * as soon as the server has it.
 */
import { Dexie, type EntityTable } from 'dexie'
import { z } from 'zod'
import { helpRequestContentSchema } from '../../../shared/helpRequests/helpRequest'
import { MUNICIPALITIES } from '../../../shared/socialMap/places'
import { DATABASES } from '../../core/storageNames'
import { outboxItemSchema, type OutboxTable } from '../../sync/outbox'

export const helpOutboxItemSchema = outboxItemSchema.extend({
  id: z.guid(),
  kind: z.literal('help-request'),
  content: helpRequestContentSchema,
  /** The honeypot as the form had it (empty for a person): sent as it was, so a bot's request is answered as if stored. */
  website: z.string().max(500).optional(),
})
export type HelpOutboxItem = z.output<typeof helpOutboxItemSchema>

export const helpRequestRecordSchema = z.object({
  id: z.guid(),
  municipality: z.enum(MUNICIPALITIES),
  queuedAt: z.iso.datetime(),
  /** Set once the server has it (stored now or before). */
  sentAt: z.iso.datetime().optional(),
  /** The organisation it went to, as the directory named it. */
  organisationName: z.string().max(200).optional(),
})
export type HelpRequestRecord = z.infer<typeof helpRequestRecordSchema>

class HelpRequestDb extends Dexie {
  outbox!: OutboxTable<HelpOutboxItem>
  requests!: EntityTable<HelpRequestRecord, 'id'>
  constructor() {
    super(DATABASES.helpRequests)
    this.version(1).stores({ outbox: 'id, createdAt', requests: 'id' })
  }
}
export const helpRequestDb = new HelpRequestDb()
