/**
 * The shared samenwerkplan in the server tests (src/server/plans/; docs/shared-plan.md "Server"):
 * a participant's copy sealed for real (sealSigned, planBoxContext) by the lead's device to
 * participants' devices, responses encrypted under a response key and signed by a device, and
 * plans, invitations and recipients written straight into the tables for the matrix and fuzz rows.
 */
import { randomUUID } from 'node:crypto'
import type { Queryable } from '../../src/server/db/types'
import { encryptResponse, newResponseKey, planBoxContext, planResponseMessage, type ParticipantPlan, type PlanResponse, type ResponseKey } from '../../src/shared/cases/sharedPlan'
import { sealSigned } from '../../src/shared/crypto/sealed'
import { signMessage } from '../../src/shared/crypto/signatures'
import type { TestDevice } from './devices'

/** One participant's copy of a plan (what the lead's phone seals). */
export function participantPlan(planId: string, version: number, leadUserId: string, recipientUserId: string, responseKey: ResponseKey): ParticipantPlan {
  const participantId = randomUUID()
  return {
    v: 1,
    planId,
    version,
    sentAt: new Date().toISOString(),
    leadUserId,
    organisation: 'Welzijn Oss',
    resident: 'Mevrouw J.',
    participants: [{ id: participantId, name: 'Dr. B', role: 'huisarts', organisation: 'Praktijk B', discipline: 'huisarts', userId: recipientUserId }],
    actions: [{ id: randomUUID(), what: 'Bloeddruk meten', owner: 'Dr. B', ownerId: participantId, done: false }],
    responseKey,
    recipient: { userId: recipientUserId, participantId },
  }
}

/** The box for `userId` of `version`, sealed and signed by `by` to `to` (context planBoxContext unless `context`). */
export async function planBox(planId: string, version: number, userId: string, by: TestDevice, to: readonly TestDevice[], opts: { content?: unknown; context?: string; signWith?: CryptoKey } = {}) {
  const content = opts.content ?? participantPlan(planId, version, randomUUID(), userId, newResponseKey())
  return sealSigned(
    content,
    to.map((d) => ({ deviceId: d.id, publicKey: d.keys.publicKey })),
    opts.context ?? planBoxContext(planId, version, userId),
    { deviceId: by.id, signingKey: opts.signWith ?? by.keys.signing.privateKey },
    new Date().toISOString(),
  )
}

/** A response on `actionId` by `userId`, encrypted under `key` and signed by `device` (or `signWith`). */
export async function planResponse(planId: string, device: Pick<TestDevice, 'id' | 'keys'>, userId: string, opts: { key?: ResponseKey; id?: string; note?: string; signWith?: CryptoKey; actionId?: string } = {}): Promise<PlanResponse> {
  const id = opts.id ?? randomUUID()
  const encrypted = await encryptResponse(
    { v: 1, planId, actionId: opts.actionId ?? randomUUID(), done: true, note: opts.note ?? 'Gedaan', at: new Date().toISOString(), userId },
    id,
    opts.key ?? newResponseKey(),
  )
  const unsigned = { ...encrypted, deviceId: device.id }
  return { ...unsigned, signature: await signMessage(opts.signWith ?? device.keys.signing.privateKey, planResponseMessage(planId, unsigned)) }
}

/** A plan bound to `docId` (version `version`), written straight in. */
export async function seedPlan(db: Queryable, docId: string, version = 0): Promise<string> {
  const planId = randomUUID()
  await db.query('INSERT INTO shared_plans (plan_id, document_id, version, created_at, updated_at) VALUES ($1, $2, $3, now(), now())', [planId, docId, version])
  return planId
}

/** An invitation to the plan for `userId` from the case's organisation, pending (or accepted for `organisationId`), written straight in. */
export async function seedPlanInvitation(db: Queryable, planId: string, userId: string, accepted?: { organisationId: string }) {
  await db.query(
    `INSERT INTO plan_invitations (plan_id, invitee_id, inviter_organisation_id, created_at, expires_at, accepted_at, organisation_id)
     SELECT $1, $2, d.organisation_id, now(), now() + interval '1 year', $3::timestamptz, $4::uuid FROM shared_plans p JOIN sync_documents d ON d.id = p.document_id WHERE p.plan_id = $1
     ON CONFLICT (plan_id, invitee_id) DO NOTHING`,
    [planId, userId, accepted ? new Date() : null, accepted?.organisationId ?? null],
  )
}

/** `userId` receives the plan now, acting for `organisationId` (written straight in; no box). */
export async function seedRecipient(db: Queryable, planId: string, userId: string, organisationId: string) {
  await db.query('INSERT INTO plan_recipients (plan_id, user_id, organisation_id, added_at) VALUES ($1, $2, $3, now()) ON CONFLICT DO NOTHING', [planId, userId, organisationId])
}
