/**
 * The resident's plan links (issue 17 point 4; the contract is src/shared/api/residentPlans.ts, the
 * design docs/resident-plan.md "Server"). The server keeps a sealed plan it cannot open under the
 * link's random id, and only the SHA-256 of the link's manage secret: updating or withdrawing needs
 * the secret (whoever holds the case holds it, also in another organisation after a handover), and
 * an unknown id, a withdrawn link and a wrong secret answer alike. Every write is one transaction;
 * nothing lives in process memory, so any number of server processes may share the database.
 * Reading needs no session and records nothing about the reader; an expired link's body is emptied.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { RESIDENT_LINK_MAX_DAYS, type ResidentLinkSaved, type ResidentPlanAnswer } from '../../shared/api/residentPlans'
import { regionDate } from '../../shared/core/clock'
import { addDays } from '../../shared/core/days'
import { audit } from '../auth/audit'
import type { Database, Queryable } from '../db/types'

/** Who makes, updates or withdraws a link: the person and the organisation of their session's device. */
export interface LinkActor {
  userId: string
  organisationId: string
}

export type LinkRefusal = { ok: false; status: 400 | 404 | 409 | 410; code: 'bad-expiry' | 'not-found' | 'exists' | 'link-withdrawn' | 'link-expired'; error: string }
export type LinkResult<T> = { ok: true; status: 200 | 201; value: T } | LinkRefusal

/** An unknown id, a withdrawn link and a wrong secret: one answer, so the secret cannot be tried against what exists. */
const NOT_FOUND: LinkRefusal = { ok: false, status: 404, code: 'not-found', error: 'No such link, or not with this secret.' }
const EXISTS: LinkRefusal = { ok: false, status: 409, code: 'exists', error: 'A link with this id exists already.' }
const WITHDRAWN: LinkRefusal = { ok: false, status: 410, code: 'link-withdrawn', error: 'This link was withdrawn.' }
const EXPIRED: LinkRefusal = { ok: false, status: 410, code: 'link-expired', error: 'This link has expired.' }

/** SHA-256 (hex) of a manage secret: what the database keeps instead of the secret. */
export const manageHash = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex')
/** The stored hash against the secret's, in constant time. */
function secretFits(stored: string, secret: string): boolean {
  const a = Buffer.from(stored, 'utf8')
  const b = Buffer.from(manageHash(secret), 'utf8')
  return a.length === b.length && timingSafeEqual(a, b)
}

/** The last day a link may work: from the region's today up to RESIDENT_LINK_MAX_DAYS ahead. */
function expiryRefusal(expiresOn: string, at: Date): LinkRefusal | undefined {
  const today = regionDate(at)
  const last = addDays(today, RESIDENT_LINK_MAX_DAYS)
  if (expiresOn < today || expiresOn > last) return { ok: false, status: 400, code: 'bad-expiry', error: `The link must expire between ${today} and ${last} (the region's date).` }
  return undefined
}

interface Row {
  id: string
  manage_hash: string
  body: string | null
  expires_on: string
  updated_at: Date | string
  withdrawn_at: Date | string | null
}
const COLUMNS = 'id::text AS id, manage_hash, body, expires_on::text AS expires_on, updated_at, withdrawn_at'
const saved = (r: Row): ResidentLinkSaved => ({ id: r.id, expiresOn: r.expires_on, updatedAt: new Date(r.updated_at).toISOString() })

/** Empties every body past its last day (a link nobody opens again keeps nothing either). */
async function purgeExpired(tx: Queryable, at: Date): Promise<void> {
  await tx.query('UPDATE resident_links SET body = NULL WHERE body IS NOT NULL AND expires_on < $1', [regionDate(at)])
}

export interface NewLink {
  id: string
  manage: string
  body: string
  expiresOn: string
}

/**
 * Stores a new link for the actor's organisation. The same request again (same id, secret, body
 * and expiry: a resend) answers 200 `duplicate`; any other use of a taken id 409 `exists`.
 */
