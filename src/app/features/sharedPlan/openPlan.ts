/**
 * Opens a participant's copy of a samenwerkplan with this device's key, and says plainly when it
 * cannot (docs/shared-plan.md "On the participant's phone"). A box opens only when:
 *
 * - it is signed (sealed/v2) by a device whose certificate verifies up to its organisation's key
 *   pinned on this phone (referrals/trust.ts senderResolver; an organisation this phone does not
 *   know is reported with its number for the person to accept, nothing is pinned from a listing),
 *   and that certificate names the role sociaal-werker — the casusregisseur — and belongs to the
 *   account the plan names as its lead, and — once this phone accepted a lead for the plan — that
 *   accepted account: the plan names its own lead, so a colleague of the lead whose device is
 *   certified could otherwise name themselves (problem `leadChanged`, with who it says it is, until
 *   the person accepts that lead; planStore.ts keeps the accepted lead);
 * - it was sealed for this plan, this version and this person (`planBoxContext`);
 * - its content is a participant's plan (`participantPlanSchema`) that names the same plan id and
 *   version, and is addressed to the signed-in person (`recipient.userId`).
 */
import { openVerified, SealError, sealedSchema } from '../../../shared/crypto/sealed'
import { participantPlanSchema, planBoxContext, type ParticipantPlan } from '../../../shared/cases/sharedPlan'
import { certificateSchema, type Certificate } from '../../../shared/devices/certificates'
import { senderResolver, type KeyChange, type NewKey } from '../referrals/trust'

export type PlanProblem = 'unreadable' | 'tampered' | 'unverified' | 'unknownSender' | 'notForYou' | 'leadChanged'
/** Who a box signed by another account than the accepted lead says is now the lead (as that box names them). */
export interface NewLead {
  userId: string
  name: string
  organisation: string
}
export type OpenedPlan =
  /** `signer`: the account of the certified device that signed it (none when this phone signed it itself). */
  | { ok: true; plan: ParticipantPlan; signer?: string }
  | { ok: false; problem: PlanProblem; unknown?: NewKey; change?: KeyChange; newLead?: NewLead }

/** What the server gave for one plan (as kept on the phone). */
export interface PlanBox {
  planId: string
  version: number
  box: unknown
  sender: unknown
  chains: Readonly<Record<string, unknown>>
}

/** The sender's organisation id as the (unchecked) certificate names it: to keep its chain beside the box. */
export const senderOrganisation = (sender: unknown): string | undefined => certificateSchema.safeParse(sender).data?.organisationId

/**
 * The sender's certified signing key, or null: senderResolver's checks (chain up to the pinned key)
 * and, on top, the role sociaal-werker. `verified` receives the certificate for the lead check.
 */
function planSender(b: PlanBox, report: { onUnknown: (k: NewKey) => void; onChange: (c: KeyChange) => void }, verified: { cert?: Certificate }) {
  const org = senderOrganisation(b.sender)
  const inner = senderResolver(b.sender, b.chains, org ? [{ organisationId: org }] : [], { ...report, onVerified: (c) => (verified.cert = c) })
  return async (senderDeviceId: string): Promise<unknown> => {
    const key = await inner(senderDeviceId)
    if (key === null || key === undefined) return null
    // No certificate reported: the box was signed by this phone itself (checked against its own key).
    if (!verified.cert) return key
    return verified.cert.roles.includes('sociaal-werker') ? key : null
  }
}

/**
 * Opens one kept copy for `userId` on this device. `acceptedLead`: the lead account this phone
 * accepted for the plan (undefined before the first version opened); a box signed by another
 * account does not open (`leadChanged`).
 */
export async function openPlanBox(b: PlanBox, device: { id: string; privateKey: CryptoKey }, userId: string, acceptedLead?: string): Promise<OpenedPlan> {
  const sealed = sealedSchema.safeParse(b.box)
  if (!sealed.success) return { ok: false, problem: 'tampered' }
  let unknown: NewKey | undefined
  let change: KeyChange | undefined
  const verified: { cert?: Certificate } = {}
  let content: unknown
  try {
    content = await openVerified(
      sealed.data,
      device.id,
      device.privateKey,
      planBoxContext(b.planId, b.version, userId),
      planSender(b, { onUnknown: (k) => (unknown = k), onChange: (c) => (change = c) }, verified),
    )
  } catch (e) {
    if (e instanceof SealError && (e.code === 'unverified-sender' || e.code === 'unsigned')) {
      if (unknown) return { ok: false, problem: 'unknownSender', unknown }
      return { ok: false, problem: 'unverified', ...(change ? { change } : {}) }
    }
    // Sealed for another person, plan or version (another context), or to other devices.
    return { ok: false, problem: e instanceof SealError && e.code === 'not-for-this-device' ? 'unreadable' : 'tampered' }
  }
  const plan = participantPlanSchema.safeParse(content)
  if (!plan.success || plan.data.planId !== b.planId || plan.data.version !== b.version) return { ok: false, problem: 'tampered' }
  if (plan.data.recipient.userId !== userId) return { ok: false, problem: 'notForYou' }
  // Only the lead's device sends the plan: a colleague's certificate is not enough.
  if (verified.cert && verified.cert.userId !== plan.data.leadUserId) return { ok: false, problem: 'unverified' }
  // ...and the lead is the one this phone accepted: the box names its own lead, so that alone proves nothing.
  if (verified.cert && acceptedLead !== undefined && verified.cert.userId !== acceptedLead) {
    const p = plan.data
    const named = p.participants.find((x) => x.id === p.leadId && x.userId === verified.cert!.userId) ?? p.participants.find((x) => x.userId === verified.cert!.userId)
    return { ok: false, problem: 'leadChanged', newLead: { userId: verified.cert.userId, name: named?.name ?? '', organisation: named?.organisation || p.organisation } }
  }
  return { ok: true, plan: plan.data, ...(verified.cert ? { signer: verified.cert.userId } : {}) }
}
