/**
 * The case record (casus), version 1. Validated on every read from the device's store.
 * Everything here is encrypted on the device; only `caseIndexOf` fields are kept in clear.
 */
import { z } from 'zod'
import { LIFE_DOMAINS } from '../socialMap/lifeDomains'
import { MUNICIPALITIES } from '../socialMap/places'
import { isoDate } from '../core/dates'
import { INTERVENTION_IDS, REFERABLE_INTERVENTION_IDS, type InterventionId } from '../interventions'
import { DOMAINS_4D, REFERRAL_REASONS, URGENCIES } from '../referrals/vocabulary'

const id = z.guid()
const date = isoDate
const text = (max: number) => z.string().max(max)

/**
 * The case form's order of the interventions (the Samenwerkwijze first); the list and its rules
 * are INTERVENTION_IDS and INTERVENTIONS in interventions.ts.
 */
export const CASE_FORM_INTERVENTION_IDS = ['samenwerkwijze', ...REFERABLE_INTERVENTION_IDS] as const satisfies readonly InterventionId[]
/** The five steps of the Samenwerkwijze (domain.md, a product decision). */
export const CASE_STEPS = ['signaleren', 'voorbereiden', 'samenwerkoverleg', 'uitvoeren', 'evalueren'] as const
export type CaseStep = (typeof CASE_STEPS)[number]
export const REFERRER_TYPES = ['huisarts', 'praktijkondersteuner', 'wijkverpleging', 'fysiotherapeut', 'sociaal-werker', 'inwoner-zelf', 'anders'] as const
export const VG_OUTCOMES = ['eigen-netwerk', 'sociaal-domein', 'huisarts-poh', 'basis-ggz', 'specialistische-ggz', 'overbrugging', 'casusoverleg'] as const
export const SA_OUTFLOW = ['casemanager-dementie', 'langdurige-zorg', 'zelfredzaam', 'overleden', 'anders'] as const
/**
 * Support in use before and after, in fixed categories so it can be counted (maatschappelijk
 * rendement, domain.md; the KPI measures support-before/after, kpi/measures.ts re-exports it);
 * the free text stays on the device.
 */
export const SUPPORT_CATEGORIES = [
  'huisarts',
  'ggz',
  'wijkverpleging',
  'wmo',
  'schuldhulp',
  'werk-inkomen',
  'dagbesteding',
  'vrijwilligers',
  'mantelzorg',
  'eigen-netwerk',
  'anders',
  'geen',
] as const
export type SupportCategory = (typeof SUPPORT_CATEGORIES)[number]
/**
 * Why a Welzijn op Recept or samenwerkwijze case closed (`closeCategory`; SA keeps
 * `sa.outflowReason`, VG `vg.outcome`). Lives here rather than in kpi/measures.ts (which imports
 * this file and re-exports it) so src/shared has no import cycle.
 */
export const CLOSE_CATEGORIES = ['doel-bereikt', 'doorverwezen', 'inwoner-stopt', 'geen-contact', 'verhuisd', 'overleden', 'anders'] as const
export type CloseCategory = (typeof CLOSE_CATEGORIES)[number]
/** Support categories, each at most once. */
const supportCategoryList = z
  .array(z.enum(SUPPORT_CATEGORIES))
  .max(SUPPORT_CATEGORIES.length)
  .refine((a) => new Set(a).size === a.length, { message: 'a category appears more than once' })

export const networkPersonSchema = z.strictObject({ id, name: text(200), relation: text(200), canDo: text(1_000) })
/** A small step (kleine stap) the resident, their network or a professional takes. */
export const stepSchema = z.strictObject({
  id,
  what: text(1_000),
  who: z.enum(['inwoner', 'netwerk', 'professional']),
  whoName: text(200).optional(),
  when: date.optional(),
  done: z.boolean(),
})
export const lifeDomainEntrySchema = z.strictObject({
  score: z.number().int().min(1).max(5).optional(),
  wantsToTalk: z.boolean(),
  note: text(2_000).optional(),
})
/**
 * The disciplines that take part in a samenwerkoverleg (issue 17): the form offers these; a
 * participant stored with another text (older cases, "anders") keeps it and shows it as written.
 */