export async function createLink(db: Database, actor: LinkActor, link: NewLink, at: Date): Promise<LinkResult<ResidentLinkSaved>> {
  const bad = expiryRefusal(link.expiresOn, at)
  if (bad) return bad
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<Row>(
      `INSERT INTO resident_links (id, organisation_id, created_by, manage_hash, body, expires_on, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (id) DO NOTHING RETURNING ${COLUMNS}`,
      [link.id, actor.organisationId, actor.userId, manageHash(link.manage), link.body, link.expiresOn, at],
    )
    if (rows[0]) {
      await purgeExpired(tx, at)
      await audit(tx, { actorId: actor.userId, organisationId: actor.organisationId, action: 'resident-link-create', entity: 'resident-link', entityId: rows[0].id })
      return { ok: true, status: 201, value: saved(rows[0]) }
    }
    const stored = (await tx.query<Row>(`SELECT ${COLUMNS} FROM resident_links WHERE id = $1`, [link.id])).rows[0]
    const same = stored && secretFits(stored.manage_hash, link.manage) && stored.body === link.body && stored.expires_on === link.expiresOn
    return same ? { ok: true, status: 200, value: { ...saved(stored), duplicate: true } } : EXISTS
  })
}

/** The link, locked for this transaction, when it is live (not withdrawn) and the secret fits. */
async function managed(tx: Queryable, id: string, secret: string): Promise<Row | undefined> {
  const row = (await tx.query<Row>(`SELECT ${COLUMNS} FROM resident_links WHERE id = $1 FOR UPDATE`, [id])).rows[0]
  return row && secretFits(row.manage_hash, secret) ? row : undefined
}

/** A newer version of the plan, or another last day; an expired link is renewed this way. */
export async function updateLink(db: Database, actor: LinkActor, id: string, change: Omit<NewLink, 'id'> & { newManage?: string | undefined }, at: Date): Promise<LinkResult<ResidentLinkSaved>> {
  const bad = expiryRefusal(change.expiresOn, at)
  if (bad) return bad
  return db.transaction(async (tx) => {
    const row = await managed(tx, id, change.manage)
    if (!row || row.withdrawn_at !== null) return NOT_FOUND
    const { rows } = await tx.query<Row>(`UPDATE resident_links SET body = $2, expires_on = $3, updated_at = $4, manage_hash = $5 WHERE id = $1 RETURNING ${COLUMNS}`, [
      id,
      change.body,
      change.expiresOn,
      at,
      change.newManage ? manageHash(change.newManage) : row.manage_hash,
    ])
    await purgeExpired(tx, at)
    await audit(tx, { actorId: actor.userId, organisationId: actor.organisationId, action: 'resident-link-update', entity: 'resident-link', entityId: row.id })
    return { ok: true, status: 200, value: saved(rows[0]!) }
  })
}

/** Empties the link for good; withdrawing it again answers the same and changes nothing. */
export async function withdrawLink(db: Database, actor: LinkActor, id: string, secret: string, at: Date): Promise<LinkResult<{ ok: true }>> {
  return db.transaction(async (tx) => {
    const row = await managed(tx, id, secret)
    if (!row) return NOT_FOUND
    if (row.withdrawn_at !== null) return { ok: true, status: 200, value: { ok: true } }
    await tx.query('UPDATE resident_links SET body = NULL, withdrawn_at = $2, updated_at = $2 WHERE id = $1', [id, at])
    await purgeExpired(tx, at)
    await audit(tx, { actorId: actor.userId, organisationId: actor.organisationId, action: 'resident-link-withdraw', entity: 'resident-link', entityId: row.id })
    return { ok: true, status: 200, value: { ok: true } }
  })
}

/**
 * The sealed plan for anyone with the link id: 410 once withdrawn or past its last day (the body is
 * then emptied). Nothing about the reader is written anywhere.
 */
export async function readLink(db: Database, id: string, at: Date): Promise<LinkResult<ResidentPlanAnswer>> {
  const row = (await db.query<Row>(`SELECT ${COLUMNS} FROM resident_links WHERE id = $1`, [id])).rows[0]
  if (!row) return NOT_FOUND
  if (row.withdrawn_at !== null) return WITHDRAWN
  if (regionDate(at) > row.expires_on || row.body === null) {
    // Only while it is still past its last day: a renewal that came in meanwhile stays.
    if (row.body !== null) await db.query('UPDATE resident_links SET body = NULL WHERE id = $1 AND body IS NOT NULL AND expires_on < $2', [id, regionDate(at)])
    return EXPIRED
  }
  return { ok: true, status: 200, value: { body: row.body, updatedAt: new Date(row.updated_at).toISOString() } }
}
