/**
 * Referrals and status messages leave the device through an outbox in IndexedDB: written in one
 * step with a client-made id, already sealed (nothing readable waits on the phone), sent when
 * online. A resend after a lost answer never makes a second referral: the server knows the id.
 * Every box is signed by this device (sealSigned) and sealed only to devices whose certificate
 * this phone verified up to a pinned organisation key (trust.ts; docs/device-trust.md).
 * When the recipients of a referral changed while it waited (the server answers
 * `recipients-changed`), it stays in the outbox with that reason: the GP sees the new list and
 * only then is it sealed again (resealReferral). A status event is sealed again at once, but only
 * to devices that verify.
 */
import { Dexie, type EntityTable } from 'dexie'
import { z } from 'zod'
import { openSealed, sealSigned, type Recipient } from '../../../shared/crypto/sealed'
import { directorySchema, listedReferralSchema, newEventSchema, newReferralSchema, referralContext, signedEventContext, type EventKind, type ListedReferral, type NewEvent, type NewReferral } from '../../../shared/referrals/referral'
import { api, ApiError } from '../../core/http'
import { signingKey, thisDevice } from '../../core/deviceIdentity'
import { checkDevices, type DeviceGroup, type TrustResult } from './trust'
import { hookIntoVault } from '../../core/forgetOpened'
import { backoffMs } from '../cases/kpiSyncCore'
import { DATABASES } from '../../core/storageNames'

export const REFERRAL_DB_NAME = DATABASES.referrals

/** Why the server refused an item: its status and code, put into words by the page (i18n). */
const problemSchema = z.object({ status: z.number(), code: z.string() })
const common = { id: z.guid(), referralId: z.guid(), createdAt: z.string(), attempts: z.number().int().min(0), nextAttemptAt: z.number(), problem: problemSchema.optional() }
const outboxItemSchema = z.discriminatedUnion('kind', [
  z.object({ ...common, kind: z.literal('referral'), body: newReferralSchema }),
  z.object({ ...common, kind: z.literal('event'), body: newEventSchema, senderOrganisationId: z.guid().optional(), receivingOrganisationId: z.guid().optional(), senderUserId: z.guid().optional() }),
])
export type OutboxItem = z.infer<typeof outboxItemSchema>

/** The refusal as an error the pages already know how to say. */
export const problemError = (p: z.infer<typeof problemSchema>) => new ApiError(p.status, p.code, '')

/** What waits, oldest first, each checked as it comes out of storage. One that no longer fits stays, and is not sent. */
export async function waitingItems(): Promise<OutboxItem[]> {
  return (await referralDb.outbox.orderBy('createdAt').toArray()).flatMap((row) => outboxItemSchema.safeParse(row).data ?? [])
}

const sentToSchema = z.object({ referralId: z.guid(), organisationId: z.guid(), fingerprint: z.string().regex(/^\d{5}( \d{5}){5}$/) })
type SentTo = z.infer<typeof sentToSchema>

/** The organisation this phone sent a referral to and its key then; undefined when it was sent elsewhere (or before this was kept). */
export async function sentToRecord(referralId: string): Promise<{ organisationId: string; fingerprint: string } | undefined> {
  const row = sentToSchema.safeParse(await referralDb.sentTo.get(referralId)).data
  return row && { organisationId: row.organisationId, fingerprint: row.fingerprint }
}

class ReferralDb extends Dexie {
  outbox!: EntityTable<OutboxItem, 'id'>
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
  }
}
export const referralDb = new ReferralDb()

/**
 * The directory as this phone reads it: routes as the shared schema says, but the certificates
 * and chains taken as they come, each checked on its own (trust.ts). One injected or damaged entry
 * is then refused and named, instead of making the whole directory unreadable.
 */
export const appDirectorySchema = z.object({
  routes: directorySchema.shape.routes,
  keys: z.record(z.string(), z.array(z.unknown()).max(1000)),
  own: z.array(z.unknown()).max(100),
  chains: z.record(z.string(), z.unknown()),
})
export type Directory = z.infer<typeof appDirectorySchema>

/** The signed-in person: whose own devices a referral is also sealed to, and the organisations they belong to. */
export interface Person {
  userId: string
  organisations: readonly string[]
}

/**
 * The groups to check for a referral to `receiver`: its sociaal-werkers' devices (the organisation
 * the GP picked from the routing table: pinned on first use) and the GP's own devices — only
 * certificates of the signed-in person, under an organisation key this phone already pinned. A
 * chain first seen among `own` is never pinned (review finding 1); for one of the person's own
 * organisations it is offered for acceptance, any other is refused.
 */
