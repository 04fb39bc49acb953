/**
 * The referrals database on this phone: the outbox of sealed referrals and statuses (a table of
 * the one outbox, src/app/sync/outbox.ts), the routing directory, the cached lists, the readers'
 * keys and, per referral sent, the organisation key it was sealed under.
 */
import { Dexie, type EntityTable } from 'dexie'
import { z } from 'zod'
import { newEventSchema, newReferralSchema } from '../../../shared/referrals/referral'
import { directoryAnswerSchema, type DirectoryAnswer } from '../../../shared/api/referrals'
import { DATABASES } from '../../core/storageNames'
import { outboxItemSchema, type OutboxTable } from '../../sync/outbox'

export const REFERRAL_DB_NAME = DATABASES.referrals

/** The row id is the referral's or the status event's own id: the server stores a replay once. */
const ids = { id: z.guid(), referralId: z.guid() }
export const referralOutboxItemSchema = z.discriminatedUnion('kind', [
  outboxItemSchema.extend({ ...ids, kind: z.literal('referral'), body: newReferralSchema }),
  outboxItemSchema.extend({ ...ids, kind: z.literal('event'), body: newEventSchema, senderOrganisationId: z.guid().optional(), receivingOrganisationId: z.guid().optional(), senderUserId: z.guid().optional() }),
])
export type OutboxItem = z.output<typeof referralOutboxItemSchema>

export const sentToSchema = z.object({ referralId: z.guid(), organisationId: z.guid(), fingerprint: z.string().regex(/^\d{5}( \d{5}){5}$/) })
export type SentTo = z.infer<typeof sentToSchema>

/**
 * The directory as this phone reads and caches it: the shared answer schema, which takes the
 * certificates and chains as they come, each checked on its own (trust.ts). One injected or damaged
 * entry is then refused and named, instead of making the whole directory unreadable.
 */
export const appDirectorySchema = directoryAnswerSchema
export type Directory = DirectoryAnswer

class ReferralDb extends Dexie {
  outbox!: OutboxTable<OutboxItem>
  directory!: EntityTable<{ key: 'directory'; data: Directory; fetchedAt: string }, 'key'>
  /** The last inbox or sent list as the server gave it: sealed boxes only, for reading offline. */
  lists!: EntityTable<{ key: 'inbox' | 'sent'; data: unknown; fetchedAt: string }, 'key'>
  /**
   * Who may read each referral's events (certificates and chains, as the server gave them): kept so
   * that a status can be signed and sealed offline. Checked again on every use; cleared with the lists.
   */
  keys!: EntityTable<{ referralId: string; data: unknown; fetchedAt: string }, 'referralId'>
  /**
   * Per referral this phone sent: the organisation it went to and that organisation's key then
   * (review finding 2). Feedback and statuses in the sent list count only when signed under it.
   * Public facts, no content; kept across lock (it is what the phone trusted, not what it read).
   */
  sentTo!: EntityTable<SentTo, 'referralId'>
  constructor() {
    super(REFERRAL_DB_NAME)
    this.version(1).stores({ outbox: 'id, referralId, createdAt', directory: 'key' })
    this.version(2).stores({ lists: 'key' })
    this.version(3).stores({ keys: 'referralId' })
    this.version(4).stores({ sentTo: 'referralId' })
    // Rows of the one outbox: a revision, and a refusal (a 4xx) held for the person instead of retried by itself.
    this.version(5)
      .stores({})
      .upgrade((tx) =>
        tx
          .table('outbox')
          .toCollection()
          .modify((row: { revision?: number; problem?: { status: number }; held?: boolean }) => {
            row.revision ??= 1
            if (row.problem && row.problem.status < 500) row.held = true
          }),
      )
  }
}
export const referralDb = new ReferralDb()
