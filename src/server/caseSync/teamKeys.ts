/**
 * Exchange keys and colleagues (docs/case-sync.md "The team"; src/shared/caseSync/exchange.ts).
 * The server stores a worker's exchange key as it comes (the private half under the worker's user
 * key, which it cannot open) after checking that the session's own certified device signed it, and
 * lists the sociaal-werkers of an organisation with their exchange keys, certified devices and the
 * chain: the lead's phone checks all of it again before it seals a case key to anyone.
 */
import { exchangeKeySchema, exchangeKeyVerifies, type ExchangeKey } from '../../shared/caseSync/exchange'
import type { Colleagues } from '../../shared/api/caseTeam'
import { certifiedDevices, chainsOf } from '../auth/certificates'
import type { Database, Queryable } from '../db/types'
import type { Actor } from './access'
import { ACTING_ON_ITS_DEVICE } from './documents'

export type TeamResult<T> = { ok: true; status: 200 | 201; value: T } | { ok: false; status: 400 | 403 | 404 | 409; code: string; error: string }
export const teamRefusal = (status: 400 | 403 | 404 | 409, code: string, error: string): TeamResult<never> => ({ ok: false, status, code, error })
export const NOT_FOUND = teamRefusal(404, 'not-found', 'No such case for you.')

/** The certified signing key of a device (null: none, or not approved). */
export async function certifiedSigningKey(db: Queryable, deviceId: string): Promise<unknown> {
  const [d] = await certifiedDevices(db, 'd.id = $1', [deviceId])
  return d?.certificate.signingKey ?? null
}

/** The worker's exchange key, as stored (null: none yet). */
export async function exchangeKeyOf(db: Queryable, userId: string): Promise<ExchangeKey | null> {
  const { rows } = await db.query<{ body: unknown }>('SELECT body FROM user_exchange_keys WHERE user_id = $1', [userId])
  return rows[0] ? (exchangeKeySchema.safeParse(rows[0].body).data ?? null) : null
}

/** Stores the worker's first exchange key; the same again is a duplicate, another one 409 `exists`. */
export async function storeExchangeKey(db: Database, actor: Actor, k: ExchangeKey, at: Date): Promise<TeamResult<{ duplicate: boolean }>> {
  if (k.userId !== actor.userId) return teamRefusal(403, 'wrong-person', 'An exchange key is stored only by its own person.')
  if (k.deviceId !== actor.deviceId) return teamRefusal(403, 'wrong-sender', 'It must be signed by the device this session runs on.')
  const key = await certifiedSigningKey(db, actor.deviceId)
  if (!key) return teamRefusal(403, 'device-not-certified', 'This device has no valid certificate: ask your beheerder to approve it again.')
  if (!(await exchangeKeyVerifies(k, key))) return teamRefusal(403, 'bad-signature', "The signature does not verify with this device's certified key.")
  return db.transaction(async (tx) => {
    const made = await tx.query('INSERT INTO user_exchange_keys (key_id, user_id, device_id, body, created_at) VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT DO NOTHING RETURNING key_id', [
      k.keyId,
      k.userId,
      k.deviceId,
      JSON.stringify(k),
      at,
    ])
    if (made.rows.length) return { ok: true, status: 201, value: { duplicate: false } }
    const had = await exchangeKeyOf(tx, actor.userId)
    if (had && JSON.stringify(had) === JSON.stringify(exchangeKeySchema.parse(k))) return { ok: true, status: 200, value: { duplicate: true } }
    return teamRefusal(409, 'exists', 'This worker has an exchange key already: use that one.')
  })
}

/**
 * The people whose devices this worker's phone must know: the other sociaal-werkers of the
 * organisation; members of other organisations on a case this worker is on (so every member's
 * phone checks their signatures); and people of other organisations who accepted an invitation to
 * a case this worker leads (docs/case-sync.md "Another organisation"). Each with the organisation
 * they act for, their exchange key and certified devices there, and every such organisation's chain.
 */
export async function colleaguesOf(db: Queryable, organisationId: string, selfId: string): Promise<Colleagues> {
  const { rows } = await db.query<{ id: string; name: string; body: unknown; organisation_id: string; organisation_name: string }>(
    `WITH people AS (
       SELECT ms.user_id, ms.organisation_id, 0 AS rank FROM memberships ms WHERE ms.organisation_id = $1 AND ms.role = 'sociaal-werker'
       UNION
       SELECT other.user_id, other.organisation_id, 1 FROM sync_members m
       JOIN sync_members other ON other.document_id = m.document_id AND other.organisation_id <> $1
       WHERE m.user_id = $2 AND ${ACTING_ON_ITS_DEVICE('$1')}
       UNION
       SELECT i.invitee_id, i.organisation_id, 1 FROM sync_members m
       JOIN case_invitations i ON i.document_id = m.document_id AND i.accepted_at IS NOT NULL AND i.organisation_id <> $1
       WHERE m.user_id = $2 AND m.role = 'lead' AND ${ACTING_ON_ITS_DEVICE('$1')}
     )
     SELECT DISTINCT ON (u.id) u.id, u.name, x.body, p.organisation_id, o.name AS organisation_name
     FROM people p JOIN users u ON u.id = p.user_id JOIN organisations o ON o.id = p.organisation_id
     LEFT JOIN user_exchange_keys x ON x.user_id = u.id
     WHERE u.id <> $2 AND EXISTS (SELECT 1 FROM memberships w WHERE w.user_id = p.user_id AND w.organisation_id = p.organisation_id AND w.role = 'sociaal-werker')
     ORDER BY u.id, p.rank`,
    [organisationId, selfId],
  )
  rows.sort((a, b) => Number(a.organisation_id !== organisationId) - Number(b.organisation_id !== organisationId) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
  const organisations = [organisationId, ...new Set(rows.map((r) => r.organisation_id).filter((o) => o !== organisationId))]
  const chains = await chainsOf(db, organisations)
  // Per person, the cases this worker leads that they accepted an invitation to (the picker offers them only there).
  const { rows: accepted } = await db.query<{ invitee_id: string; document_id: string }>(
    `SELECT i.invitee_id, i.document_id FROM case_invitations i
     JOIN sync_members m ON m.document_id = i.document_id AND m.user_id = $2 AND m.role = 'lead'
     WHERE i.accepted_at IS NOT NULL AND ${ACTING_ON_ITS_DEVICE('$1')} ORDER BY i.invitee_id, i.document_id`,
    [organisationId, selfId],
  )
  const acceptedFor = new Map<string, string[]>()
  for (const a of accepted) acceptedFor.set(a.invitee_id, [...(acceptedFor.get(a.invitee_id) ?? []), a.document_id])
  const devices = rows.length
    ? await certifiedDevices(
        db,
        '(d.user_id, d.organisation_id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))',
        [rows.map((r) => r.id), rows.map((r) => r.organisation_id)],
        chains,
      )
    : []
  return {
    colleagues: rows.map((r) => ({
      userId: r.id,
      name: r.name,
      exchangeKey: r.body ?? null,
      devices: devices.filter((d) => d.userId === r.id && d.organisationId === r.organisation_id).map((d) => d.certificate),
      organisationId: r.organisation_id,
      organisationName: r.organisation_name,
      ...(acceptedFor.has(r.id) ? { acceptedFor: acceptedFor.get(r.id)! } : {}),
    })),
    chains,
  }
}
