/**
 * Referrals and status messages leave the device through an outbox in IndexedDB: written in one
 * step with a client-made id, already sealed (nothing readable waits on the phone), sent when
 * online. A resend after a lost answer never makes a second referral: the server knows the id.
 * When the recipients changed while the box waited (a device approved or revoked), the phone opens
 * its own copy and seals it again to the devices that are approved now.
 */
import { Dexie, type EntityTable } from 'dexie'
import { z } from 'zod'
import { openSealed, seal, type Sealed } from '../../../shared/crypto/sealed'
import { directorySchema, eventContext, listedReferralSchema, newEventSchema, newReferralSchema, recipientSchema, referralContext, type Directory, type EventKind, type ListedReferral, type NewEvent, type NewReferral } from '../../../shared/referrals/referral'
import { api, ApiError } from '../professional/api'
import { thisDevice } from '../../core/deviceIdentity'
import { hookIntoVault } from '../../core/forgetOpened'
import { backoffMs } from '../cases/kpiSyncCore'

export const REFERRAL_DB_NAME = 'samenwerkwijze-verwijzingen'

/** Why the server refused an item: its status and code, put into words by the page (i18n). */
const problemSchema = z.object({ status: z.number(), code: z.string() })
const common = { id: z.guid(), referralId: z.guid(), createdAt: z.string(), attempts: z.number().int().min(0), nextAttemptAt: z.number(), problem: problemSchema.optional() }
const outboxItemSchema = z.discriminatedUnion('kind', [
  z.object({ ...common, kind: z.literal('referral'), body: newReferralSchema }),
  z.object({ ...common, kind: z.literal('event'), body: newEventSchema }),
])
export type OutboxItem = z.infer<typeof outboxItemSchema>

/** The refusal as an error the pages already know how to say. */
export const problemError = (p: z.infer<typeof problemSchema>) => new ApiError(p.status, p.code, '')

/** What waits, oldest first, each checked as it comes out of storage. One that no longer fits stays, and is not sent. */
export async function waitingItems(): Promise<OutboxItem[]> {
  return (await referralDb.outbox.orderBy('createdAt').toArray()).flatMap((row) => outboxItemSchema.safeParse(row).data ?? [])
}

class ReferralDb extends Dexie {
  outbox!: EntityTable<OutboxItem, 'id'>
  directory!: EntityTable<{ key: 'directory'; data: Directory; fetchedAt: string }, 'key'>
  /** The last inbox or sent list as the server gave it: sealed boxes only, for reading offline. */
  lists!: EntityTable<{ key: 'inbox' | 'sent'; data: unknown; fetchedAt: string }, 'key'>
  constructor() {
    super(REFERRAL_DB_NAME)
    this.version(1).stores({ outbox: 'id, referralId, createdAt', directory: 'key' })
    this.version(2).stores({ lists: 'key' })
  }
}
export const referralDb = new ReferralDb()

/** Fetches the routes and keys when online; offline, the last copy. */
export async function loadDirectory(): Promise<{ directory: Directory; fetchedAt: string } | undefined> {
  try {
    const data = await api('GET', '/api/referrals/directory', directorySchema)
    const fetchedAt = new Date().toISOString()
    await referralDb.directory.put({ key: 'directory', data, fetchedAt })
    return { directory: data, fetchedAt }
  } catch (e) {
    if (!(e instanceof ApiError) || (e.status !== 0 && e.status !== 401)) throw e
    const cached = await referralDb.directory.get('directory')
    const parsed = cached && directorySchema.safeParse(cached.data)
    return parsed?.success ? { directory: parsed.data, fetchedAt: cached!.fetchedAt } : undefined
  }
}

const listSchema = z.object({ referrals: z.array(listedReferralSchema) })

/** Counts the clearings: a list fetched before one is not written after it. */
let listGeneration = 0

/** Drops the cached inbox and sent list: on lock, wipe and sign-out (core/forgetOpened.ts). */
export async function clearCachedLists(): Promise<void> {
  listGeneration++
  await referralDb.lists.clear()
}

