/**
 * Opens referrals and their notes with this device's key, and says plainly when it cannot. A box
 * opens only when its sender is verified (docs/device-trust.md, "Signed boxes"): the signature by
 * the sender's device, whose certificate verifies up to an organisation key this phone pinned
 * (trust.ts). A box the server (or anyone else) made is never opened: "niet te controleren".
 *
 * Organisation ids in a listing come from the server, so none is pinned from here (review finding
 * 2): a referral or event from an organisation this phone does not know is not opened, and the
 * organisation is named with its number for the person to accept (Signal's message request). In
 * the GP's sent list, events count only from the organisation the referral was sent to, under the
 * key pinned when sending. The status shown is worked out from the verified events alone (finding 5).
 */
import { openVerified, SealError } from '../../../shared/crypto/sealed'
import { eventContentSchema, nextStatus, referralContentSchema, referralContext, signedEventContext, type ListedReferral, type ReferralContent, type ReferralStatus } from '../../../shared/referrals/referral'
import { senderResolver, type KeyChange, type NewKey, type SenderRule } from './trust'

export type Problem = 'unreadable' | 'tampered' | 'unverified' | 'unknownSender'
export type Readable<T> = { ok: true; value: T } | { ok: false; problem: Problem }
export interface OpenedEvent {
  id: string
  kind: ListedReferral['events'][number]['kind']
  at: string
  recordedAt?: string
  /** Signed by a device this phone verified. Otherwise it is shown as "niet te controleren" and not used for the status or an export. */
  verified: boolean
  /** Why it is not verified. */
  problem?: Problem
  note?: string
}
export interface OpenedReferral {
  referral: ListedReferral
  content: Readable<ReferralContent>
  /** The status from the verified events only (the listing's status is the server's word). */
  status: ReferralStatus
  events: OpenedEvent[]
  /** Organisation keys that changed since this phone pinned them (to show, old and new, for acceptance). */
  keyChanges: KeyChange[]
  /** Organisations this phone does not know yet, with the name the listing gives: shown with their number for acceptance. */
  unknownOrganisations: (NewKey & { name: string })[]
  /** The user who signed the referral, from its verified certificate: the GP whose devices read the events (review finding 7). */
  senderUserId?: string
}

/** Where a referral is read: the worker's inbox, or the GP's sent list with the organisation and key this phone sent it to. */
export type ReadSide = { side: 'inbox' } | { side: 'sent'; sentTo: { organisationId: string; fingerprint: string } | undefined }

async function attempt<T>(open: () => Promise<unknown>, parse: (v: unknown) => T | undefined, unknownSender: () => boolean): Promise<Readable<T>> {
  try {
    const value = parse(await open())
    // Opened but not what a referral looks like: treated as damaged, never shown half.
    return value === undefined ? { ok: false, problem: 'tampered' } : { ok: true, value }
  } catch (e) {
    if (e instanceof SealError && (e.code === 'unverified-sender' || e.code === 'unsigned')) return { ok: false, problem: unknownSender() ? 'unknownSender' : 'unverified' }
    return { ok: false, problem: e instanceof SealError && e.code === 'not-for-this-device' ? 'unreadable' : 'tampered' }
  }
}

export async function openReferral(r: ListedReferral, device: { id: string; privateKey: CryptoKey }, read: ReadSide = { side: 'inbox' }): Promise<OpenedReferral> {
  const changes = new Map<string, KeyChange>()
  const unknown = new Map<string, NewKey & { name: string }>()
  const nameOf = (id: string) => (id === r.senderOrganisation.id ? r.senderOrganisation.name : id === r.receivingOrganisation.id ? r.receivingOrganisation.name : '')
  let senderUserId: string | undefined
  /** A report per box: whether its sender's organisation was unknown. */
  const reporter = () => {
    const box = { unknown: false }
    return {
      box,
      report: {
        onChange: (c: KeyChange) => changes.set(c.organisationId, c),
        onUnknown: (k: NewKey) => {
          box.unknown = true
          unknown.set(k.organisationId, { ...k, name: nameOf(k.organisationId) })
        },
      },
    }
  }
  // A referral comes from a GP's device of the sending organisation.
  const c = reporter()
  const content = await attempt(
    () =>
      openVerified(r.sealed, device.id, device.privateKey, referralContext(r.id), senderResolver(r.senderCertificate, r.chains, [{ organisationId: r.senderOrganisation.id, role: 'huisarts' }], { ...c.report, onVerified: (cert) => (senderUserId = cert.userId) })),
    (v) => referralContentSchema.safeParse(v).data,
    () => c.box.unknown,
  )
  // Inbox: a status or message from either side. Sent list: only from the organisation this phone sent it to, under the key pinned then.
  const rules: SenderRule[] =
    read.side === 'inbox' ? [{ organisationId: r.senderOrganisation.id }, { organisationId: r.receivingOrganisation.id, role: 'receivers' }] : read.sentTo ? [{ ...read.sentTo, role: 'receivers' }] : []
  const events: OpenedEvent[] = []
  let status: ReferralStatus = 'verstuurd'
  for (const e of r.events) {
    const ev = reporter()
    const note = e.sealed
      ? await attempt(
          () => openVerified(e.sealed!, device.id, device.privateKey, signedEventContext(r.id, e.id, e.kind), senderResolver(e.senderCertificate, r.chains, rules, ev.report)),
          (v) => eventContentSchema.safeParse(v).data?.note,
          () => ev.box.unknown,
        )
      : ({ ok: false, problem: 'unverified' } as const)
    const base = { id: e.id, kind: e.kind, at: e.at, ...(e.recordedAt ? { recordedAt: e.recordedAt } : {}) }
    if (!note.ok) {
      events.push({ ...base, verified: false, problem: note.problem })
      continue
    }
    // A bare status change carries an empty note: nothing to show but the verified status.
    events.push({ ...base, verified: true, ...(note.value !== '' ? { note: note.value } : {}) })
    status = nextStatus(status, e.kind) ?? status
  }
  return { referral: r, content, status, events, keyChanges: [...changes.values()], unknownOrganisations: [...unknown.values()], ...(senderUserId ? { senderUserId } : {}) }
}
