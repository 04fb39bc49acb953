/**
 * A professional registers their phone's public key; the organisation's beheerder approves it.
 * The phone asks its status at every contact: a revoked device is told to wipe its data.
 */
import { randomUUID } from 'node:crypto'
import { Hono } from 'hono'
import { deviceRegistrationSchema } from '../../shared/devices/deviceTrust'
import { audit } from '../auth/audit'
import { currentUser, requireUser, type AppEnv } from '../auth/middleware'
import type { Database } from '../db/database'
import { body } from './auth'
import { isUuid } from './readJson'


export function deviceRoutes(db: Database) {
  const app = new Hono<AppEnv>()
  app.use('*', requireUser())

  app.post('/', async (c) => {
    const b = await body(c, deviceRegistrationSchema)
    if (!b.ok) return b.response
    const user = currentUser(c)
    if (!user.memberships.some((m) => m.organisationId === b.value.organisationId)) {
      return c.json({ error: 'You are not a member of that organisation.', code: 'forbidden' }, 403)
    }
    const id = randomUUID()
    await db.query('INSERT INTO devices (id, user_id, organisation_id, name, public_key) VALUES ($1, $2, $3, $4, $5::jsonb)', [
      id,
      user.userId,
      b.value.organisationId,
      b.value.name,
      JSON.stringify(b.value.publicKey),
    ])
    await audit(db, { actorId: user.userId, organisationId: b.value.organisationId, action: 'register', entity: 'device', entityId: id })
    return c.json({ id, status: 'pending' }, 201)
  })

  app.get('/', async (c) => {
    const { rows } = await db.query<{ id: string; name: string; status: string; organisation_id: string }>(
      'SELECT id, name, status, organisation_id FROM devices WHERE user_id = $1 ORDER BY created_at DESC',
      [currentUser(c).userId],
    )
    return c.json({ devices: rows.map((r) => ({ id: r.id, name: r.name, status: r.status, organisationId: r.organisation_id })) })
  })

  app.get('/:id', async (c) => {
    const id = c.req.param('id')
    const { rows } = isUuid(id)
      ? await db.query<{ status: string }>('SELECT status FROM devices WHERE id = $1 AND user_id = $2', [id, currentUser(c).userId])
      : { rows: [] }
    if (!rows.length) return c.json({ error: 'No such device of yours.' }, 404)
    const status = rows[0]!.status
    return c.json({ id, status, wipe: status === 'revoked' })
  })

  return app
}