export const DISCIPLINES = ['sociaal-werk', 'huisarts', 'praktijkondersteuner', 'wijkverpleging', 'ggz', 'wonen', 'schuldhulp', 'politie', 'school', 'jeugd', 'mantelzorg', 'gemeente', 'anders'] as const
/**
 * The resident's consent to share the samenwerkplan with one participant (issue 17 point 2): for
 * what (`purpose`), given on `date`, recorded by whom (`recordedBy`), whether the resident's own
 * words for the three questions may go with it (`ownWords`), and when it was withdrawn. Only a
 * participant whose consent stands receives the plan.
 */
export const participantConsentSchema = z.strictObject({ purpose: text(300), date, recordedBy: text(200), ownWords: z.boolean(), withdrawnOn: date.optional() })
/** Someone at the table: `phone` is what the resident's plan shows under "Wie kan ik bellen?". */
export const participantSchema = z.strictObject({
  id,
  name: text(200),
  role: text(200),
  organisation: text(200),
  discipline: text(200),
  phone: text(40).optional(),
  consent: participantConsentSchema.optional(),
  /** The participant's account, found by exact e-mail and accepted by them (docs/shared-plan.md): then they can receive the plan. */
  userId: id.optional(),
  /** The organisation that account acts for (its devices' certificates are checked up to that organisation's key). */
  organisationId: id.optional(),
})
/**
 * An agreed action of the samenwerkplan. `ownerId` is the participant who does it ("wie doet het",
 * chosen from the participants; `owner` keeps the name as shown, and is all older cases have),
 * `due` by when, `done` ticked off.
 */
export const planActionSchema = z.strictObject({
  id,
  what: text(1_000),
  owner: text(200),
  ownerId: id.optional(),
  due: date.optional(),
  done: z.boolean().optional(),
  /** What the owner answered last on their own phone (docs/shared-plan.md "Responses"): done or not, a short note. */
  reply: z.strictObject({ done: z.boolean(), note: text(500).optional(), at: z.string().max(40), by: text(200) }).optional(),
})
/**
 * The samenwerkplan as shared with the participants (docs/shared-plan.md): its random id, the
 * last version sent, the response key (by generation; a withdrawal renews it) and how far the
 * responses were read.
 */
export const sharedPlanStateSchema = z.strictObject({
  planId: id,
  version: z.number().int().min(0),
  responseKey: z.strictObject({ gen: z.number().int().min(1), key: z.string().regex(/^[A-Za-z0-9_-]{43}$/) }),
  /** Older response keys, so responses sent under one still open. */
  oldResponseKeys: z.array(z.strictObject({ gen: z.number().int().min(1), key: z.string().regex(/^[A-Za-z0-9_-]{43}$/) })).max(50).optional(),
  /** The user ids the last version went to, and the digest of what each got. */
  sent: z.array(z.strictObject({ userId: id, digest: z.string().max(100) })).max(50).optional(),
  /** The server's sequence number of the last response applied. */
  responsesAfter: z.number().int().min(0).optional(),
})
/**
 * A link that opens the resident's own read-only plan (docs/resident-plan.md). `key` opens the
 * plan and never reaches the server (it travels in the URL fragment); `manage` proves to the
 * server that the holder may update or withdraw the link; `sent` is the digest of the plan the
 * server holds, so the page can say the plan changed since.
 */
export const residentLinkSchema = z.strictObject({
  id,
  key: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  manage: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  createdAt: z.string().max(40),
  expiresOn: date,
  sent: z.string().max(100).optional(),
  withdrawnAt: z.string().max(40).optional(),
})

