/** An organisation's beheerder: its people, their devices, unlocking accounts, and the audit log. */
import { Hono } from 'hono'
import { newUserSchema } from '../../shared/accounts/schemas'
import { AccountError, addMember, unlockUser } from '../auth/accounts'
import { audit } from '../auth/audit'
import { currentUser, requireRole, requireUser, type AppEnv } from '../auth/middleware'
import type { Database } from '../db/database'
import { body } from './auth'
import { isUuid } from './readJson'


export function organisationRoutes(db: Database) {
  const app = new Hono<AppEnv>()
  app.use('/:orgId/*', requireUser(), async (c, next) => {
    if (!isUuid(c.req.param('orgId'))) return c.json({ error: 'Unknown organisation.' }, 404)
    await next()
  })
  app.use('/:orgId/*', requireRole('beheerder', 'orgId'))

  app.get('/:orgId/members', async (c) => {
    const { rows } = await db.query<{ id: string; email: string; name: string; role: string; locked: boolean; totp_enabled: boolean }>(
      `SELECT u.id, u.email, u.name, m.role, u.locked_at IS NOT NULL AS locked, u.totp_enabled
       FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.organisation_id = $1 ORDER BY u.name, m.role`,
      [c.req.param('orgId')],
    )
    return c.json({ members: rows.map((r) => ({ id: r.id, email: r.email, name: r.name, role: r.role, locked: r.locked, totpEnabled: r.totp_enabled })) })
  })

  app.post('/:orgId/members', async (c) => {
    const b = await body(c, newUserSchema)
    if (!b.ok) return b.response
    try {
      const result = await db.transaction((tx) => addMember(tx, b.value, c.req.param('orgId'), b.value.role, currentUser(c).userId))
      return c.json(result, result.created ? 201 : 200)
    } catch (e) {
      if (e instanceof AccountError) return c.json({ error: e.message, code: e.code }, e.status)
      throw e
    }
  })

  app.post('/:orgId/members/:userId/unlock', async (c) => {
    const orgId = c.req.param('orgId')
    const userId = c.req.param('userId')
    const member = isUuid(userId) ? await db.query('SELECT 1 FROM memberships WHERE user_id = $1 AND organisation_id = $2', [userId, orgId]) : { rows: [] }
    if (!member.rows.length) return c.json({ error: 'No such member in this organisation.' }, 404)
    await unlockUser(db, userId, currentUser(c).userId, orgId)
    return c.json({ ok: true })
  })

  app.get('/:orgId/devices', async (c) => {
    const { rows } = await db.query<{ id: string; name: string; status: string; user_name: string; user_id: string; created_at: Date }>(
      `SELECT d.id, d.name, d.status, d.user_id, u.name AS user_name, d.created_at FROM devices d JOIN users u ON u.id = d.user_id
       WHERE d.organisation_id = $1 ORDER BY d.created_at DESC`,
      [c.req.param('orgId')],
    )
    return c.json({ devices: rows.map((r) => ({ id: r.id, name: r.name, status: r.status, userId: r.user_id, userName: r.user_name, createdAt: new Date(r.created_at).toISOString() })) })
  })

  for (const [action, status] of [['approve', 'approved'], ['revoke', 'revoked']] as const) {
    app.post(`/:orgId/devices/:deviceId/${action}`, async (c) => {
      const orgId = c.req.param('orgId')
      const deviceId = c.req.param('deviceId')
      if (!isUuid(deviceId)) return c.json({ error: 'No such device.' }, 404)
      const actor = currentUser(c).userId
      // A revoked device stays revoked: approving it again would hand it data meant for others.
      const from = action === 'approve' ? ['pending'] : ['pending', 'approved']
      const { rows } = await db.query(
        `UPDATE devices SET status = $3, decided_by = $4, decided_at = now() WHERE id = $1 AND organisation_id = $2 AND status = ANY($5::text[]) RETURNING id`,
        [deviceId, orgId, status, actor, from],
      )
      if (!rows.length) return c.json({ error: `This device cannot be ${status} (unknown, or already decided).` }, 409)
      await audit(db, { actorId: actor, organisationId: orgId, action, entity: 'device', entityId: deviceId })
      return c.json({ id: deviceId, status })
    })
  }

  app.get('/:orgId/audit', async (c) => {
    const orgId = c.req.param('orgId')
    const { rows } = await db.query<{ id: string; at: Date; actor_id: string | null; action: string; entity: string; entity_id: string | null }>(
      `SELECT id::text, at, actor_id, action, entity, entity_id FROM audit_log
       WHERE organisation_id = $1 OR actor_id IN (SELECT user_id FROM memberships WHERE organisation_id = $1)
       ORDER BY id DESC LIMIT 5000`,
      [orgId],
    )
    await audit(db, { actorId: currentUser(c).userId, organisationId: orgId, action: 'read-audit-log', entity: 'audit_log' })
    const entries = rows.map((r) => ({ id: r.id, at: new Date(r.at).toISOString(), actorId: r.actor_id, action: r.action, entity: r.entity, entityId: r.entity_id }))
    if (c.req.query('format') === 'csv') {
      const csv = ['id,at,actor_id,action,entity,entity_id', ...entries.map((e) => [e.id, e.at, e.actorId ?? '', e.action, e.entity, e.entityId ?? ''].join(','))].join('\n')
      return c.body(csv + '\n', 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="audit-log.csv"' })
    }
    return c.json({ entries })
  })

  return app
}
