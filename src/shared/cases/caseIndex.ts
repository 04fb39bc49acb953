/**
 * The only fields of a case kept in clear on the device: what lists and counts need.
 * Never names, birth years, addresses or free text (issue 4, privacy).
 */
import { z } from 'zod'
import { MUNICIPALITIES } from '../socialMap/places'
import { caseMoments } from './inclusion'
import { REFERRER_TYPES, type CaseRecord } from './v2'
import { methodIdSchema } from '../method/definition'
import { INTERVENTION_IDS } from '../interventions'

export const caseIndexSchema = z.strictObject({
  id: z.guid(),
  /** The record's version (v1 rows stored before the method came are read until rewritten). */
  schemaVersion: z.union([z.literal(1), z.literal(2)]),
  status: z.enum(['open', 'closed']),
  /** Where the case stands: a step id of its method version (docs/method.md). */
  currentStep: methodIdSchema,
  methodVersion: z.number().int().min(1).optional(),
  pathway: z.enum(INTERVENTION_IDS),
  municipality: z.enum(MUNICIPALITIES).optional(),
  referrerType: z.enum(REFERRER_TYPES).optional(),
  referredAt: z.string().optional(),
  includedAt: z.string().optional(),
  completedAt: z.string().optional(),
  period: z.string().optional(),
  closedAt: z.string().optional(),
  updatedAt: z.string(),
})
export type CaseIndex = z.infer<typeof caseIndexSchema>

export function caseIndexOf(c: CaseRecord): CaseIndex {
  const m = caseMoments(c)
  const out: CaseIndex = { id: c.id, schemaVersion: 2, status: c.status, currentStep: c.method.step, methodVersion: c.method.version, pathway: c.pathway, updatedAt: c.updatedAt }
  if (c.resident.municipality) out.municipality = c.resident.municipality
  if (c.referral?.referrerType) out.referrerType = c.referral.referrerType
  if (m.referredAt) out.referredAt = m.referredAt
  if (m.includedAt) out.includedAt = m.includedAt
  if (m.completedAt) out.completedAt = m.completedAt
  if (m.period) out.period = m.period
  if (c.closedAt) out.closedAt = c.closedAt
  return out
}