/** The inbox or the sent list; offline, the last copy (validated again) with its age. */
export async function loadList(key: 'inbox' | 'sent'): Promise<{ referrals: ListedReferral[]; fetchedAt: string; offline: boolean }> {
  // The copy kept for reading offline goes on lock and sign-out (docs/device-trust.md).
  hookIntoVault()
  const generation = listGeneration
  try {
    const data = await api('GET', `/api/referrals/${key}`, listSchema)
    const fetchedAt = new Date().toISOString()
    // A lock or sign-out while this was on its way: nothing is kept.
    if (generation === listGeneration) await referralDb.lists.put({ key, data, fetchedAt })
    return { referrals: data.referrals, fetchedAt, offline: false }
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 0) throw e
    const cached = await referralDb.lists.get(key)
    const parsed = listSchema.safeParse(cached?.data)
    if (!cached || !parsed.success) throw e
    return { referrals: parsed.data.referrals, fetchedAt: cached.fetchedAt, offline: true }
  }
}

export async function queueReferral(body: NewReferral): Promise<void> {
  await referralDb.outbox.put({ id: body.id, kind: 'referral', referralId: body.id, body, createdAt: new Date().toISOString(), attempts: 0, nextAttemptAt: 0 })
}

const keysSchema = z.object({ keys: z.array(recipientSchema) })

/** Seals a status note for the referral's readers and queues it; `note` undefined sends the status alone. */
export async function queueEvent(referralId: string, kind: EventKind, note?: string): Promise<void> {
  const id = crypto.randomUUID()
  let sealed: Sealed | undefined
  if (note !== undefined) {
    const { keys } = await api('GET', `/api/referrals/${referralId}/keys`, keysSchema)
    sealed = await seal({ note }, keys, eventContext(referralId, id))
  }
  const body: NewEvent = { id, kind, at: new Date().toISOString(), ...(sealed ? { sealed } : {}) }
  await referralDb.outbox.put({ id, kind: 'event', referralId, body, createdAt: body.at, attempts: 0, nextAttemptAt: 0 })
}

/** Opens this device's copy and seals it again to who may read it now. */
async function reseal(item: OutboxItem): Promise<OutboxItem> {
  const me = await thisDevice()
  const sealed = item.body.sealed
  if (!me || !sealed) throw new Error('cannot reseal')
  if (item.kind === 'referral') {
    const content = await openSealed(sealed, me.id, me.privateKey, referralContext(item.referralId))
    const fresh = await loadDirectory()
    const keys = fresh?.directory.keys[item.body.receivingOrganisationId] ?? []
    return { ...item, body: { ...item.body, sealed: await seal(content, [...keys, ...(fresh?.directory.own ?? [])], referralContext(item.referralId)) } }
  }
  const content = await openSealed(sealed, me.id, me.privateKey, eventContext(item.referralId, item.id))
  const { keys } = await api('GET', `/api/referrals/${item.referralId}/keys`, keysSchema)
  return { ...item, body: { ...item.body, sealed: await seal(content, keys, eventContext(item.referralId, item.id)) } }
}

const answer = z.object({ status: z.enum(['stored', 'exists']) })

/** Sends what waits, oldest first. Returns how many are still waiting. */
export async function flushOutbox(now = Date.now()): Promise<number> {
  for (let item of await waitingItems()) {
    if (item.nextAttemptAt > now) continue
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        if (item.kind === 'referral') await api('POST', '/api/referrals', answer, item.body)
        else await api('POST', `/api/referrals/${item.referralId}/events`, answer, item.body)
        await referralDb.outbox.delete(item.id)
        break
      } catch (e) {
        if (!(e instanceof ApiError)) throw e
        if (e.status === 0 || e.status === 401) return referralDb.outbox.count() // offline or signed out: later
        if (e.code === 'recipients-changed' && attempt === 0) {
          try {
            item = await reseal(item)
            await referralDb.outbox.put(item)
            continue
          } catch {
            // Fall through: kept, with the server's reason.
          }
        }
        // Kept, never dropped: a server fault is retried later, a refusal is shown with its reason.
        const attempts = item.attempts + 1
        await referralDb.outbox.update(item.id, { attempts, nextAttemptAt: now + backoffMs(attempts), ...(e.status < 500 ? { problem: { status: e.status, code: e.code } } : {}) })
        break
      }
    }
  }
  return referralDb.outbox.count()
}
