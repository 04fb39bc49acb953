/**
 * An organisation's beheerder: its people (by invitation), their devices, offboarding, and the
 * organisation's own audit log. Locking, unlocking and resets of an account belong to the
 * organisation that made it (its home) or to the region's beheerder (docs/security.md).
 */
import { Hono, type Context } from 'hono'
import { invitationSchema } from '../../shared/accounts/schemas'
import { isRegionRole } from '../../shared/accounts/roles'
import { lockUser, unlockUser } from '../auth/accounts'
import { audit } from '../auth/audit'
import { createLink } from '../auth/links'
import { currentUser, isRegionBeheerder, requireUser, type AppEnv } from '../auth/middleware'
import type { AuthDeps } from './auth'
import { approveDeviceRequestSchema, organisationKeyRequestSchema, verifyDeviceCertificate } from '../../shared/devices/certificates'
import { certificateMismatch, certifiedDevices, chainsOf, type DeviceRow } from '../auth/certificates'
import type { Queryable } from '../db/types'
import { describeIssues } from '../../shared/core/zodIssues'
import { problem } from '../http/problem'
import { body, isUuid, readJson } from '../http/request'

export function organisationRoutes({ db, guard, keys }: AuthDeps) {
  const app = new Hono<AppEnv>()
  app.use('/:orgId/*', requireUser(), async (c, next) => {
    if (!isUuid(c.req.param('orgId'))) return problem(c, 404, 'not-found', 'Unknown organisation.')
    await next()
  })
  // The organisation's own beheerder; the region's beheerder only sees members and locks,
  // unlocks, signs out or resets accounts (the home-or-region rule), nothing else.
  app.use('/:orgId/*', async (c, next) => {
    const user = currentUser(c)
    const own = user.memberships.some((m) => m.role === 'beheerder' && m.organisationId === c.req.param('orgId'))
    const path = c.req.path
    const region = isRegionBeheerder(user) && (c.req.method === 'GET' ? /\/members$/.test(path) : /\/members\/[^/]+\/(lock|unlock|sign-out|password-reset|totp-reset)$/.test(path))
    if (!own && !region) return problem(c, 403, 'forbidden', 'You do not have the role this needs.')
    await next()
  })
  const now = () => new Date(guard.now())

  app.get('/:orgId/members', async (c) => {
    const { rows } = await db.query<{ id: string; email: string; name: string; role: string; locked: boolean; totp_enabled: boolean; is_home: boolean }>(
      `SELECT u.id, u.email, u.name, m.role, u.locked_at IS NOT NULL AS locked, u.totp_enabled, u.home_organisation_id IS NOT DISTINCT FROM m.organisation_id AS is_home
       FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.organisation_id = $1 ORDER BY u.name, m.role`,
      [c.req.param('orgId')],
    )
    const org = await db.query<{ name: string }>('SELECT name FROM organisations WHERE id = $1', [c.req.param('orgId')])
    return c.json({
      organisationName: org.rows[0]?.name ?? null,
      members: rows.map((r) => ({ id: r.id, email: r.email, name: r.name, role: r.role, locked: r.locked, totpEnabled: r.totp_enabled, isHome: r.is_home })),
    })
  })

  /** An invitation link: the same answer whether or not the address has an account somewhere. */
  app.post('/:orgId/invitations', async (c) => {
    const b = await body(c, invitationSchema)
    if (!b.ok) return b.response
    const orgId = c.req.param('orgId')
    const org = await db.query<{ is_region: boolean }>('SELECT is_region FROM organisations WHERE id = $1', [orgId])
    if (isRegionRole(b.value.role) && !org.rows[0]?.is_region) {
      return problem(c, 403, 'region-role', `The role ${b.value.role} reaches across the region: only the region's organisation holds it.`)
    }
    const link = await createLink(db, { kind: 'invitation', organisationId: orgId, email: b.value.email, name: b.value.name, role: b.value.role }, currentUser(c).userId, now())
    return c.json(link, 201)
  })

  app.get('/:orgId/invitations', async (c) => {
    const { rows } = await db.query<{ id: string; email: string; name: string | null; role: string; created_at: Date; expires_at: Date }>(
      `SELECT id, email, name, role, created_at, expires_at FROM account_links
       WHERE organisation_id = $1 AND kind = 'invitation' AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2 ORDER BY created_at DESC`,
      [c.req.param('orgId'), now()],
    )
    return c.json({ invitations: rows.map((r) => ({ id: r.id, email: r.email, name: r.name, role: r.role, createdAt: new Date(r.created_at).toISOString(), expiresAt: new Date(r.expires_at).toISOString() })) })
  })

  app.delete('/:orgId/invitations/:id', async (c) => {
    const id = c.req.param('id')
    const { rows } = isUuid(id)
      ? await db.query(`UPDATE account_links SET revoked_at = $3 WHERE id = $1 AND organisation_id = $2 AND kind = 'invitation' AND used_at IS NULL AND revoked_at IS NULL RETURNING id`, [id, c.req.param('orgId'), now()])
      : { rows: [] }
    if (!rows.length) return problem(c, 404, 'not-found', 'No open invitation with this id.')
    await audit(db, { actorId: currentUser(c).userId, organisationId: c.req.param('orgId'), action: 'withdraw-invitation', entity: 'account_link', entityId: id })
    return c.json({ ok: true })
  })

  /** A member of this organisation, or a 404 that says nothing about people elsewhere. */
  async function member(c: Context<AppEnv>) {
    const userId = c.req.param('userId')
    if (!userId || !isUuid(userId)) return null
    const { rows } = await db.query<{ email: string; home_organisation_id: string | null; elsewhere: boolean }>(
      `SELECT u.email, u.home_organisation_id,
              EXISTS (SELECT 1 FROM memberships o WHERE o.user_id = u.id AND o.organisation_id <> $2) AS elsewhere
       FROM users u WHERE u.id = $1 AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.organisation_id = $2)`,
      [userId, c.req.param('orgId')],
    )
    const r = rows[0]
    return r ? { userId, email: r.email, isHome: r.home_organisation_id === c.req.param('orgId'), elsewhere: r.elsewhere } : null
  }
  const notMember = (c: Context) => problem(c, 404, 'not-found', 'No such member in this organisation.')
  const notHome = (c: Context) =>
    problem(c, 403, 'not-home-organisation', 'Only the organisation that made this account, or the region, may do this.')

  /** Offboarding: the person leaves this organisation; their devices here are revoked and their sessions end. */
  app.delete('/:orgId/members/:userId', async (c) => {
    const m = await member(c)
    if (!m) return notMember(c)
    const orgId = c.req.param('orgId')
    const actor = currentUser(c).userId
    const result = await db.transaction(async (tx) => {
      // One removal at a time per organisation: two beheerders removing each other at once must not leave none.
      await tx.query('SELECT 1 FROM organisations WHERE id = $1 FOR UPDATE', [orgId])
      const others = await tx.query<{ n: number }>(`SELECT count(DISTINCT user_id)::int AS n FROM memberships WHERE organisation_id = $1 AND role = 'beheerder' AND user_id <> $2`, [orgId, m.userId])
      const isBeheerder = await tx.query(`SELECT 1 FROM memberships WHERE organisation_id = $1 AND role = 'beheerder' AND user_id = $2`, [orgId, m.userId])
      if (isBeheerder.rows.length && others.rows[0]!.n === 0) return false
      await tx.query('DELETE FROM memberships WHERE user_id = $1 AND organisation_id = $2', [m.userId, orgId])
      await tx.query(`UPDATE devices SET status = 'revoked', decided_by = $3, decided_at = now() WHERE user_id = $1 AND organisation_id = $2 AND status <> 'revoked'`, [m.userId, orgId, actor])
      // Every session of theirs ends, those bound to the revoked devices among them (docs/device-trust.md).
      await tx.query('DELETE FROM sessions WHERE user_id = $1', [m.userId])
      // Links they made here (a beheerder's invitation to their own private address) or that were made for them die too.
      await tx.query(
        `UPDATE account_links SET revoked_at = $3 WHERE organisation_id = $1 AND used_at IS NULL AND revoked_at IS NULL AND (user_id = $2 OR created_by = $2)`,
        [orgId, m.userId, now()],
      )
      await audit(tx, { actorId: actor, organisationId: orgId, action: 'remove-member', entity: 'user', entityId: m.userId })
      return true
    })
    if (!result) return problem(c, 409, 'last-beheerder', 'This is the last beheerder of the organisation: add another one first.')
    return c.json({ ok: true })
  })

  /**
   * The home organisation may lock, unlock, sign out or reset only someone who belongs to it
   * alone: a person who also works elsewhere (in the region, say) is the region's to reset, or
   * one organisation's beheerder could take over an account that holds powers elsewhere.
   */
  const homeOrRegion = (c: Context<AppEnv>, m: { isHome: boolean; elsewhere: boolean }) => (m.isHome && !m.elsewhere) || isRegionBeheerder(currentUser(c))

  app.post('/:orgId/members/:userId/lock', async (c) => {
    const m = await member(c)
    if (!m) return notMember(c)
    if (!homeOrRegion(c, m)) return notHome(c)
    if (m.userId === currentUser(c).userId) return problem(c, 409, 'self', 'You cannot lock yourself out.')
    await lockUser(db, m.userId, currentUser(c).userId, c.req.param('orgId'), now())
    return c.json({ ok: true })
  })

  app.post('/:orgId/members/:userId/unlock', async (c) => {
    const m = await member(c)
    if (!m) return notMember(c)
    if (!homeOrRegion(c, m)) return notHome(c)
    await unlockUser(db, m.userId, guard.accountKey(keys, m.email), currentUser(c).userId, c.req.param('orgId'), now())
    return c.json({ ok: true })
  })

  app.post('/:orgId/members/:userId/sign-out', async (c) => {
    const m = await member(c)
    if (!m) return notMember(c)
    if (!homeOrRegion(c, m)) return notHome(c)
    const { rows } = await db.query('DELETE FROM sessions WHERE user_id = $1 RETURNING token_hash', [m.userId])
    await audit(db, { actorId: currentUser(c).userId, organisationId: c.req.param('orgId'), action: 'force-sign-out', entity: 'user', entityId: m.userId })
    return c.json({ ended: rows.length })
  })

  for (const kind of ['password-reset', 'totp-reset'] as const) {
    app.post(`/:orgId/members/:userId/${kind}`, async (c) => {
      const m = await member(c)
      if (!m) return notMember(c)
      if (!homeOrRegion(c, m)) return notHome(c)
      const link = await createLink(db, { kind, organisationId: c.req.param('orgId'), email: m.email, userId: m.userId }, currentUser(c).userId, now())
      return c.json(link, 201)
    })
  }

  app.get('/:orgId/devices', async (c) => {
    const { rows } = await db.query<{ id: string; name: string; status: string; user_name: string; user_id: string; created_at: Date; last_contact_at: Date | null; public_key: unknown; signing_key: unknown; certificate: unknown; roles: string[] | null }>(
      `SELECT d.id, d.name, d.status, d.user_id, u.name AS user_name, d.created_at, d.last_contact_at, d.public_key, d.signing_key, d.certificate,
         (SELECT array_agg(m.role ORDER BY m.role) FROM memberships m WHERE m.user_id = d.user_id AND m.organisation_id = d.organisation_id) AS roles
       FROM devices d JOIN users u ON u.id = d.user_id
       WHERE d.organisation_id = $1 ORDER BY d.created_at DESC`,
      [c.req.param('orgId')],
    )
    const valid = new Set((await certifiedDevices(db, 'd.organisation_id = $1', [c.req.param('orgId')])).map((d) => d.deviceId))
    return c.json({
      devices: rows.map((r) => ({
        id: r.id,
        name: r.name,
        status: r.status,
        userId: r.user_id,
        userName: r.user_name,
        createdAt: new Date(r.created_at).toISOString(),
        /** When the device last proved itself (a status check or a binding; docs/device-trust.md). */
        lastContactAt: r.last_contact_at === null ? null : new Date(r.last_contact_at).toISOString(),
        /** The registered public keys and the member's roles here: what the beheerder's phone certifies (docs/device-trust.md, "Certificates"). */
        publicKey: r.public_key,
        signingKey: r.signing_key,
        roles: r.roles ?? [],
        /** The device's certificate once approved with one (null: pending, or approved before certificates). */
        certificate: r.certificate ?? null,
        /** Approved with a certificate that verifies in the current chain, for the member's current roles: it receives and may send. */
        certified: valid.has(r.id),
      })),
    })
  })

  /** The device row and the member's current roles here, when the device belongs to a current member of this organisation. */
  async function deviceOfMember(tx: Queryable, orgId: string, deviceId: string) {
    const { rows } = await tx.query<DeviceRow & { status: string; roles: string[] }>(
      `SELECT d.id, d.user_id, d.organisation_id, d.name, d.public_key, d.signing_key, d.status,
              (SELECT array_agg(m.role) FROM memberships m WHERE m.user_id = d.user_id AND m.organisation_id = d.organisation_id) AS roles
       FROM devices d WHERE d.id = $1 AND d.organisation_id = $2 FOR UPDATE`,
      [deviceId, orgId],
    )
    const r = rows[0]
    return r && r.roles ? r : null
  }

  /**
   * Approving a device needs the certificate the beheerder's phone signed for it (docs/device-trust.md,
   * "Certificates"): it must describe the device as registered, with the member's current roles, and
   * verify in this organisation's chain. An approved device may be certified again the same way: one
   * approved before certificates, one whose member's roles changed, or one whose certificate came
   * from a beheerder's phone that was since revoked (it no longer verifies, so it receives nothing).
   */
  app.post('/:orgId/devices/:deviceId/approve', async (c) => {
    const orgId = c.req.param('orgId')
    const deviceId = c.req.param('deviceId')
    if (!isUuid(deviceId)) return problem(c, 404, 'not-found', 'No such device.')
    const raw = await readJson(c)
    const given = raw.ok && typeof raw.value === 'object' && raw.value !== null && 'certificate' in raw.value
    if (!given) return problem(c, 400, 'certificate-required', "Approving a device needs the certificate your phone signs for it.")
    const parsed = approveDeviceRequestSchema.safeParse(raw.value)
    if (!parsed.success) return problem(c, 400, 'bad-certificate', `Invalid certificate: ${describeIssues(parsed.error)}`)
    const cert = parsed.data.certificate
    const actor = currentUser(c).userId
    const result = await db.transaction(async (tx) => {
      const device = await deviceOfMember(tx, orgId, deviceId)
      // A revoked device stays revoked: approving it again would hand it data meant for others.
      if (!device || !(device.status === 'pending' || device.status === 'approved')) {
        return { status: 409 as const, code: 'conflict', error: 'This device cannot be approved (unknown, or already decided).' }
      }
      const mismatch = certificateMismatch(cert, device, device.roles)
      if (mismatch) return { status: 400 as const, ...mismatch }
      const chain = (await chainsOf(tx, [orgId]))[orgId]
      if (!chain) return { status: 409 as const, code: 'no-organisation-key', error: 'This organisation has no organisation key yet: a beheerder sets it up on their phone first.' }
      const check = await verifyDeviceCertificate(cert, chain, null)
      if (!check.ok) return { status: 400 as const, code: 'bad-certificate', reason: check.reason, error: `The certificate does not verify in this organisation's chain (${check.reason}).` }
      await tx.query(`UPDATE devices SET status = 'approved', certificate = $2::jsonb, decided_by = $3, decided_at = now() WHERE id = $1`, [deviceId, JSON.stringify(cert), actor])
      await audit(tx, { actorId: actor, organisationId: orgId, action: 'approve', entity: 'device', entityId: deviceId })
      return null
    })
    if (result) {
      const { status, ...rest } = result
      return c.json(rest, status)
    }
    return c.json({ id: deviceId, status: 'approved' })
  })

  app.post('/:orgId/devices/:deviceId/revoke', async (c) => {
    const orgId = c.req.param('orgId')
    const deviceId = c.req.param('deviceId')
    if (!isUuid(deviceId)) return problem(c, 404, 'not-found', 'No such device.')
    const actor = currentUser(c).userId
    // Only a device of a current member of this organisation.
    const done = await db.transaction(async (tx) => {
      const { rows } = await tx.query(
        `UPDATE devices d SET status = 'revoked', decided_by = $3, decided_at = now() WHERE d.id = $1 AND d.organisation_id = $2 AND d.status IN ('pending', 'approved')
           AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = d.user_id AND m.organisation_id = $2) RETURNING d.id`,
        [deviceId, orgId, actor],
      )
      if (!rows.length) return null
      // Revoking ends every session that runs on the device (docs/device-trust.md).
      const ended = (await tx.query('DELETE FROM sessions WHERE device_id = $1 RETURNING token_hash', [deviceId])).rows.length
      await audit(tx, { actorId: actor, organisationId: orgId, action: 'revoke', entity: 'device', entityId: deviceId })
      return { ended }
    })
    if (!done) return problem(c, 409, 'conflict', 'This device cannot be revoked (unknown, or already decided).')
    return c.json({ id: deviceId, status: 'revoked', endedSessions: done.ended })
  })

  /** The organisation's chain (its key and beheerder certificates), or null before a key was set. */
  app.get('/:orgId/chain', async (c) => {
    const orgId = c.req.param('orgId')
    return c.json({ chain: (await chainsOf(db, [orgId]))[orgId] ?? null })
  })

  /**
   * Sets the organisation key, once (docs/device-trust.md, "Certificates"): a beheerder, on a session
   * bound to their own device here, sends the public key and the beheerder certificate it issued for
   * that device, which is approved with it. A replacement is not possible through the API: a lost
   * organisation key needs a region-side procedure.
   */
  app.put('/:orgId/organisation-key', async (c) => {
    const orgId = c.req.param('orgId')
    const user = currentUser(c)
    const b = await body(c, organisationKeyRequestSchema)
    if (!b.ok) return b.response
    const { organisationKey, certificate: cert } = b.value
    const existing = await db.query<{ set: boolean }>('SELECT organisation_key IS NOT NULL AS set FROM organisations WHERE id = $1', [orgId])
    if (existing.rows[0]?.set) return problem(c, 409, 'key-exists', 'This organisation already has a key; it cannot be replaced here.')
    if (!user.device || user.device.organisationId !== orgId || user.device.status === 'revoked') {
      return problem(c, 403, 'device-required', 'Set the organisation key on your own phone, registered in this organisation.')
    }
    if (cert.kind !== 'beheerder' || cert.issuer.kind !== 'organisation' || cert.deviceId !== user.device.id) {
      return problem(c, 400, 'certificate-mismatch', 'Send the beheerder certificate the new key issued for this phone.')
    }
    const deviceId = user.device.id
    const result = await db.transaction(async (tx) => {
      const org = await tx.query<{ organisation_key: unknown }>('SELECT organisation_key FROM organisations WHERE id = $1 FOR UPDATE', [orgId])
      if (!org.rows[0]) return { status: 404 as const, code: 'not-found', error: 'Unknown organisation.' }
      if (org.rows[0].organisation_key !== null) return { status: 409 as const, code: 'key-exists', error: 'This organisation already has a key; it cannot be replaced here.' }
      const device = await deviceOfMember(tx, orgId, deviceId)
      if (!device || device.status === 'revoked') return { status: 403 as const, code: 'device-required', error: 'This phone is not registered in this organisation.' }
      const mismatch = certificateMismatch(cert, device, device.roles)
      if (mismatch) return { status: 400 as const, ...mismatch }
      const check = await verifyDeviceCertificate(cert, { organisationId: orgId, organisationKey, beheerders: [] }, null)
      if (!check.ok) return { status: 400 as const, code: 'bad-certificate', reason: check.reason, error: `The certificate is not signed by this key (${check.reason}).` }
      const { kty, crv, x, y } = organisationKey
      await tx.query('UPDATE organisations SET organisation_key = $2::jsonb WHERE id = $1', [orgId, JSON.stringify({ kty, crv, x, y })])
      await tx.query(`UPDATE devices SET status = 'approved', certificate = $2::jsonb, decided_by = $3, decided_at = now() WHERE id = $1`, [deviceId, JSON.stringify(cert), user.userId])
      await audit(tx, { actorId: user.userId, organisationId: orgId, action: 'set-organisation-key', entity: 'organisation', entityId: orgId })
      await audit(tx, { actorId: user.userId, organisationId: orgId, action: 'approve', entity: 'device', entityId: deviceId })
      return { status: 200 as const, fingerprint: check.fingerprint }
    })
    if (result.status !== 200) {
      const { status, ...rest } = result
      return c.json(rest, status)
    }
    return c.json({ ok: true, fingerprint: result.fingerprint })
  })

  /** NEN 7513 for the organisation: what was done in its name, not what its members did elsewhere. */
  app.get('/:orgId/audit', async (c) => {
    const orgId = c.req.param('orgId')
    const { rows } = await db.query<{ id: string; at: Date; actor_id: string | null; action: string; entity: string; entity_id: string | null }>(
      `SELECT id::text, at, actor_id, action, entity, entity_id FROM audit_log WHERE organisation_id = $1 ORDER BY id DESC LIMIT 5000`,
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