export function referralGroups(directory: Directory, receiver: string, person: Person): DeviceGroup[] {
  const ownOrgs = new Set(directory.own.flatMap((c) => (c && typeof c === 'object' && 'organisationId' in c && typeof c.organisationId === 'string' ? [c.organisationId] : [])))
  ownOrgs.delete(receiver)
  return [
    { organisationId: receiver, chain: directory.chains[receiver], certificates: directory.keys[receiver] ?? [], role: 'receivers', pin: 'first-use' },
    ...[...ownOrgs].map(
      (org): DeviceGroup => ({
        organisationId: org,
        chain: directory.chains[org],
        certificates: directory.own.filter((c) => (c as { organisationId?: unknown }).organisationId === org),
        role: 'person',
        userId: person.userId,
        pin: 'pinned',
        acceptable: person.organisations.includes(org),
      }),
    ),
  ]
}

/** Why a box was not sealed: no device left that this phone trusts, or an organisation key changed. */
export class TrustError extends Error {
  constructor(
    readonly code: 'no-trusted-recipients' | 'organisation-key-changed' | 'organisation-unknown',
    readonly trust: TrustResult,
  ) {
    super(code)
  }
}

/** Seals to exactly the trusted devices, signed by this device. */
export async function sealForTrusted(content: unknown, recipients: readonly Recipient[], context: string, at: string) {
  const me = await thisDevice()
  if (!me) throw new Error('This device is not registered')
  return sealSigned(content, recipients, context, { deviceId: me.id, signingKey: await signingKey() }, at)
}

