/**
 * User keys on their way between one person's devices (docs/case-sync.md, "Server"): a box sealed
 * (sealed v2, src/shared/crypto/sealed.ts) by one of the user's certified devices to exactly one
 * other certified device of the same user. The server cannot open it; it checks who sealed it and
 * for whom, keeps the first box per (user, key, device), and audits each new one.
 */
import type { UserKeyBox } from '../../shared/api/caseSync'
import { audit } from '../auth/audit'
import type { Database, Queryable } from '../db/types'

/** Stores a box; false when one for this user, key and device was there already (kept as it was). */
export async function storeUserKeyBox(db: Database, userId: string, organisationId: string, b: UserKeyBox, at: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query(
      'INSERT INTO user_key_boxes (user_id, key_id, device_id, box, created_at) VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT DO NOTHING RETURNING key_id',
      [userId, b.keyId, b.deviceId, JSON.stringify(b.box), at],
    )
    if (rows.length) await audit(tx, { actorId: userId, organisationId, action: 'seal-user-key', entity: 'device', entityId: b.deviceId })
    return rows.length > 0
  })
}

/** The boxes sealed to a device of the user. */
export async function userKeyBoxesOf(db: Queryable, userId: string, deviceId: string): Promise<UserKeyBox[]> {
  const { rows } = await db.query<{ key_id: string; device_id: string; box: UserKeyBox['box'] }>(
    'SELECT key_id, device_id, box FROM user_key_boxes WHERE user_id = $1 AND device_id = $2 ORDER BY created_at, key_id',
    [userId, deviceId],
  )
  return rows.map((r) => ({ keyId: r.key_id, deviceId: r.device_id, box: r.box }))
}
