/**
 * Publishing the samenwerkplan to the participants (issue 17 points 2 and 5; docs/shared-plan.md
 * "On the casusregisseur's phone"). The lead's phone makes, from the case, one copy per participant
 * whose consent stands and who has an account (`planRecipients`), seals each copy to that person's
 * devices — only devices whose certificates verify up to the organisation key this phone pinned —
 * and sends them together as the next version. Nothing goes out when nothing changed: the same
 * people, and for each the same copy (its digest) as the last version.
 *
 * When someone who got the last version is no longer a recipient (consent withdrawn, removed,
 * account unlinked), the response key is renewed first and written into the case — before anything
 * is sent — so the next version carries a key they never had. Their entry in `sent` then keeps an
 * empty digest (`''`: "key renewed for their leaving, not yet dropped on the server") until a
 * version without them is stored; that way a failed send neither renews the key again nor forgets
 * that the server still holds a copy for them.
 *
 * The server's calls and the case's storage come in through `PublishEnv`; the crypto, the
 * certificate checks and the pins are the real ones.
 */
import type { PlanPeople, PlanPerson, PutPlan } from '../../../shared/api/plans'
import { newResponseKey, participantPlanOf, planBoxContext, planDigestInput, planRecipients, type ParticipantPlan, type ResponseKey } from '../../../shared/cases/sharedPlan'
import type { CaseRecord } from '../../../shared/cases/v2'
import { sealSigned, type Recipient } from '../../../shared/crypto/sealed'
import { sha256Hex } from '../../../shared/crypto/signatures'
import { checkDevices, type KeyChange, type NewKey } from '../referrals/trust'

export type SharedPlanState = NonNullable<NonNullable<CaseRecord['consultation']>['sharedPlan']>
export type Participant = NonNullable<CaseRecord['consultation']>['participants'][number]

/** Reads the case and writes it (features/residentPlan/residentLinks.ts). */
export interface CaseAccess {
  load: (id: string) => Promise<CaseRecord | undefined>
  save: (record: CaseRecord) => Promise<void>
}

/** The server's answer to a version: stored, or not above what it holds (`current` when it said). */
export type PutResult = { stored: number } | { outdated: number | undefined }

export interface PublishEnv {
  /** The region's date (consent is read against it). */
  today: string
  /** This instant, ISO: the copies' `sentAt` and the boxes' `at`. */
  now: () => string
  /** The signed-in person: the lead (`leadUserId`); `organisation` names the plan's maker when the case does not. */
  me: { userId: string; organisation: string }
  /** This device, to sign the boxes. */
  sender: () => Promise<{ deviceId: string; signingKey: CryptoKey }>
  people: (planId: string, docId: string) => Promise<PlanPeople>
  put: (planId: string, body: PutPlan) => Promise<PutResult>
  cases: CaseAccess
}

/** Why a recipient got nothing in this version (said in words on the plan). */
export type RefusalReason = 'not-accepted' | 'other-organisation' | 'organisation-unknown' | 'organisation-key-changed' | 'no-devices' | 'unverified'
export interface Refusal {
  userId: string
  participantId: string
  reason: RefusalReason
}

export interface PublishResult {
  /** nothing: no shared plan yet; unchanged: nothing new to send; published: `version` stored; outdated: the server holds a newer version this phone does not know yet. */
  kind: 'nothing' | 'unchanged' | 'published' | 'outdated'
  version?: number
  refused: Refusal[]
  /** Organisations whose key this phone has not pinned: offered for acceptance (UnknownOrganisationNotice). */
  unknown: NewKey[]
  changes: KeyChange[]
  /** The response key was renewed in this run. */
  renewed: boolean
}

/** The digest a copy is compared by (`sent[].digest`): without its version and moment. */
export const copyDigest = (plan: ParticipantPlan) => sha256Hex(planDigestInput(plan))

/** A new shared-plan state for a case that has none: a random id, nothing sent yet, a first response key. */
export const newSharedPlanState = (): SharedPlanState => ({ planId: crypto.randomUUID(), version: 0, responseKey: newResponseKey() })

/**
 * The response key renewed: the current one joins the old ones (responses sent under it still
 * open), and whoever in `sent` is in `leaving` keeps an empty digest until a version without them is stored.
 */
export function renewResponseKey(state: SharedPlanState, leaving: ReadonlySet<string>): SharedPlanState {
  const old: ResponseKey[] = [...(state.oldResponseKeys ?? []), state.responseKey].slice(-50)
  return {
    ...state,
    responseKey: newResponseKey(state.responseKey),
    oldResponseKeys: old,
    sent: (state.sent ?? []).map((s) => (leaving.has(s.userId) ? { userId: s.userId, digest: '' } : s)),
  }
}

/** Who got the last version but is no recipient now, and whose leaving has not renewed the key yet. */
export function leavingSince(state: SharedPlanState, recipientIds: ReadonlySet<string>): Set<string> {
  return new Set((state.sent ?? []).filter((s) => s.digest !== '' && !recipientIds.has(s.userId)).map((s) => s.userId))
}

interface Copy {
  participant: Participant & { userId: string }
  plan: ParticipantPlan
  digest: string
}

/** Each recipient's copy of the plan at `version` (digests do not depend on the version or moment). */
async function copiesOf(c: CaseRecord, state: SharedPlanState, recipients: readonly Participant[], env: Pick<PublishEnv, 'me'>, version: number, sentAt: string): Promise<Copy[]> {
  const ctx = { planId: state.planId, version, sentAt, leadUserId: env.me.userId, organisation: env.me.organisation, responseKey: state.responseKey }
  return Promise.all(
    recipients.map(async (p) => {
      const plan = participantPlanOf(c, p.id, ctx)
      return { participant: p as Participant & { userId: string }, plan, digest: await copyDigest(plan) }
    }),
  )
}