export const caseRecordV1Schema = z.strictObject({
  id,
  schemaVersion: z.literal(1),
  createdAt: z.string().max(40),
  updatedAt: z.string().max(40),
  pathway: z.enum(INTERVENTION_IDS),
  status: z.enum(['open', 'closed']),
  currentStep: z.enum(CASE_STEPS),
  resident: z.strictObject({
    name: text(200),
    birthYear: z.number().int().min(1900).max(2100).optional(),
    municipality: z.enum(MUNICIPALITIES).optional(),
    village: text(100).optional(),
    contact: text(200).optional(),
  }),
  consent: z
    .strictObject({ given: z.boolean(), purpose: text(1_000), scope: text(1_000), date: date.optional(), how: z.enum(['mondeling', 'schriftelijk', 'digitaal']).optional() })
    .optional(),
  caseLead: text(200).optional(),
  referral: z
    .strictObject({
      date: date.optional(),
      referrerType: z.enum(REFERRER_TYPES).optional(),
      referralId: id.optional(),
      /**
       * What the GP wrote, carried over when the referral was accepted (docs/referral-case.md), shown
       * read-only. Optional: cases stored before it (or made by hand) have none and still parse.
       */
      fromGp: z
        .strictObject({
          reasons: z.array(z.enum(REFERRAL_REASONS)).max(REFERRAL_REASONS.length),
          note: text(1_000),
          domains: z.array(z.enum(DOMAINS_4D)).max(DOMAINS_4D.length),
          urgency: z.enum(URGENCIES),
          referrer: text(200).optional(),
        })
        .optional(),
    })
    .optional(),
  questions: z.strictObject({ wil: text(5_000), kan: text(5_000), nodig: text(5_000) }),
  lifeDomains: z.partialRecord(z.enum(LIFE_DOMAINS), lifeDomainEntrySchema),
  strengths: text(5_000),
  network: z.array(networkPersonSchema).max(100),
  steps: z.array(stepSchema).max(200),
  /**
   * The samenwerkoverleg (caseConsultation in docs/glossary.md; the stored name stays). Its
   * actions, lead and evaluation date are the samenwerkplan (JointPlan below).
   */
  consultation: z
    .strictObject({
      date: date.optional(),
      place: text(300).optional(),
      residentPresent: z.boolean(),
      participants: z.array(participantSchema).max(50),
      actions: z.array(planActionSchema).max(100),
      leadWithResident: text(200).optional(),
      /** The participant who holds the lead with the resident; `leadWithResident` keeps the name. */
      leadId: id.optional(),
      /** The organisation that made the plan (shown on the resident's plan). */
      organisation: text(200).optional(),
      residentLinks: z.array(residentLinkSchema).max(20).optional(),
      sharedPlan: sharedPlanStateSchema.optional(),
      evaluationDate: date.optional(),
      /** When the evaluation was actually held ("evaluatie gehouden op", issue 18): on or before evaluationDate counts as on time. */
      evaluationHeldOn: date.optional(),
      escalation: text(2_000).optional(),
    })
    .optional(),
  wor: z
    .strictObject({
      firstContactDate: date.optional(),
      intakeDate: date.optional(),
      broaderCheck: text(2_000).optional(),
      matchedServiceIds: z.array(z.guid()).max(50),
      feedbackToGp: text(3_000).optional(),
      feedbackDate: date.optional(),
    })
    .optional(),
  vg: z
    .strictObject({ conversationDate: date.optional(), participants: text(2_000).optional(), outcome: z.enum(VG_OUTCOMES).optional(), adviceToGp: text(3_000).optional() })
    .optional(),
  sa: z
    .strictObject({
      informalCarer: text(300).optional(),
      intakeDate: date.optional(),
      triage: z.enum(['doorverwezen', 'arrangement']).optional(),
      arrangementStartDate: date.optional(),
      outflowReason: z.enum(SA_OUTFLOW).optional(),
      outflowDate: date.optional(),
    })
    .optional(),
  satisfaction: z.strictObject({ start: z.number().int().min(0).max(10).optional(), end: z.number().int().min(0).max(10).optional() }),
  /** Progress: the life-domain scores as recorded on a day, for a chart over time. */
  domainSnapshots: z.array(z.strictObject({ date, scores: z.partialRecord(z.enum(LIFE_DOMAINS), z.number().int().min(1).max(5)) })).max(100).optional(),
  /**
   * Maatschappelijk rendement: support in use before and after (one item a line, never leaves the
   * device), and the same in fixed categories so it can be counted (issue 18).
   */
  support: z
    .strictObject({
      before: z.array(text(200)).max(50),
      after: z.array(text(200)).max(50),
      beforeCategories: supportCategoryList.optional(),
      afterCategories: supportCategoryList.optional(),
    })
    .optional(),
  closedAt: date.optional(),
  closeReason: text(1_000).optional(),
  /** Why a wor or samenwerkwijze case closed (issue 18); none counts as unknown. */
  closeCategory: z.enum(CLOSE_CATEGORIES).optional(),
})
export type CaseRecordV1 = z.infer<typeof caseRecordV1Schema>
// The current record, its types and newCase live in v2.ts; version 1 is kept to read stored cases.
