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
import { z } from 'zod'
import { openSealed, sealSigned, type Recipient } from '../../../shared/crypto/sealed'
import { referralContext, signedEventContext, type EventKind, type ListedReferral, type NewEvent, type NewReferral } from '../../../shared/referrals/referral'
import { getDirectory, getReferralKeys, listReferrals, sendEvent, sendReferral } from '../../api/referrals'
import { ApiError } from '../../api/errors'
import { referralKeysAnswerSchema, referralListSchema } from '../../../shared/api/referrals'
import { signingKey, thisDevice } from '../../core/deviceIdentity'
import { checkDevices, type DeviceGroup, type TrustResult } from './trust'
import { hookIntoVault } from '../../core/forgetOpened'
import { enqueue, Outbox, type OutboxProblem, type Problem } from '../../sync/outbox'
import { appDirectorySchema, referralDb, referralOutboxItemSchema, sentToSchema, type Directory, type OutboxItem } from './referralDb'

export { appDirectorySchema, referralDb, REFERRAL_DB_NAME, type Directory, type OutboxItem } from './referralDb'

/** The refusal as an error the pages already know how to say. */
export const problemError = (p: Problem) => new ApiError(p.status, p.code, '')

/** What waits, oldest first, each checked as it comes out of storage. One that no longer fits stays, and is not sent. */
export async function waitingItems(): Promise<OutboxItem[]> {
  return referralOutbox().items()
}

/** The organisation this phone sent a referral to and its key then; undefined when it was sent elsewhere (or before this was kept). */
export async function sentToRecord(referralId: string): Promise<{ organisationId: string; fingerprint: string } | undefined> {
  const row = sentToSchema.safeParse(await referralDb.sentTo.get(referralId)).data
  return row && { organisationId: row.organisationId, fingerprint: row.fingerprint }
}

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
    const data = await getDirectory()
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

const listSchema = referralListSchema

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
    const data = await listReferrals(key)
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
    await enqueue(referralDb.outbox, { id: body.id, kind: 'referral', referralId: body.id, body })
  })
}

const keysSchema = referralKeysAnswerSchema

/** The readers of a referral's events: from the server, kept for offline use; offline, the kept copy. */
async function fetchKeys(referralId: string): Promise<z.infer<typeof keysSchema>> {
  try {
    const data = await getReferralKeys(referralId)
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
      const data = await getReferralKeys(r.id)
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
 * Returns the event's id.
 */
export async function queueEvent(referral: Pick<ListedReferral, 'id' | 'senderOrganisation' | 'receivingOrganisation'>, gpUserId: string | undefined, kind: EventKind, note?: string, recordedAt?: string): Promise<string> {
  const id = crypto.randomUUID()
  // A step entered in a case carries the date entered (src/shared/referrals/caseLink.ts eventAtFor); the server clamps it.
  const at = recordedAt ?? new Date().toISOString()
  const trust = await eventRecipients(referral, gpUserId)
  if (trust.changes.length) throw new TrustError('organisation-key-changed', trust)
  // Colleagues under a key this phone does not know yet: the person accepts the number first.
  if (trust.unknown.length) throw new TrustError('organisation-unknown', trust)
  if (trust.trusted.length === 0) throw new TrustError('no-trusted-recipients', trust)
  const sealed = await sealForTrusted({ note: note ?? '' }, trust.trusted.map((d) => d.recipient), signedEventContext(referral.id, id, kind), at)
  const body: NewEvent = { id, kind, at, sealed }
  const item = { id, kind: 'event' as const, referralId: referral.id, body, createdAt: new Date().toISOString(), senderOrganisationId: referral.senderOrganisation.id, receivingOrganisationId: referral.receivingOrganisation.id, ...(gpUserId ? { senderUserId: gpUserId } : {}) }
  await referralDb.transaction('rw', referralDb.outbox, () => enqueue(referralDb.outbox, item))
  return id
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
  const parsed = referralOutboxItemSchema.safeParse(item)
  if (!parsed.success || parsed.data.kind !== 'referral') throw new Error('nothing to reseal')
  const content = await ownCopy(parsed.data)
  const sealed = await sealForTrusted(content, confirmed, referralContext(id), parsed.data.body.sealed.sender.at)
  // The refusal is answered: sent again as new, without the old reason.
  const rest = { ...parsed.data }
  delete rest.problem
  delete rest.held
  // A new revision: a refusal of the old box, if one is on its way now, is not put on this one (sync/outbox.ts).
  await referralDb.outbox.put({ ...rest, body: { ...parsed.data.body, sealed }, attempts: 0, nextAttemptAt: 0, revision: parsed.data.revision + 1 })
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

const post = (item: OutboxItem) =>
  item.kind === 'referral' ? sendReferral(item.body) : sendEvent(item.referralId, item.body)

/**
 * The referral outbox on the one outbox (src/app/sync/outbox.ts, docs/outbox.md): a refusal is
 * kept with its reason and held for the person. A referral whose recipients changed waits for the
 * GP to see the new list (ReferPage); a status event is sealed again at once, to verified devices only.
 */
export function referralOutbox(now?: number): Outbox<OutboxItem> {
  return new Outbox({
    table: referralDb.outbox,
    schema: referralOutboxItemSchema,
    ...(now !== undefined ? { now: () => now } : {}),
    send: async (item) => {
      try {
        await post(item)
      } catch (e) {
        if (!(e instanceof ApiError) || e.code !== 'recipients-changed' || item.kind !== 'event') throw e
        let resealed: OutboxItem
        try {
          resealed = await resealEvent(item)
        } catch {
          throw e // Kept, with the server's reason.
        }
        await referralDb.outbox.put(resealed)
        await post(resealed)
      }
      return 'sent'
    },
  })
}

/** Refused items held for the person (src/app/sync/OutboxProblems.vue), of one kind. */
export const heldItems = async (kind: OutboxItem['kind']): Promise<OutboxProblem[]> => (await referralOutbox().problems()).filter((p) => p.held && (p.kind === kind || p.problem.code === 'unreadable'))
/** The person sends a refused item again, or throws it away. */
export const retryItem = async (id: string): Promise<void> => void (await referralOutbox().retry(id))
export const discardItem = (id: string): Promise<void> => referralOutbox().discard(id)

/** Sends what waits, oldest first. Returns how many are still waiting (refused ones included). */
export async function flushOutbox(now = Date.now()): Promise<number> {
  const outbox = referralOutbox(now)
  await outbox.flush()
  return outbox.pending()
}
