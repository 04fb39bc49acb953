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
import { certificateMismatch, certifiedDevices, chainsOf } from '../auth/certificates'
import { describeIssues } from '../../shared/core/zodIssues'
import { problem } from '../http/problem'
import { reply } from '../http/reply'
import { body, isUuid, readJson } from '../http/request'
import { deviceOfMember, devicesOfOrganisation, hasOrganisationKey, revokeDevice, storeApproval, storeOrganisationKey } from '../devices/repository'
import { auditLogOf, memberOf, membersOf, openInvitations, organisationOf, removeMember, signOutMember, withdrawInvitation } from '../organisations/repository'

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
    const rows = await membersOf(db, c.req.param('orgId'))
    const org = await organisationOf(db, c.req.param('orgId'))
    return reply(c, 'GET /api/orgs/:orgId/members', {
      organisationName: org?.name ?? null,
      members: rows.map((r) => ({ id: r.id, email: r.email, name: r.name, role: r.role, locked: r.locked, totpEnabled: r.totp_enabled, isHome: r.is_home })),
    })
  })

  /** An invitation link: the same answer whether or not the address has an account somewhere. */
  app.post('/:orgId/invitations', async (c) => {
    const b = await body(c, invitationSchema)
    if (!b.ok) return b.response
    const orgId = c.req.param('orgId')
    if (isRegionRole(b.value.role) && !(await organisationOf(db, orgId))?.is_region) {
      return problem(c, 403, 'region-role', `The role ${b.value.role} reaches across the region: only the region's organisation holds it.`)
    }
    const link = await createLink(db, { kind: 'invitation', organisationId: orgId, email: b.value.email, name: b.value.name, role: b.value.role }, currentUser(c).userId, now())
    return reply(c, 'POST /api/orgs/:orgId/invitations', link, 201)
  })

  app.get('/:orgId/invitations', async (c) => {
    const rows = await openInvitations(db, c.req.param('orgId'), now())
    return reply(c, 'GET /api/orgs/:orgId/invitations', { invitations: rows.map((r) => ({ id: r.id, email: r.email, name: r.name, role: r.role, createdAt: new Date(r.created_at).toISOString(), expiresAt: new Date(r.expires_at).toISOString() })) })
  })

  app.delete('/:orgId/invitations/:id', async (c) => {
    const id = c.req.param('id')
    const withdrawn = isUuid(id) && (await withdrawInvitation(db, c.req.param('orgId'), id, currentUser(c).userId, now()))
    if (!withdrawn) return problem(c, 404, 'not-found', 'No open invitation with this id.')
    return reply(c, 'DELETE /api/orgs/:orgId/invitations/:id', { ok: true })
  })

  /** A member of this organisation, or a 404 that says nothing about people elsewhere. */
  async function member(c: Context<AppEnv>) {
    const userId = c.req.param('userId')
    const orgId = c.req.param('orgId')!
    if (!userId || !isUuid(userId)) return null
    const r = await memberOf(db, orgId, userId)
    return r ? { userId, email: r.email, isHome: r.home_organisation_id === orgId, elsewhere: r.elsewhere } : null
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
    const result = await removeMember(db, orgId, m.userId, actor, now())
    if (!result) return problem(c, 409, 'last-beheerder', 'This is the last beheerder of the organisation: add another one first.')
    return reply(c, 'DELETE /api/orgs/:orgId/members/:userId', { ok: true })
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
    return reply(c, 'POST /api/orgs/:orgId/members/:userId/lock', { ok: true })
  })

  app.post('/:orgId/members/:userId/unlock', async (c) => {
    const m = await member(c)
    if (!m) return notMember(c)
    if (!homeOrRegion(c, m)) return notHome(c)
    await unlockUser(db, m.userId, guard.accountKey(keys, m.email), currentUser(c).userId, c.req.param('orgId'), now())
    return reply(c, 'POST /api/orgs/:orgId/members/:userId/unlock', { ok: true })
  })

  app.post('/:orgId/members/:userId/sign-out', async (c) => {
    const m = await member(c)
    if (!m) return notMember(c)
    if (!homeOrRegion(c, m)) return notHome(c)
    return reply(c, 'POST /api/orgs/:orgId/members/:userId/sign-out', { ended: await signOutMember(db, c.req.param('orgId'), m.userId, currentUser(c).userId) })
  })

  for (const kind of ['password-reset', 'totp-reset'] as const) {
    app.post(`/:orgId/members/:userId/${kind}`, async (c) => {
      const m = await member(c)
      if (!m) return notMember(c)
      if (!homeOrRegion(c, m)) return notHome(c)
      const link = await createLink(db, { kind, organisationId: c.req.param('orgId'), email: m.email, userId: m.userId }, currentUser(c).userId, now())
      return reply(c, kind === 'password-reset' ? 'POST /api/orgs/:orgId/members/:userId/password-reset' : 'POST /api/orgs/:orgId/members/:userId/totp-reset', link, 201)
    })
  }

  app.get('/:orgId/devices', async (c) => {
    const rows = await devicesOfOrganisation(db, c.req.param('orgId'))
    const valid = new Set((await certifiedDevices(db, 'd.organisation_id = $1', [c.req.param('orgId')])).map((d) => d.deviceId))
    return reply(c, 'GET /api/orgs/:orgId/devices', {
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
      await storeApproval(tx, deviceId, cert, actor)
      await audit(tx, { actorId: actor, organisationId: orgId, action: 'approve', entity: 'device', entityId: deviceId })
      return null
    })
    if (result) {
      const { status, code, error, ...extra } = result
      return problem(c, status, code, error, extra)
    }
    return reply(c, 'POST /api/orgs/:orgId/devices/:deviceId/approve', { id: deviceId, status: 'approved' })
  })

  app.post('/:orgId/devices/:deviceId/revoke', async (c) => {
    const orgId = c.req.param('orgId')
    const deviceId = c.req.param('deviceId')
    if (!isUuid(deviceId)) return problem(c, 404, 'not-found', 'No such device.')
    const actor = currentUser(c).userId
    // Only a device of a current member of this organisation.
    const done = await revokeDevice(db, orgId, deviceId, actor)
    if (!done) return problem(c, 409, 'conflict', 'This device cannot be revoked (unknown, or already decided).')
    return reply(c, 'POST /api/orgs/:orgId/devices/:deviceId/revoke', { id: deviceId, status: 'revoked', endedSessions: done.ended })
  })

  /** The organisation's chain (its key and beheerder certificates), or null before a key was set. */
  app.get('/:orgId/chain', async (c) => {
    const orgId = c.req.param('orgId')
    return reply(c, 'GET /api/orgs/:orgId/chain', { chain: (await chainsOf(db, [orgId]))[orgId] ?? null })
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
    if (await hasOrganisationKey(db, orgId)) return problem(c, 409, 'key-exists', 'This organisation already has a key; it cannot be replaced here.')
    if (!user.device || user.device.organisationId !== orgId || user.device.status === 'revoked') {
      return problem(c, 403, 'device-required', 'Set the organisation key on your own phone, registered in this organisation.')
    }
    if (cert.kind !== 'beheerder' || cert.issuer.kind !== 'organisation' || cert.deviceId !== user.device.id) {
      return problem(c, 400, 'certificate-mismatch', 'Send the beheerder certificate the new key issued for this phone.')
    }
    const deviceId = user.device.id
    const result = await db.transaction(async (tx) => {
      const keySet = await hasOrganisationKey(tx, orgId, true)
      if (keySet === undefined) return { status: 404 as const, code: 'not-found', error: 'Unknown organisation.' }
      if (keySet) return { status: 409 as const, code: 'key-exists', error: 'This organisation already has a key; it cannot be replaced here.' }
      const device = await deviceOfMember(tx, orgId, deviceId)
      if (!device || device.status === 'revoked') return { status: 403 as const, code: 'device-required', error: 'This phone is not registered in this organisation.' }
      const mismatch = certificateMismatch(cert, device, device.roles)
      if (mismatch) return { status: 400 as const, ...mismatch }
      const check = await verifyDeviceCertificate(cert, { organisationId: orgId, organisationKey, beheerders: [] }, null)
      if (!check.ok) return { status: 400 as const, code: 'bad-certificate', reason: check.reason, error: `The certificate is not signed by this key (${check.reason}).` }
      await storeOrganisationKey(tx, orgId, organisationKey)
      await storeApproval(tx, deviceId, cert, user.userId)
      await audit(tx, { actorId: user.userId, organisationId: orgId, action: 'set-organisation-key', entity: 'organisation', entityId: orgId })
      await audit(tx, { actorId: user.userId, organisationId: orgId, action: 'approve', entity: 'device', entityId: deviceId })
      return { status: 200 as const, fingerprint: check.fingerprint }
    })
    if (result.status !== 200) {
      const { status, code, error, ...extra } = result
      return problem(c, status, code, error, extra)
    }
    return reply(c, 'PUT /api/orgs/:orgId/organisation-key', { ok: true, fingerprint: result.fingerprint })
  })

  /** NEN 7513 for the organisation: what was done in its name, not what its members did elsewhere. */
  app.get('/:orgId/audit', async (c) => {
    const orgId = c.req.param('orgId')
    const rows = await auditLogOf(db, orgId, currentUser(c).userId)
    const entries = rows.map((r) => ({ id: r.id, at: new Date(r.at).toISOString(), actorId: r.actor_id, action: r.action, entity: r.entity, entityId: r.entity_id }))
    if (c.req.query('format') === 'csv') {
      const csv = ['id,at,actor_id,action,entity,entity_id', ...entries.map((e) => [e.id, e.at, e.actorId ?? '', e.action, e.entity, e.entityId ?? ''].join(','))].join('\n')
      return c.body(csv + '\n', 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="audit-log.csv"' })
    }
    return reply(c, 'GET /api/orgs/:orgId/audit', { entries })
  })

  return app
}