/** Fetches the routes and keys when online; offline, the last copy. */
export async function loadDirectory(): Promise<{ directory: Directory; fetchedAt: string } | undefined> {
  try {
    const data = await api('GET', '/api/referrals/directory', appDirectorySchema)
    const fetchedAt = new Date().toISOString()
    await referralDb.directory.put({ key: 'directory', data, fetchedAt })
    return { directory: data, fetchedAt }
  } catch (e) {
    if (!(e instanceof ApiError) || (e.status !== 0 && e.status !== 401)) throw e
    const cached = await referralDb.directory.get('directory')
    const parsed = cached && appDirectorySchema.safeParse(cached.data)
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
  await referralDb.keys.clear()
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

/** Queues a sealed referral, with the key of the organisation it is sent to as this phone verified it (sentTo). */
export async function queueReferral(body: NewReferral, receiverFingerprint: string): Promise<void> {
  const sentTo = sentToSchema.parse({ referralId: body.id, organisationId: body.receivingOrganisationId, fingerprint: receiverFingerprint })
  await referralDb.transaction('rw', referralDb.outbox, referralDb.sentTo, async () => {
    await referralDb.sentTo.put(sentTo)
    await referralDb.outbox.put({ id: body.id, kind: 'referral', referralId: body.id, body, createdAt: new Date().toISOString(), attempts: 0, nextAttemptAt: 0 })
  })
}

const keysSchema = z.object({ keys: z.array(z.unknown()).max(1000), chains: z.record(z.string(), z.unknown()) })

/** The readers of a referral's events: from the server, kept for offline use; offline, the kept copy. */
async function fetchKeys(referralId: string): Promise<z.infer<typeof keysSchema>> {
  try {
    const data = await api('GET', `/api/referrals/${referralId}/keys`, keysSchema)
    await referralDb.keys.put({ referralId, data, fetchedAt: new Date().toISOString() })
    return data
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 0) throw e
    const kept = keysSchema.safeParse((await referralDb.keys.get(referralId))?.data)
    if (!kept.success) throw e
    return kept.data
  }
}

/** Online: fetches the readers of the open referrals not yet kept, so that a status can be sent from them offline. */
export async function keepKeys(referrals: readonly Pick<ListedReferral, 'id' | 'status'>[]): Promise<void> {
  const generation = listGeneration
  for (const r of referrals) {
    if (r.status === 'afgewezen' || r.status === 'afgerond' || (await referralDb.keys.get(r.id))) continue
    try {
      const data = await api('GET', `/api/referrals/${r.id}/keys`, keysSchema)
      if (generation !== listGeneration) return
      await referralDb.keys.put({ referralId: r.id, data, fetchedAt: new Date().toISOString() })
    } catch {
      return // Offline or refused: it is fetched when the status is sent.
    }
  }
}

/**
 * Who may read a referral's events, checked on this phone: the devices of the GP who sent it (the
 * user of its verified sender certificate, `gpUserId`; review finding 7) and the receiving
 * organisation's sociaal-werkers, each under an organisation key this phone pinned.
 */
export async function eventRecipients(referral: Pick<ListedReferral, 'id' | 'senderOrganisation' | 'receivingOrganisation'>, gpUserId: string | undefined): Promise<TrustResult> {
  const { keys, chains } = await fetchKeys(referral.id)
  const orgOf = (c: unknown) => (c && typeof c === 'object' && 'organisationId' in c ? c.organisationId : undefined)
  const groups: DeviceGroup[] = [
    { organisationId: referral.senderOrganisation.id, chain: chains[referral.senderOrganisation.id], certificates: keys.filter((c) => orgOf(c) === referral.senderOrganisation.id), role: 'person', userId: gpUserId, pin: 'pinned' },
    { organisationId: referral.receivingOrganisation.id, chain: chains[referral.receivingOrganisation.id], certificates: keys.filter((c) => orgOf(c) === referral.receivingOrganisation.id), role: 'receivers', pin: 'pinned', acceptable: true },
  ]
  const trust = await checkDevices(groups)
  // A certificate of any other organisation is not for this referral.
  for (const c of keys) {
    const org = orgOf(c)
    if (org !== referral.senderOrganisation.id && org !== referral.receivingOrganisation.id) trust.refused.push({ deviceId: String((c as { deviceId?: unknown }).deviceId ?? ''), deviceName: '?', organisationId: String(org ?? ''), reason: 'wrong-organisation' })
  }
  return trust
}

/**
 * Seals a status (and its note) for the referral's readers, signed by this device, and queues it.
 * Every event carries a signed box, also a bare status change (note ''): the signature shows who did it.
 */
export async function queueEvent(referral: Pick<ListedReferral, 'id' | 'senderOrganisation' | 'receivingOrganisation'>, gpUserId: string | undefined, kind: EventKind, note?: string): Promise<void> {
  const id = crypto.randomUUID()
  const at = new Date().toISOString()
  const trust = await eventRecipients(referral, gpUserId)
  if (trust.changes.length) throw new TrustError('organisation-key-changed', trust)
  // Colleagues under a key this phone does not know yet: the person accepts the number first.
  if (trust.unknown.length) throw new TrustError('organisation-unknown', trust)
  if (trust.trusted.length === 0) throw new TrustError('no-trusted-recipients', trust)
  const sealed = await sealForTrusted({ note: note ?? '' }, trust.trusted.map((d) => d.recipient), signedEventContext(referral.id, id, kind), at)
  const body: NewEvent = { id, kind, at, sealed }
  const item: Extract<OutboxItem, { kind: 'event' }> = { id, kind: 'event', referralId: referral.id, body, createdAt: at, attempts: 0, nextAttemptAt: 0, senderOrganisationId: referral.senderOrganisation.id, receivingOrganisationId: referral.receivingOrganisation.id, ...(gpUserId ? { senderUserId: gpUserId } : {}) }
  await referralDb.outbox.put(item)
}

/** Opens this device's own copy of a waiting item (it is always among the recipients). */
async function ownCopy(item: OutboxItem): Promise<unknown> {
  const me = await thisDevice()
  if (!me) throw new Error('cannot reseal')
  const context = item.kind === 'referral' ? referralContext(item.referralId) : signedEventContext(item.referralId, item.id, item.body.kind)
  return openSealed(item.body.sealed, me.id, me.privateKey, context)
}

/**
 * The referral sealed again to the devices the GP saw and confirmed (docs/device-trust.md: a change
 * of recipients is shown before sealing again), then sent.
 */
export async function resealReferral(id: string, confirmed: readonly Recipient[]): Promise<void> {
  const item = await referralDb.outbox.get(id)
  const parsed = outboxItemSchema.safeParse(item)
  if (!parsed.success || parsed.data.kind !== 'referral') throw new Error('nothing to reseal')
  const content = await ownCopy(parsed.data)
  const sealed = await sealForTrusted(content, confirmed, referralContext(id), parsed.data.body.sealed.sender.at)
  // The refusal is answered: sent again as new, without the old reason.
  const rest = { ...parsed.data }
  delete rest.problem
  await referralDb.outbox.put({ ...rest, body: { ...parsed.data.body, sealed }, attempts: 0, nextAttemptAt: 0 })
}

/** An event sealed again, only to devices that verify now. */
async function resealEvent(item: Extract<OutboxItem, { kind: 'event' }>): Promise<OutboxItem> {
  if (!item.senderOrganisationId || !item.receivingOrganisationId) throw new Error('cannot reseal')
  const content = await ownCopy(item)
  const trust = await eventRecipients({ id: item.referralId, senderOrganisation: { id: item.senderOrganisationId, name: '' }, receivingOrganisation: { id: item.receivingOrganisationId, name: '' } }, item.senderUserId)
  if (trust.changes.length || trust.unknown.length || trust.trusted.length === 0) throw new Error('no trusted recipients')
  const sealed = await sealForTrusted(content, trust.trusted.map((d) => d.recipient), signedEventContext(item.referralId, item.id, item.body.kind), item.body.sealed.sender.at)
  return { ...item, body: { ...item.body, sealed } }
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
        // A referral waits for the GP to see the new recipients (ReferPage); an event is sealed again to verified devices.
        if (e.code === 'recipients-changed' && attempt === 0 && item.kind === 'event') {
          try {
            item = await resealEvent(item)
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
