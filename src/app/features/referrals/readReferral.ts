/** Opens referrals and their notes with this device's key, and says plainly when it cannot. */
import { openSealed, SealError } from '../../../shared/crypto/sealed'
import { eventContentSchema, eventContext, referralContentSchema, referralContext, type ListedReferral, type ReferralContent } from '../../../shared/referrals/referral'

export type Readable<T> = { ok: true; value: T } | { ok: false; problem: 'unreadable' | 'tampered' }
export interface OpenedReferral {
  referral: ListedReferral
  content: Readable<ReferralContent>
  events: { id: string; kind: ListedReferral['events'][number]['kind']; at: string; recordedAt?: string; note?: Readable<string> }[]
}

async function attempt<T>(open: () => Promise<unknown>, parse: (v: unknown) => T | undefined): Promise<Readable<T>> {
  try {
    const value = parse(await open())
    // Opened but not what a referral looks like: treated as damaged, never shown half.
    return value === undefined ? { ok: false, problem: 'tampered' } : { ok: true, value }
  } catch (e) {
    return { ok: false, problem: e instanceof SealError && e.code === 'not-for-this-device' ? 'unreadable' : 'tampered' }
  }
}

export async function openReferral(r: ListedReferral, device: { id: string; privateKey: CryptoKey }): Promise<OpenedReferral> {
  const content = await attempt(
    () => openSealed(r.sealed, device.id, device.privateKey, referralContext(r.id)),
    (v) => referralContentSchema.safeParse(v).data,
  )
  const events = await Promise.all(
    r.events.map(async (e) => ({
      id: e.id,
      kind: e.kind,
      at: e.at,
      ...(e.recordedAt ? { recordedAt: e.recordedAt } : {}),
      ...(e.sealed
        ? {
            note: await attempt(
              () => openSealed(e.sealed!, device.id, device.privateKey, eventContext(r.id, e.id)),
              (v) => eventContentSchema.safeParse(v).data?.note,
            ),
          }
        : {}),
    })),
  )
  return { referral: r, content, events }
}
