/**
 * Opens referrals and their notes with this device's key, and says plainly when it cannot. A box
 * opens only when its sender is verified (docs/device-trust.md, "Signed boxes"): the signature by
 * the sender's device, whose certificate verifies up to an organisation key this phone pinned
 * (trust.ts). A box the server (or anyone else) made is never opened: "niet te controleren".
 */
import { openVerified, SealError } from '../../../shared/crypto/sealed'
import { eventContentSchema, referralContentSchema, referralContext, signedEventContext, type ListedReferral, type ReferralContent } from '../../../shared/referrals/referral'
import { senderResolver, type KeyChange } from './trust'

export type Problem = 'unreadable' | 'tampered' | 'unverified'
export type Readable<T> = { ok: true; value: T } | { ok: false; problem: Problem }
export interface OpenedReferral {
  referral: ListedReferral
  content: Readable<ReferralContent>
  events: { id: string; kind: ListedReferral['events'][number]['kind']; at: string; recordedAt?: string; note?: Readable<string> }[]
  /** Organisation keys that changed since this phone pinned them (to show, old and new, for acceptance). */
  keyChanges: KeyChange[]
}

async function attempt<T>(open: () => Promise<unknown>, parse: (v: unknown) => T | undefined): Promise<Readable<T>> {
  try {
    const value = parse(await open())
    // Opened but not what a referral looks like: treated as damaged, never shown half.
    return value === undefined ? { ok: false, problem: 'tampered' } : { ok: true, value }
  } catch (e) {
    if (e instanceof SealError && (e.code === 'unverified-sender' || e.code === 'unsigned')) return { ok: false, problem: 'unverified' }
    return { ok: false, problem: e instanceof SealError && e.code === 'not-for-this-device' ? 'unreadable' : 'tampered' }
  }
}

export async function openReferral(r: ListedReferral, device: { id: string; privateKey: CryptoKey }): Promise<OpenedReferral> {
  const changes = new Map<string, KeyChange>()
  const onChange = (c: KeyChange) => changes.set(c.organisationId, c)
  // A referral comes from the GP's organisation; a status or message from either side.
  const content = await attempt(
    () => openVerified(r.sealed, device.id, device.privateKey, referralContext(r.id), senderResolver(r.senderCertificate, r.chains, [r.senderOrganisation.id], onChange)),
    (v) => referralContentSchema.safeParse(v).data,
  )
  const both = [r.senderOrganisation.id, r.receivingOrganisation.id]
  const events: OpenedReferral['events'] = []
  for (const e of r.events) {
    const note = e.sealed
      ? await attempt(
          () => openVerified(e.sealed!, device.id, device.privateKey, signedEventContext(r.id, e.id, e.kind), senderResolver(e.senderCertificate, r.chains, both, onChange)),
          (v) => eventContentSchema.safeParse(v).data?.note,
        )
      : undefined
    events.push({
      id: e.id,
      kind: e.kind,
      at: e.at,
      ...(e.recordedAt ? { recordedAt: e.recordedAt } : {}),
      // A bare status change carries an empty note: nothing to show but the verified status.
      ...(note && !(note.ok && note.value === '') ? { note } : {}),
    })
  }
  return { referral: r, content, events, keyChanges: [...changes.values()] }
}
