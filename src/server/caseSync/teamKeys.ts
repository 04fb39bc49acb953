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

/** Whether the user is a sociaal-werker of the organisation. */
export async function isSocialWorkerOf(db: Queryable, userId: string, organisationId: string): Promise<boolean> {
  const { rows } = await db.query("SELECT 1 FROM memberships WHERE user_id = $1 AND organisation_id = $2 AND role = 'sociaal-werker'", [userId, organisationId])
  return rows.length > 0
}

/** The other sociaal-werkers of the organisation, their exchange keys and certified devices, and the organisation's chain. */
export async function colleaguesOf(db: Queryable, organisationId: string, selfId: string): Promise<Colleagues> {
  const { rows } = await db.query<{ id: string; name: string; body: unknown }>(
    `SELECT u.id, u.name, x.body FROM users u
     JOIN memberships m ON m.user_id = u.id AND m.organisation_id = $1 AND m.role = 'sociaal-werker'
     LEFT JOIN user_exchange_keys x ON x.user_id = u.id
     WHERE u.id <> $2 ORDER BY u.name, u.id`,
    [organisationId, selfId],
  )
  const chains = await chainsOf(db, [organisationId])
  const devices = rows.length ? await certifiedDevices(db, 'd.organisation_id = $1 AND d.user_id = ANY($2::uuid[])', [organisationId, rows.map((r) => r.id)], chains) : []
  return {
    colleagues: rows.map((r) => ({ userId: r.id, name: r.name, exchangeKey: r.body ?? null, devices: devices.filter((d) => d.userId === r.id).map((d) => d.certificate) })),
    chains,
  }
}
