/**
 * Referrals from the GP to the three interventions (issue 5). The content — who the patient is,
 * why, consent — travels sealed (crypto/sealed.ts); the server sees only the routing metadata.
 */
import { z } from 'zod'
import { MUNICIPALITIES } from '../socialMap/places'
import { sealedSchema, sealedV2Schema } from '../crypto/sealed'
import { publicJwkSchema } from '../accounts/schemas'
import { certificateSchema, organisationChainSchema } from '../devices/certificates'
import { VG_OUTCOMES } from '../cases/v1'
import { isoDate } from '../core/dates'
import { regionDate } from '../core/clock'
import { REFERABLE_INTERVENTION_IDS, WOR_FIRST_CONTACT_DAYS } from '../interventions'

import { DOMAINS_4D, REFERRAL_REASONS, URGENCIES } from './vocabulary'
export { DOMAINS_4D, REFERRAL_REASONS, URGENCIES }

/**
 * The statuses in their order. A referral moves forward only; `afgewezen` ends it. `bericht` is no
 * status: it carries the feedback (WoR) or advice (VG) back to the GP.
 */
export const REFERRAL_STATUSES = ['verstuurd', 'ontvangen', 'geaccepteerd', 'afgewezen', 'contact', 'gesprek', 'afgerond'] as const
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number]
export const EVENT_KINDS = ['ontvangen', 'geaccepteerd', 'afgewezen', 'contact', 'gesprek', 'afgerond', 'bericht'] as const
export type EventKind = (typeof EVENT_KINDS)[number]
const RANK: Record<ReferralStatus, number> = { verstuurd: 0, ontvangen: 1, geaccepteerd: 2, afgewezen: 2, contact: 3, gesprek: 4, afgerond: 5 }

/** May a referral in `from` take the event `kind`? Returns the new status, or null when not allowed. */
export function nextStatus(from: ReferralStatus, kind: EventKind): ReferralStatus | null {
  if (from === 'afgewezen' || from === 'afgerond') return kind === 'bericht' && from === 'afgerond' ? from : null
  if (kind === 'bericht') return RANK[from] >= RANK.geaccepteerd ? from : null
  if (kind === 'afgewezen') return RANK[from] <= RANK.ontvangen ? 'afgewezen' : null
  if (kind !== 'ontvangen' && kind !== 'geaccepteerd' && RANK[from] < RANK.geaccepteerd) return null
  return RANK[kind] > RANK[from] ? kind : null
}

/** Re-exported for the server's referral routes; it lives in interventions.ts. */
export { WOR_FIRST_CONTACT_DAYS }

const date = isoDate
const phone = z.string().trim().regex(/^\+?[0-9 ()-]{8,20}$/, 'is not a phone number')

/** What the GP writes: sealed, never seen by the server. */
export const referralContentSchema = z
  .strictObject({
    intervention: z.enum(REFERABLE_INTERVENTION_IDS),
    patient: z.strictObject({
      name: z.string().trim().min(2).max(200),
      phone: phone.optional(),
      email: z.email().max(200).optional(),
      // The year in the region: on 1 January at 00:30 a baby born that night is already this year's.
      birthYear: z.number().int().min(1900).refine((y) => y <= Number(regionDate(new Date()).slice(0, 4)), 'may not lie in the future'),
      municipality: z.enum(MUNICIPALITIES),
    }),
    reasons: z.array(z.enum(REFERRAL_REASONS)).min(1).max(REFERRAL_REASONS.length),
    note: z.string().max(1_000),
    domains: z.array(z.enum(DOMAINS_4D)).max(4),
    urgency: z.enum(URGENCIES),
    consent: z.strictObject({ given: z.literal(true), date }),
    referrer: z.strictObject({ name: z.string().max(200), organisation: z.string().max(200) }),
  })
  // Checked even when other fields have issues, so the form names every problem at once.
  .refine((r) => r.patient?.phone || r.patient?.email, { message: 'give a phone number or an e-mail address', path: ['patient', 'phone'], when: () => true })
export type ReferralContent = z.infer<typeof referralContentSchema>

/** A status note or message: sealed like the referral. */
export const eventContentSchema = z.strictObject({
  note: z.string().max(3_000),
  /** For `afgerond` of a Verkennend Gesprek: the advice category; for `afgewezen`: required note. */
  vgOutcome: z.enum(VG_OUTCOMES).optional(),
})
export type EventContent = z.infer<typeof eventContentSchema>

/**
 * Times (docs/device-trust.md): the server's clock decides when a referral was sent and when an
 * event happened. What the device says (`sentAt`, `at` in what it posts) is kept as the time it
 * was recorded, clamped to no later than the server's now and no earlier than this many days
 * before it (an event: no earlier than its referral reached the server).
 */
export const RECORDED_MAX_DAYS_BACK = 30
/** A recorded time this far (or further) from the server's is shown beside it as "vastgelegd offline op". */
export const RECORDED_SHOWN_AFTER_MINUTES = 5