/** True when `sent` names exactly these people, each with this digest. */
function sameAsSent(state: SharedPlanState, copies: readonly Pick<Copy, 'participant' | 'digest'>[]): boolean {
  const sent = state.sent ?? []
  if (sent.length !== copies.length) return false
  const byUser = new Map(sent.map((s) => [s.userId, s.digest]))
  return copies.every((c) => byUser.get(c.participant.userId) === c.digest)
}

/**
 * A recipient's devices this phone may seal to: the person must have accepted (the server lists
 * them), act for the organisation the participant was linked to, and have devices certified to
 * them up to a key this phone pinned. Otherwise why not.
 */
export async function verifiedDevices(
  person: PlanPerson | undefined,
  participant: Participant,
  chains: PlanPeople['chains'],
): Promise<{ ok: true; devices: Recipient[] } | { ok: false; reason: RefusalReason; unknown?: NewKey; change?: KeyChange }> {
  if (!person) return { ok: false, reason: 'not-accepted' }
  if (participant.organisationId && person.organisationId !== participant.organisationId) return { ok: false, reason: 'other-organisation' }
  const r = await checkDevices([
    { organisationId: person.organisationId, chain: chains[person.organisationId], certificates: person.devices, role: 'person', userId: person.userId, pin: 'pinned', acceptable: true },
  ])
  if (r.trusted.length) return { ok: true, devices: r.trusted.map((d) => d.recipient) }
  if (r.unknown[0]) return { ok: false, reason: 'organisation-unknown', unknown: r.unknown[0] }
  if (r.changes[0]) return { ok: false, reason: 'organisation-key-changed', change: r.changes[0] }
  return { ok: false, reason: person.devices.length ? 'unverified' : 'no-devices' }
}

/** Reads the case again and changes its shared-plan state (an edit synced in meanwhile is kept). */
async function changeState(cases: CaseAccess, caseId: string, edit: (state: SharedPlanState) => SharedPlanState): Promise<CaseRecord> {
  const latest = await cases.load(caseId)
  const state = latest?.consultation?.sharedPlan
  if (!latest?.consultation || !state) throw new Error('The case has no shared plan any more.')
  latest.consultation = { ...latest.consultation, sharedPlan: edit(state) }
  await cases.save(latest)
  return latest
}

/**
 * Sends the next version of the plan when something changed (see the top of this file). The caller
 * checks that this person leads the case. On 409 `version-outdated` with the server's `current`, it
 * tries once more above it.
 */
export async function publishPlan(env: PublishEnv, caseId: string): Promise<PublishResult> {
  const result: PublishResult = { kind: 'nothing', refused: [], unknown: [], changes: [], renewed: false }
  let c = await env.cases.load(caseId)
  let state = c?.consultation?.sharedPlan
  if (!c || !state) return result

  const recipients = planRecipients(c, env.today)
  const leaving = leavingSince(state, new Set(recipients.map((p) => p.userId!)))
  if (leaving.size) {
    c = await changeState(env.cases, caseId, (s) => renewResponseKey(s, leaving))
    state = c.consultation!.sharedPlan!
    result.renewed = true
  }
  // Compared before asking the server anything: most runs end here.
  const local = await copiesOf(c, state, planRecipients(c, env.today), env, state.version + 1, env.now())
  if (sameAsSent(state, local)) return { ...result, kind: 'unchanged' }

  const people = await env.people(state.planId, caseId)
  const deliverable: (Copy & { devices: Recipient[] })[] = []
  for (const copy of local) {
    const person = people.people.find((x) => x.userId === copy.participant.userId)
    const v = await verifiedDevices(person, copy.participant, people.chains)
    if (v.ok) deliverable.push({ ...copy, devices: v.devices })
    else {
      result.refused.push({ userId: copy.participant.userId, participantId: copy.participant.id, reason: v.reason })
      if (v.unknown && !result.unknown.some((u) => u.organisationId === v.unknown!.organisationId)) result.unknown.push(v.unknown)
      if (v.change && !result.changes.some((u) => u.organisationId === v.change!.organisationId)) result.changes.push(v.change)
    }
  }
  // Someone refused and not sent to before: still nothing new for the others.
  if (sameAsSent(state, deliverable)) return { ...result, kind: 'unchanged' }
  if (!deliverable.length && !state.sent?.length) return { ...result, kind: 'unchanged' }

  const sender = await env.sender()
  const [theCase, theState] = [c, state]
  const send = async (version: number) => {
    const at = env.now()
    const copies = await copiesOf(theCase, theState, deliverable.map((d) => d.participant), env, version, at)
    const boxes = await Promise.all(
      copies.map(async (copy, i) => ({
        userId: copy.participant.userId,
        box: await sealSigned(copy.plan, deliverable[i]!.devices, planBoxContext(theState.planId, version, copy.participant.userId), sender, at),
      })),
    )
    return { put: await env.put(theState.planId, { docId: caseId, version, recipients: boxes }), copies }
  }
  let version = state.version + 1
  let sent = await send(version)
  if ('outdated' in sent.put && sent.put.outdated !== undefined) {
    version = Math.max(version, sent.put.outdated) + 1
    sent = await send(version)
  }
  if ('outdated' in sent.put) return { ...result, kind: 'outdated' }
  const stored = version
  const digests = sent.copies.map((x) => ({ userId: x.participant.userId, digest: x.digest }))
  await changeState(env.cases, caseId, (s) => (s.version > stored ? s : { ...s, version: stored, sent: digests }))
  return { ...result, kind: 'published', version: stored }
}
