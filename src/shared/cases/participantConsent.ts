/**
 * The resident's consent to share the samenwerkplan with one participant (issue 17 point 2,
 * `participantConsentSchema` in v1.ts): where it stands on a given day. Pure: the caller passes the
 * region's date (`today()` in the app). Only a participant whose consent stands may receive the plan.
 *
 * - none: nothing recorded;
 * - pending: recorded with a date after `today` (another device's clock, or typed ahead);
 * - stands: given on or before `today` and not withdrawn;
 * - withdrawn: `withdrawnOn` is set. A withdrawal counts from the moment it is recorded, whatever
 *   its date says: the plan is never shared on a consent someone already took back.
 */
import type { z } from 'zod'
import type { participantConsentSchema } from './v1'

export type ParticipantConsent = z.infer<typeof participantConsentSchema>
export type ConsentState = 'none' | 'pending' | 'stands' | 'withdrawn'

/** Where a participant's consent stands on `today` (YYYY-MM-DD, the region's date). */
export function consentState(consent: ParticipantConsent | undefined, today: string): ConsentState {
  if (!consent) return 'none'
  if (consent.withdrawnOn !== undefined) return 'withdrawn'
  // YYYY-MM-DD strings compare as dates.
  return consent.date <= today ? 'stands' : 'pending'
}

/** True when the resident's consent for this participant stands on `today`: given, dated no later, not withdrawn. */
export const consentStands = (consent: ParticipantConsent | undefined, today: string): boolean => consentState(consent, today) === 'stands'

/** The same consent, withdrawn on `today`; one already withdrawn keeps its first date of withdrawal. */
export function withdrawConsent(consent: ParticipantConsent, today: string): ParticipantConsent {
  return consent.withdrawnOn !== undefined ? consent : { ...consent, withdrawnOn: today }
}