/** The device's time clamped into [earliest, now] (docs/device-trust.md). */
export function clampRecorded(recorded: Date, now: Date, earliest: Date): Date {
  const t = Math.min(Math.max(recorded.getTime(), earliest.getTime()), now.getTime())
  return new Date(t)
}

/** What the sender posts: routing metadata in clear, the rest sealed. */
export const newReferralSchema = z.strictObject({
  id: z.guid(),
  intervention: z.enum(REFERABLE_INTERVENTION_IDS),
  senderOrganisationId: z.guid(),
  receivingOrganisationId: z.guid(),
  /** When the device recorded the referral (kept as its recorded time, clamped); the server's clock decides the listed sentAt. */
  sentAt: z.iso.datetime(),
  /** Signed by the session's device (v2), with `sender.at` equal to `sentAt`; context referralContext(id). */
  sealed: sealedV2Schema,
})
export type NewReferral = z.infer<typeof newReferralSchema>

export const newEventSchema = z.strictObject({
  id: z.guid(),
  kind: z.enum(EVENT_KINDS),
  /** When the device recorded the event (kept as its recorded time, clamped); the server's clock decides the listed at. */
  at: z.iso.datetime(),
  /**
   * Every event carries a box signed by the session's device (v2), also a bare status change
   * (content `{ note: '' }`): the signature is what shows who did it. `sender.at` equals `at`;
   * context signedEventContext(referralId, id, kind), so the kind is signed too.
   */
  sealed: sealedV2Schema,
})
export type NewEvent = z.infer<typeof newEventSchema>

export const routeSchema = z.strictObject({ intervention: z.enum(REFERABLE_INTERVENTION_IDS), municipality: z.enum(MUNICIPALITIES), organisationId: z.guid() })
export const routesSchema = z.strictObject({ routes: z.array(routeSchema).max(REFERABLE_INTERVENTION_IDS.length * MUNICIPALITIES.length) })

/** The associated data that binds a sealed box to its referral (and event). */
export const referralContext = (id: string) => `referral|${id}`
/** Unsigned (v1) event boxes only. */
export const eventContext = (referralId: string, eventId: string) => `referral|${referralId}|event|${eventId}`
/** A signed (v2) event box: the kind is part of the context, so a box cannot be listed under another kind. */
export const signedEventContext = (referralId: string, eventId: string, kind: EventKind) => `referral|${referralId}|event|${eventId}|${kind}`

/** A device to seal to: its id and its P-256 public key (crypto/sealed.ts Recipient). Take it from a verified certificate (recipientOf). */
export const recipientSchema = z.object({ deviceId: z.guid(), publicKey: publicJwkSchema })
/** The chains of the organisations whose certificates are handed out, by organisation id. */
export const chainsSchema = z.record(z.guid(), organisationChainSchema)
/**
 * What a GP's device keeps to refer offline (docs/device-trust.md, "Who receives"): routes, per
 * routed organisation the certificates of its sociaal-werkers' approved devices, the caller's own
 * certified devices, and the chain of every organisation named, to verify them on the phone.
 */
export const directorySchema = z.object({
  routes: z.array(z.object({ intervention: z.enum(REFERABLE_INTERVENTION_IDS), municipality: z.enum(MUNICIPALITIES), organisationId: z.guid(), organisationName: z.string() })),
  keys: z.record(z.guid(), z.array(certificateSchema)),
  own: z.array(certificateSchema),
  chains: chainsSchema,
})
export type Directory = z.infer<typeof directorySchema>

export const listedReferralSchema = z.object({
  id: z.guid(),
  intervention: z.enum(REFERABLE_INTERVENTION_IDS),
  senderOrganisation: z.object({ id: z.guid(), name: z.string() }),
  receivingOrganisation: z.object({ id: z.guid(), name: z.string() }),
  status: z.enum(REFERRAL_STATUSES),
  /** When it reached the server (the server's clock). */
  sentAt: z.string(),
  /** When the device recorded it, if that was RECORDED_SHOWN_AFTER_MINUTES or more from sentAt ("vastgelegd offline op"). */
  recordedAt: z.string().optional(),
  firstContactDue: z.string().nullable(),
  firstContactAt: z.string().nullable(),
  overdue: z.boolean(),
  sealed: sealedSchema,
  /** The certificate of the device that signed the box; null for a box from before signatures (never trusted). */
  senderCertificate: certificateSchema.nullable(),
  events: z.array(
    z.object({
      id: z.guid(),
      kind: z.enum(EVENT_KINDS),
      at: z.string(),
      recordedAt: z.string().optional(),
      sealed: sealedSchema.optional(),
      senderCertificate: certificateSchema.nullable(),
    }),
  ),
  /** The chains of the organisations of the sender certificates above (sender and receiving organisation). */
  chains: chainsSchema,
})
export type ListedReferral = z.infer<typeof listedReferralSchema>

/** `GET /api/referrals/:id/keys`: who may read a referral's events, as certificates, with their chains. */
export const referralKeysSchema = z.object({ keys: z.array(certificateSchema), chains: chainsSchema })
export type ReferralKeys = z.infer<typeof referralKeysSchema>
