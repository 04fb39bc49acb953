/**
 * Storage of residents' help requests (issue 20, docs/help-request.md). The route parses and
 * guards; this module queries. The insert is `ON CONFLICT DO NOTHING`: a resend stores nothing new.
 */
import type { SealedUnauthenticated } from '../../shared/crypto/sealed'
import type { Queryable } from '../db/types'

export interface StoredHelpRequest {
  id: string
  municipality: string
  receivingOrganisationId: string
  receivedAt: Date
  answerBy: string
  sealed: SealedUnauthenticated
}

/** True when it was stored now, false when the id was there already. */
export async function insertHelpRequest(db: Queryable, r: StoredHelpRequest): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO help_requests (id, municipality, receiving_organisation_id, received_at, answer_by, sealed)
     VALUES ($1, $2, $3, $4, $5::date, $6::jsonb) ON CONFLICT (id) DO NOTHING RETURNING id`,
    [r.id, r.municipality, r.receivingOrganisationId, r.receivedAt, r.answerBy, JSON.stringify(r.sealed)],
  )
  return rows.length > 0
}

export async function helpRequestExists(db: Queryable, id: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM help_requests WHERE id = $1', [id])).rows.length > 0
}

/** The requests an organisation received, oldest first. */
/** At most this many requests in a worker's inbox list. */
export const INBOX_LIMIT = 200

export async function helpRequestsFor(db: Queryable, organisationId: string) {
  const { rows } = await db.query<{ id: string; municipality: string; received_at: string | Date; answer_by: string; sealed: SealedUnauthenticated }>(
    // The newest 200 (oldest first among them): a flood cannot make every inbox load download all of it.
    `SELECT * FROM (SELECT id, municipality, received_at, answer_by::text AS answer_by, sealed FROM help_requests WHERE receiving_organisation_id = $1
       ORDER BY received_at DESC, id DESC LIMIT ${INBOX_LIMIT}) newest ORDER BY received_at, id`,
    [organisationId],
  )
  return rows.map((r) => ({ id: r.id, municipality: r.municipality, receivedAt: new Date(r.received_at).toISOString(), answerBy: r.answer_by, sealed: r.sealed }))
}

/** The organisation the routing table sends a municipality's `intervention` to, with its name. */
export async function routedOrganisation(db: Queryable, intervention: string, municipality: string): Promise<{ id: string; name: string } | undefined> {
  const { rows } = await db.query<{ id: string; name: string }>(
    'SELECT o.id, o.name FROM referral_routes r JOIN organisations o ON o.id = r.organisation_id WHERE r.intervention = $1 AND r.municipality = $2',
    [intervention, municipality],
  )
  return rows[0]
}

/**
 * Deletes a request of the organisation once a worker has taken it in (it lives on in their
 * encrypted case) or thrown it away (junk, unreadable): the server keeps nothing it no longer needs.
 */
export async function deleteHelpRequest(db: Queryable, id: string, organisationId: string): Promise<boolean> {
  const { rows } = await db.query('DELETE FROM help_requests WHERE id = $1 AND receiving_organisation_id = $2 RETURNING id', [id, organisationId])
  return rows.length > 0
}
