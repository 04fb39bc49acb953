/**
 * Resident plan links for the server tests (src/server/residentPlans/links.ts): a request body to
 * make one, and a link seeded straight into the table for the rows that act on an existing one.
 * The sealed text is random base64: the server cannot tell it from a sealed plan (the sealing
 * itself is tested in test/unit/residentPlan.test.ts).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { Queryable } from '../../src/server/db/types'
import { regionDate } from '../../src/shared/core/clock'
import { addDays } from '../../src/shared/core/days'
import { randomSecret } from '../../src/shared/cases/residentPlan'

/** Base64 of `bytes` random bytes, as a sealed plan looks to the server. */
export const sealedText = (bytes = 1024) => randomBytes(bytes).toString('base64')

/** A valid body of POST /api/resident-plans, 90 days ahead of the region's date at `at`. */
export function newLinkBody(at: Date | number) {
  return { id: randomUUID(), manage: randomSecret(), body: sealedText(), expiresOn: addDays(regionDate(at), 90) }
}

/** What the database keeps of a manage secret (computed here, not with the server's own function). */
export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex')

/** A live link of `organisationId`, made by `createdBy`, written into the table directly. */
export async function seedLink(db: Queryable, organisationId: string, createdBy: string, at: Date | number) {
  const link = newLinkBody(at)
  await db.query(
    'INSERT INTO resident_links (id, organisation_id, created_by, manage_hash, body, expires_on, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)',
    [link.id, organisationId, createdBy, sha256Hex(link.manage), link.body, link.expiresOn, new Date(at)],
  )
  return link
}
