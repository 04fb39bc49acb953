/**
 * The samenwerkplannen shared with this person as a participant, on this phone (issue 17;
 * docs/shared-plan.md "On the participant's phone"):
 *
 * - `boxes`: each plan's copy as the server gave it — the sealed box (only this device's key opens
 *   it), the sender's certificate and its organisation's chain — by plan and version, so the plan
 *   and the actions show offline. Checked again on every opening (openPlan.ts). A newer version that
 *   does not open (an organisation not yet accepted) waits beside the older one that does; once a
 *   version opened, older ones go and an older one is never taken in again (no rollback).
 * - `outbox`: the person's responses on their own actions, encrypted and signed, waiting to be sent
 *   (a table of the one outbox, src/app/sync/outbox.ts; kind `plan-response`).
 * - `sent`: responses the server took, until a version of the plan shows them (the "verstuurd" state).
 * - `invitedBy`: who asked this person to a plan (name, organisation), remembered when accepting, to
 *   name the organisation of a box from a key this phone does not know yet.
 * - `leads`: per plan and person, the lead account this phone accepted (trust on first use): set
 *   when the plan's first version opens, changed only when the person accepts a new lead (a
 *   handover of the regie). A box signed by another account does not open as the plan.
 */
import { Dexie, type EntityTable } from 'dexie'
import { z } from 'zod'
import { planResponseSchema } from '../../../shared/cases/sharedPlan'
import { DATABASES } from '../../core/storageNames'
import { outboxItemSchema, type OutboxTable } from '../../sync/outbox'

export const SHARED_PLAN_DB_NAME = DATABASES.sharedPlans

export const keptBoxSchema = z.object({
  /** `planId|version` */
  key: z.string().max(100),
  planId: z.guid(),
  version: z.number().int().min(1),
  /** The account the box was fetched for (the signed-in person then). */
  userId: z.guid(),
  box: z.unknown(),
  sender: z.unknown(),
  /** The sender's organisation's chain only, as the server gave it (unchecked). */
  chains: z.record(z.string(), z.unknown()),
  receivedAt: z.string().max(40),
  /** This version opened and verified on this phone once: a version below it is never taken in again. */
  opened: z.boolean().optional(),
  /** The server no longer lists the plan for this person (consent withdrawn, removed): nothing new arrives. */
  gone: z.boolean().optional(),
})
export type KeptBox = z.infer<typeof keptBoxSchema>
export const boxKey = (planId: string, version: number) => `${planId}|${version}`

const ids = { id: z.guid(), planId: z.guid(), actionId: z.guid() }
export const responseItemSchema = outboxItemSchema.extend({ ...ids, kind: z.literal('plan-response'), body: planResponseSchema })
export type ResponseItem = z.output<typeof responseItemSchema>

export const sentResponseSchema = z.object({ ...ids, body: planResponseSchema, sentAt: z.string().max(40) })
export type SentResponse = z.infer<typeof sentResponseSchema>

export const invitedBySchema = z.object({ planId: z.guid(), inviterName: z.string().max(200).nullable(), organisationName: z.string().max(200) })
export type InvitedBy = z.infer<typeof invitedBySchema>

export const acceptedLeadSchema = z.object({
  /** `planId|userId` */
  key: z.string().max(100),
  planId: z.guid(),
  /** The participant (signed-in person) this was accepted for. */
  userId: z.guid(),
  /** The lead's account. */
  leadUserId: z.guid(),
  acceptedAt: z.string().max(40),
  /** First use (the first version that opened) or the person accepted it explicitly. */
  how: z.enum(['first', 'accepted']),
})
export type AcceptedLead = z.infer<typeof acceptedLeadSchema>
export const leadKey = (planId: string, userId: string) => `${planId}|${userId}`

export class SharedPlanDb extends Dexie {
  boxes!: EntityTable<KeptBox, 'key'>
  outbox!: OutboxTable<ResponseItem>
  sent!: EntityTable<SentResponse, 'id'>
  invitedBy!: EntityTable<InvitedBy, 'planId'>
  leads!: EntityTable<AcceptedLead, 'key'>
  constructor() {
    super(SHARED_PLAN_DB_NAME)
    this.version(1).stores({ boxes: 'key, planId', outbox: 'id, planId, createdAt', sent: 'id, planId', invitedBy: 'planId' })
    this.version(2).stores({ leads: 'key' })
  }
}

export const sharedPlanDb = new SharedPlanDb()
