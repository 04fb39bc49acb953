/**
 * The interventions: the one list, with their rules (docs/glossary.md, "intervention"). Code says "intervention" for what the UI calls a route or werkwijze; stored
 * records keep their field names (a case's `pathway`, a referral's and a count's `intervention`),
 * and their ids (`wor`, `vg`, `sa`, `samenwerkwijze`) are stored, sent and counted, so they stay.
 *
 * Everything else derives from here: the case, referral and KPI enums, the names in FHIR
 * resources, the first-contact rule and the moment of inclusion.
 */

/** What inclusion needs to know of a case (a structural part of CaseRecord, cases/v1.ts). */
export interface InclusionFacts {
  wor?: { intakeDate?: string }
  vg?: { conversationDate?: string }
  sa?: { triage?: string; intakeDate?: string; arrangementStartDate?: string }
  consultation?: { date?: string; actions: readonly { what: string }[] }
}

export interface Intervention {
  /** The Dutch name, as in the plan and in FHIR displays. */
  name: string
  /** The glossary's code word (docs/glossary.md). */
  term: string
  /** May a GP refer a patient to it (issue 5: referrals)? */
  isReferable: boolean
  /** What the GP hears back: feedback (terugkoppeling) or, after a Verkennend Gesprek, advice. */
  answersGpWith: 'terugkoppeling' | 'advies'
  /** Days from referral until the first contact is due; undefined when the region set no term. */
  firstContactDays?: number
  /** The moment of inclusion (domain.md, product rule until the region says otherwise). */
  inclusionMoment: string
  /** The date of inclusion of a case, or undefined when it is not (yet) included. */
  includedOn: (c: InclusionFacts) => string | undefined
}

/** KPI order: the order of the FHIR report's groups and the dashboard's columns. */
export const INTERVENTION_IDS = ['wor', 'vg', 'sa', 'samenwerkwijze'] as const
export type InterventionId = (typeof INTERVENTION_IDS)[number]

/** Welzijn op Recept: the coach contacts the resident within two weeks of the referral (domain.md). */
export const WOR_FIRST_CONTACT_DAYS = 14

export const INTERVENTIONS = {
  wor: {
    name: 'Welzijn op Recept',
    term: 'socialPrescribing',
    isReferable: true,
    answersGpWith: 'terugkoppeling',
    firstContactDays: WOR_FIRST_CONTACT_DAYS,
    inclusionMoment: 'intake held',
    includedOn: (c) => c.wor?.intakeDate,
  },
  vg: {
    name: 'Verkennend Gesprek',
    term: 'exploratoryTalk',
    isReferable: true,
    answersGpWith: 'advies',
    inclusionMoment: 'conversation held',
    includedOn: (c) => c.vg?.conversationDate,
  },
  sa: {
    name: 'Sociaal Arrangeren',
    term: 'socialArranging',
    isReferable: true,
    answersGpWith: 'terugkoppeling',
    inclusionMoment: 'arrangement started after intake',
    includedOn: ({ sa }) => (sa?.triage === 'arrangement' && sa.intakeDate && sa.arrangementStartDate && sa.arrangementStartDate >= sa.intakeDate ? sa.arrangementStartDate : undefined),
  },
  samenwerkwijze: {
    name: 'Samenwerkoverleg',
    term: 'caseConsultation',
    isReferable: false,
    answersGpWith: 'terugkoppeling',
    inclusionMoment: 'consultation held and plan set',
    includedOn: ({ consultation }) => (consultation?.date && consultation.actions.some((a) => a.what.trim()) ? consultation.date : undefined),
  },
} as const satisfies Record<InterventionId, Intervention>

type Referable = { [K in InterventionId]: (typeof INTERVENTIONS)[K]['isReferable'] extends true ? K : never }[InterventionId]

/** The interventions a GP refers to, in KPI order. */
export const REFERABLE_INTERVENTION_IDS = INTERVENTION_IDS.filter((i): i is Referable => INTERVENTIONS[i].isReferable) as readonly Referable[] as readonly [Referable, ...Referable[]]
export type ReferableInterventionId = Referable

/** One intervention's rules, with the optional ones (firstContactDays) readable on every id. */
export const interventionOf = (id: InterventionId): Intervention => INTERVENTIONS[id]
