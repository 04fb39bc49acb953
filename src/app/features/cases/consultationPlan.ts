/**
 * The samenwerkplan's links to the people at the table (issue 17): an action's "wie doet het"
 * (`ownerId`) and the lead with the resident (`leadId`) point at a participant, while `owner` and
 * `leadWithResident` keep the name as shown. The names follow a participant's renaming; removing a
 * participant clears the links but keeps the names, so nothing is silently lost. Older cases have
 * only the names: they show as written until someone chooses from the participants.
 */
import { participantConsentSchema, type CaseConsultation } from '../../../shared/cases/v2'
import { withdrawConsent, type ParticipantConsent } from '../../../shared/cases/participantConsent'
import type { Me } from '../../../shared/api/auth'

export type Participant = CaseConsultation['participants'][number]
export type PlanAction = CaseConsultation['actions'][number]
/** A participant's own fields, as the form edits them (the resident's consent has its own form). */
export type ParticipantFields = Omit<Participant, 'id' | 'consent'>

/** The select's value for "the name as written" (an older case, or a participant since removed). */
export const AS_WRITTEN = '__as-written__'

/** What the select shows as chosen: the participant, else the written name, else nothing. */
export function choiceOf(participants: readonly Participant[], id: string | undefined, written: string | undefined): string {
  if (id && participants.some((p) => p.id === id)) return id
  return written?.trim() ? AS_WRITTEN : ''
}

/** The actions a participant does and whether they hold the lead: what removing them touches. */
export function linksOf(c: CaseConsultation, id: string): { actions: number; lead: boolean } {
  return { actions: c.actions.filter((a) => a.ownerId === id).length, lead: c.leadId === id }
}

/** "Wie doet het": a participant (their name goes with it), nobody ('' clears both), or the name as written (unchanged). */
export function chooseOwner(c: CaseConsultation, action: PlanAction, choice: string): void {
  if (choice === AS_WRITTEN) return
  const p = c.participants.find((x) => x.id === choice)
  if (p) {
    action.ownerId = p.id
    action.owner = p.name
  } else {
    delete action.ownerId
    action.owner = ''
  }
}

/** Who holds the lead with the resident: like `chooseOwner`, for `leadId` and `leadWithResident`. */
export function chooseLead(c: CaseConsultation, choice: string): void {
  if (choice === AS_WRITTEN) return
  const p = c.participants.find((x) => x.id === choice)
  if (p) {
    c.leadId = p.id
    c.leadWithResident = p.name
  } else {
    delete c.leadId
    delete c.leadWithResident
  }
}

/** Writes a participant's fields; a new name also goes to the actions they do and the lead they hold. */
export function updateParticipant(c: CaseConsultation, id: string, fields: ParticipantFields): void {
  const p = c.participants.find((x) => x.id === id)
  if (!p) return
  const renamed = p.name !== fields.name
  p.name = fields.name
  p.role = fields.role
  p.organisation = fields.organisation
  p.discipline = fields.discipline
  if (fields.phone?.trim()) p.phone = fields.phone
  else delete p.phone
  if (!renamed) return
  for (const a of c.actions) if (a.ownerId === id) a.owner = fields.name
  if (c.leadId === id) c.leadWithResident = fields.name
}

/** Takes a participant off the list; their actions and the lead keep the name, without the link. */
export function removeParticipant(c: CaseConsultation, id: string): void {
  const i = c.participants.findIndex((x) => x.id === id)
  if (i < 0) return
  c.participants.splice(i, 1)
  for (const a of c.actions) if (a.ownerId === id) delete a.ownerId
  if (c.leadId === id) delete c.leadId
}

/** A participant as the form adds them: the phone only when given; no consent yet. */
export function newParticipant(id: string, fields: ParticipantFields): Participant {
  const { name, role, organisation, discipline, phone } = fields
  const rest = { name, role, organisation, discipline }
  return phone?.trim() ? { id, ...rest, phone } : { id, ...rest }
}

/** The consent form as typed: texts untrimmed, the date as the date field gives it ('' when empty or unreadable). */
export interface ConsentInput {
  purpose: string
  date: string
  recordedBy: string
  ownWords: boolean
}
/** What is wrong with a field of the consent form, for its message. */
export type ConsentProblem = 'purpose-missing' | 'purpose-long' | 'date-invalid' | 'date-future' | 'recorded-by-long'
export type ConsentParse = { ok: true; consent: ParticipantConsent } | { ok: false; problems: Partial<Record<'purpose' | 'date' | 'recordedBy', ConsentProblem>> }

/**
 * The consent form's input as a new consent record (no `withdrawnOn`: recording again replaces a
 * withdrawn one), checked by `participantConsentSchema` before anything is written. Beyond the
 * schema: a purpose is required (consent is for something) and the date is not after `today`.
 * `recordedBy` may stay empty (the worker's name is unknown offline before the first sign-in answer).
 */
export function parseConsentInput(input: ConsentInput, today: string): ConsentParse {
  const candidate = { purpose: input.purpose.trim(), date: input.date, recordedBy: input.recordedBy.trim(), ownWords: input.ownWords }
  const problems: Partial<Record<'purpose' | 'date' | 'recordedBy', ConsentProblem>> = {}
  const parsed = participantConsentSchema.safeParse(candidate)
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const field = issue.path[0]
      if (field === 'purpose') problems.purpose ??= 'purpose-long'
      else if (field === 'recordedBy') problems.recordedBy ??= 'recorded-by-long'
      else if (field === 'date') problems.date ??= 'date-invalid'
    }
  if (!candidate.purpose) problems.purpose = 'purpose-missing'
  if (!problems.date && candidate.date > today) problems.date = 'date-future'
  if (!parsed.success || Object.keys(problems).length) return { ok: false, problems }
  return { ok: true, consent: parsed.data }
}

/** Writes the resident's consent for a participant, replacing what was there (withdrawn or not). */
export function recordConsent(c: CaseConsultation, id: string, consent: ParticipantConsent): void {
  const p = c.participants.find((x) => x.id === id)
  if (p) p.consent = participantConsentSchema.parse(consent)
}

/** The resident takes their consent for a participant back, as of `today`; nothing recorded, nothing changes. */
export function withdrawParticipantConsent(c: CaseConsultation, id: string, today: string): void {
  const p = c.participants.find((x) => x.id === id)
  if (p?.consent) p.consent = withdrawConsent(p.consent, today)
}

/** An action holds something worth asking about before it goes. */
export const actionHasContent = (a: PlanAction): boolean => !!(a.what.trim() || a.owner.trim() || a.due || a.done)

/**
 * The organisation this phone works for (its device's organisation, named in the signed-in
 * person's memberships): the one that makes the plan. Unknown (signed out, offline before the
 * first answer, no device) gives undefined.
 */
export function deviceOrganisationName(me: Pick<Me, 'memberships' | 'device'> | null | undefined): string | undefined {
  const id = me?.device?.organisationId
  if (!id) return undefined
  return me.memberships.find((m) => m.organisationId === id)?.organisationName || undefined
}
