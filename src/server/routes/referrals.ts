/**
 * Closed-loop referrals (issue 5). The server routes sealed boxes between devices: it checks who
 * may send what to whom, keeps the order of the statuses and flags overdue first contacts, but
 * never sees a patient. Every box must be signed by the session's certified device and sealed to
 * every certified sociaal-werker device of the receiving organisation and to nothing else than
 * those and the sender's own certified devices (docs/device-trust.md).
 */
import { Hono } from 'hono'
import { verifySealedSender, type Sealed, type SealedV2 } from '../../shared/crypto/sealed'
import { MUNICIPALITIES } from '../../shared/socialMap/places'
import {
  clampRecorded,
  newEventSchema,
  newReferralSchema,
  nextStatus,
  RECORDED_MAX_DAYS_BACK,
  RECORDED_SHOWN_AFTER_MINUTES,
  referralContext,
  routesSchema,
  signedEventContext,
  WOR_FIRST_CONTACT_DAYS,
  type ReferralStatus,
} from '../../shared/referrals/referral'
import { audit } from '../auth/audit'
import { currentUser, requireApprovedDevice, requireRegionBeheerder, requireRole, requireUser, type AppEnv } from '../auth/middleware'
import type { Database, Queryable } from '../db/types'
import { certifiedDevices, chainsOf, receivingDevices, type CertifiedDevice } from '../auth/certificates'
import type { SessionUser } from '../auth/sessions'
import { problem } from '../http/problem'
import { body, isUuid } from '../http/request'


/**
 * Who may read a referral and its events (docs/device-trust.md, "Who receives"): the certified
 * devices of the receiving organisation's sociaal-werkers, and the sender's own certified devices.
 */
async function readers(db: Queryable, receivingOrganisationId: string, senderUserId: string): Promise<{ receiving: CertifiedDevice[]; own: CertifiedDevice[] }> {
  const [receiving, own] = await Promise.all([receivingDevices(db, [receivingOrganisationId]), certifiedDevices(db, 'd.user_id = $1', [senderUserId])])
  return { receiving, own }
}

/** Null when the box goes to exactly the right devices; else why not. */
async function recipientProblem(db: Queryable, sealed: Sealed, receivingOrganisationId: string, senderUserId: string): Promise<string | null> {
  const { receiving, own } = await readers(db, receivingOrganisationId, senderUserId)
  const allowed = new Set([...receiving, ...own].map((k) => k.deviceId))
  const sealedTo = new Set(sealed.recipients.map((r) => r.deviceId))
  if ([...sealedTo].some((d) => !allowed.has(d))) return 'It is sealed to a device that may not read it (unknown, not certified, not a sociaal-werker of the receiving organisation, or revoked).'
  if (receiving.some((k) => !sealedTo.has(k.deviceId))) return 'It is not sealed to every certified device of the receiving organisation.'
  if (!receiving.length) return 'The receiving organisation has no certified device of a sociaal-werker yet.'
  return null
}

/**
 * Defence in depth (the receiving phones verify too): the box is signed by the session's own
 * device, with the certified signing key, for this context and the time the device posted.
 */
async function senderProblem(db: Queryable, sealed: SealedV2, context: string, user: SessionUser, at: string): Promise<{ status: 400 | 403; code: string; error: string } | null> {
  const device = user.device!
  if (sealed.sender.deviceId !== device.id) return { status: 403, code: 'wrong-sender', error: 'The box must be signed by the device this session runs on.' }
  if (sealed.sender.at !== at) return { status: 400, code: 'bad-request', error: 'The signed time differs from the time sent.' }
  const [certified] = await certifiedDevices(db, 'd.id = $1', [device.id])
  if (!certified) return { status: 403, code: 'device-not-certified', error: 'This device has no valid certificate: ask your beheerder to approve it again.' }
  if (!(await verifySealedSender(sealed, context, certified.certificate.signingKey))) return { status: 400, code: 'bad-signature', error: "The box's signature does not verify with this device's certified key." }
  return null
}

interface ReferralRow {
  id: string
  intervention: string
  sender_organisation_id: string
  sender_organisation_name: string
  receiving_organisation_id: string
  receiving_organisation_name: string
  status: ReferralStatus
  sent_at: string | Date
  recorded_at: string | Date | null
  first_contact_due: string | Date | null
  first_contact_at: string | Date | null
  overdue: boolean
  sealed: Sealed
  sender_certificate: unknown
  events: { id: string; kind: string; at: string; recorded_at: string | null; sealed: Sealed | null; sender_certificate: unknown }[]
}

/** The device's recorded time, when it is far enough from the server's to be worth showing. */
function recordedAt(server: string | Date, recorded: string | Date | null): { recordedAt?: string } {
  if (recorded === null) return {}
  const r = new Date(recorded)
  return Math.abs(r.getTime() - new Date(server).getTime()) >= RECORDED_SHOWN_AFTER_MINUTES * 60_000 ? { recordedAt: r.toISOString() } : {}
}
const DAY_MS = 24 * 3600 * 1000

const iso = (d: string | Date | null) => (d === null ? null : new Date(d).toISOString())
const day = (d: string | Date | null) => (d === null ? null : typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10))

async function listReferrals(db: Queryable, where: string, params: unknown[]) {
  const { rows } = await db.query<ReferralRow>(
    `SELECT r.id, r.intervention, r.sender_organisation_id, so.name AS sender_organisation_name, r.receiving_organisation_id, ro.name AS receiving_organisation_name,
            r.status, r.sent_at, r.recorded_at, r.first_contact_due::text AS first_contact_due, r.first_contact_at, r.sealed,
            (SELECT d.certificate FROM devices d WHERE d.id = r.sender_device_id) AS sender_certificate,
            (r.first_contact_due IS NOT NULL AND r.first_contact_at IS NULL AND r.status NOT IN ('afgewezen', 'afgerond') AND r.first_contact_due < current_date) AS overdue,
            coalesce((SELECT json_agg(json_build_object('id', e.id, 'kind', e.kind, 'at', e.at, 'recorded_at', e.recorded_at, 'sealed', e.sealed,
                                         'sender_certificate', (SELECT d.certificate FROM devices d WHERE d.id = e.sender_device_id)) ORDER BY e.stored_at, e.id)
                      FROM referral_events e WHERE e.referral_id = r.id), '[]'::json) AS events
     FROM referrals r JOIN organisations so ON so.id = r.sender_organisation_id JOIN organisations ro ON ro.id = r.receiving_organisation_id
     WHERE ${where}
     ORDER BY r.first_contact_due NULLS LAST, r.sent_at`,
    params,
  )
  // The chains to verify the senders with, revoked beheerder devices included: a box signed before a revocation still verifies.
  const chains = await chainsOf(db, rows.flatMap((r) => [r.sender_organisation_id, r.receiving_organisation_id]), { historical: true })
  const chainsFor = (r: ReferralRow) => Object.fromEntries([r.sender_organisation_id, r.receiving_organisation_id].flatMap((id) => (chains[id] ? [[id, chains[id]]] : [])))
  return rows.map((r) => ({
    id: r.id,
    intervention: r.intervention,
    senderOrganisation: { id: r.sender_organisation_id, name: r.sender_organisation_name },
    receivingOrganisation: { id: r.receiving_organisation_id, name: r.receiving_organisation_name },
    status: r.status,
    sentAt: iso(r.sent_at),
    ...recordedAt(r.sent_at, r.recorded_at),
    firstContactDue: day(r.first_contact_due),
    firstContactAt: iso(r.first_contact_at),
    overdue: r.overdue,
    sealed: r.sealed,
    senderCertificate: r.sender_certificate ?? null,
    events: r.events.map((e) => ({
      id: e.id,
      kind: e.kind,
      at: new Date(e.at).toISOString(),
      ...recordedAt(e.at, e.recorded_at),
      sealed: e.sealed ?? undefined,
      senderCertificate: e.sender_certificate ?? null,
    })),
    chains: chainsFor(r),
  }))
}

async function routesWithNames(db: Queryable) {
  const { rows } = await db.query<{ intervention: string; municipality: string; organisation_id: string; name: string }>(
    `SELECT r.intervention, r.municipality, r.organisation_id, o.name FROM referral_routes r JOIN organisations o ON o.id = r.organisation_id ORDER BY r.intervention, r.municipality`,
  )
  return rows.map((r) => ({ intervention: r.intervention, municipality: r.municipality, organisationId: r.organisation_id, organisationName: r.name }))
}

/**
 * `now` is the server's clock: it decides sent_at and at (docs/device-trust.md). Everything that
 * downloads or changes sealed data needs a session bound to an approved device in the
 * organisation acted for (requireApprovedDevice); the routing table does not.
 */
export function referralRoutes(db: Database, now: () => number = Date.now) {
  const app = new Hono<AppEnv>()
  app.use('*', requireUser())

  /** The routing table (intervention × municipality → organisation), with every organisation to choose from. */
  app.get('/routes', requireRole(['beheerder', 'huisarts']), async (c) => {
    const { rows } = await db.query<{ id: string; name: string }>('SELECT id, name FROM organisations ORDER BY name')
    return c.json({ routes: await routesWithNames(db), organisations: rows })
  })

  // The routing table decides who receives every referral in the region: the region's beheerder only.
  app.put('/routes', requireRegionBeheerder, async (c) => {
    const b = await body(c, routesSchema)
    if (!b.ok) return b.response
    const ids = [...new Set(b.value.routes.map((r) => r.organisationId))]
    if (ids.length) {
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM organisations WHERE id = ANY($1::uuid[])', [ids])
      if (rows[0]!.n !== ids.length) return problem(c, 400, 'bad-request', 'A route points to an organisation that does not exist.')
    }
    const actor = currentUser(c).userId
    await db.transaction(async (tx) => {
      await tx.query('DELETE FROM referral_routes')
      for (const r of b.value.routes) {
        await tx.query('INSERT INTO referral_routes (intervention, municipality, organisation_id, updated_by) VALUES ($1, $2, $3, $4)', [r.intervention, r.municipality, r.organisationId, actor])
      }
      await audit(tx, { actorId: actor, action: 'set-routes', entity: 'referral_routes' })
    })
    return c.json({ routes: await routesWithNames(db) })
  })

  /**
   * What a GP's device needs to refer offline: the routes, per routed organisation the certificates
   * of its sociaal-werkers' devices, the GP's own certified devices, and the chains to verify them.
   */
  app.get('/directory', requireRole('huisarts'), requireApprovedDevice('huisarts'), async (c) => {
    const user = currentUser(c)
    const routes = await routesWithNames(db)
    const orgIds = [...new Set(routes.map((r) => r.organisationId))]
    const [keys, own] = await Promise.all([receivingDevices(db, orgIds), certifiedDevices(db, 'd.user_id = $1', [user.userId])])
    return c.json({
      routes,
      keys: Object.fromEntries(orgIds.map((id) => [id, keys.filter((k) => k.organisationId === id).map((k) => k.certificate)])),
      own: own.map((k) => k.certificate),
      chains: await chainsOf(db, [...orgIds, ...own.map((k) => k.organisationId)]),
      municipalities: MUNICIPALITIES,
    })
  })

  app.post('/', requireRole('huisarts'), requireApprovedDevice('huisarts'), async (c) => {
    const b = await body(c, newReferralSchema)
    if (!b.ok) return b.response
    const r = b.value
    const user = currentUser(c)
    if (!user.memberships.some((m) => m.organisationId === r.senderOrganisationId && m.role === 'huisarts')) {
      return problem(c, 403, 'forbidden', 'You refer for your own practice only.')
    }
    if (user.device!.organisationId !== r.senderOrganisationId) {
      return problem(c, 403, 'device-required', 'This device is registered in another organisation than the one you refer for.')
    }
    const unsigned = await senderProblem(db, r.sealed, referralContext(r.id), user, r.sentAt)
    if (unsigned) return problem(c, unsigned.status, unsigned.code, unsigned.error)
    // A resend of what is already here (an answer lost on the way) changes nothing.
    const existing = await db.query<{ sender_user_id: string }>('SELECT sender_user_id FROM referrals WHERE id = $1', [r.id])
    if (existing.rows[0]) {
      if (existing.rows[0].sender_user_id !== user.userId) return problem(c, 409, 'conflict', 'That referral id is taken.')
      return c.json({ status: 'exists' })
    }
    const misdirected = await recipientProblem(db, r.sealed, r.receivingOrganisationId, user.userId)
    if (misdirected) return problem(c, 409, 'recipients-changed', misdirected)
    // The server's clock decides when it was sent; the device's time is kept beside it, clamped.
    const t = new Date(now())
    const recorded = clampRecorded(new Date(r.sentAt), t, new Date(t.getTime() - RECORDED_MAX_DAYS_BACK * DAY_MS))
    const stored = await db.transaction(async (tx) => {
      const { rows } = await tx.query(
        `INSERT INTO referrals (id, intervention, sender_organisation_id, sender_user_id, receiving_organisation_id, sent_at, recorded_at, first_contact_due, sealed, sender_device_id)
         VALUES ($1, $2, $3, $4, $5, $6, $9, CASE WHEN $2 = 'wor' THEN ($6::timestamptz AT TIME ZONE 'Europe/Amsterdam')::date + $7::int END, $8::jsonb, $10)
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [r.id, r.intervention, r.senderOrganisationId, user.userId, r.receivingOrganisationId, t, WOR_FIRST_CONTACT_DAYS, JSON.stringify(r.sealed), recorded, user.device!.id],
      )
      if (rows.length) await audit(tx, { actorId: user.userId, organisationId: r.senderOrganisationId, action: 'refer', entity: 'referral', entityId: r.id })
      return rows.length > 0
    })
    return c.json({ status: stored ? 'stored' : 'exists' }, stored ? 201 : 200)
  })

  /** What the GP sent for the practice the device belongs to. */
  app.get('/sent', requireRole('huisarts'), requireApprovedDevice('huisarts'), async (c) => {
    const user = currentUser(c)
    return c.json({ referrals: await listReferrals(db, 'r.sender_user_id = $1 AND r.sender_organisation_id = $2', [user.userId, user.device!.organisationId]) })
  })

  /** What reached the organisation the device belongs to. */
  app.get('/inbox', requireRole('sociaal-werker'), requireApprovedDevice('sociaal-werker'), async (c) => {
    return c.json({ referrals: await listReferrals(db, 'r.receiving_organisation_id = $1', [currentUser(c).device!.organisationId]) })
  })

  /** Who may read a referral's notes and messages: the receiving organisation's devices and the sender's. */
  app.get('/:id/keys', requireApprovedDevice(['huisarts', 'sociaal-werker']), async (c) => {
    const found = await readable(c.req.param('id'), c)
    if (!found) return problem(c, 404, 'not-found', 'No such referral for you.')
    const { receiving, own } = await readers(db, found.receiving_organisation_id, found.sender_user_id)
    const keys = [...receiving, ...own.filter((o) => !receiving.some((r) => r.deviceId === o.deviceId))]
    return c.json({ keys: keys.map((k) => k.certificate), chains: await chainsOf(db, keys.map((k) => k.organisationId)) })
  })

  app.post('/:id/events', requireRole('sociaal-werker'), requireApprovedDevice('sociaal-werker'), async (c) => {
    const b = await body(c, newEventSchema)
    if (!b.ok) return b.response
    const e = b.value
    const user = currentUser(c)
    const found = await readable(c.req.param('id'), c)
    if (!found || found.receiving_organisation_id !== user.device!.organisationId) {
      return problem(c, 404, 'not-found', 'No such referral in your inbox.')
    }
    const again = await db.query('SELECT 1 FROM referral_events WHERE id = $1', [e.id])
    if (again.rows.length) return c.json({ status: 'exists' })
    const unsigned = await senderProblem(db, e.sealed, signedEventContext(found.id, e.id, e.kind), user, e.at)
    if (unsigned) return problem(c, unsigned.status, unsigned.code, unsigned.error)
    const misdirected = await recipientProblem(db, e.sealed, found.receiving_organisation_id, found.sender_user_id)
    if (misdirected) return problem(c, 409, 'recipients-changed', misdirected)
    const result = await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ status: ReferralStatus; sent_at: Date | string }>('SELECT status, sent_at FROM referrals WHERE id = $1 FOR UPDATE', [found.id])
      const next = nextStatus(rows[0]!.status, e.kind)
      if (!next) return { ok: false as const, from: rows[0]!.status }
      // The server's clock decides when it happened; the device's time is kept, clamped to after the referral arrived.
      const t = new Date(now())
      const earliest = new Date(Math.max(t.getTime() - RECORDED_MAX_DAYS_BACK * DAY_MS, new Date(rows[0]!.sent_at).getTime()))
      const recorded = clampRecorded(new Date(e.at), t, earliest)
      const inserted = await tx.query(
        'INSERT INTO referral_events (id, referral_id, kind, at, recorded_at, actor_user_id, sealed, sender_device_id) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8) ON CONFLICT (id) DO NOTHING RETURNING id',
        [e.id, found.id, e.kind, t, recorded, user.userId, JSON.stringify(e.sealed), user.device!.id],
      )
      if (!inserted.rows.length) return { ok: true as const, status: 'exists' }
      // A first contact recorded offline counts from its clamped recorded time.
      await tx.query(
        `UPDATE referrals SET status = $2, first_contact_at = CASE WHEN $3 AND first_contact_at IS NULL THEN $4::timestamptz ELSE first_contact_at END WHERE id = $1`,
        [found.id, next, ['contact', 'gesprek', 'afgerond'].includes(e.kind), recorded],
      )
      await audit(tx, { actorId: user.userId, organisationId: found.receiving_organisation_id, action: `referral-${e.kind}`, entity: 'referral', entityId: found.id })
      return { ok: true as const, status: 'stored' }
    })
    if (!result.ok) return problem(c, 409, 'conflict', `A referral that is "${result.from}" cannot take "${e.kind}".`)
    return c.json({ status: result.status }, result.status === 'stored' ? 201 : 200)
  })

  /**
   * The referral, if the signed-in person sent it for the organisation of their session's device,
   * or works as sociaal-werker in the receiving organisation and the device belongs there.
   */
  async function readable(id: string, c: Parameters<typeof currentUser>[0]) {
    if (!isUuid(id)) return undefined
    const user = currentUser(c)
    const deviceOrg = user.device?.organisationId
    const { rows } = await db.query<{ id: string; sender_user_id: string; sender_organisation_id: string; receiving_organisation_id: string }>(
      'SELECT id, sender_user_id, sender_organisation_id, receiving_organisation_id FROM referrals WHERE id = $1',
      [id],
    )
    const r = rows[0]
    if (!r || !deviceOrg) return undefined
    const sent = r.sender_user_id === user.userId && r.sender_organisation_id === deviceOrg
    const received = r.receiving_organisation_id === deviceOrg && user.memberships.some((m) => m.organisationId === deviceOrg && m.role === 'sociaal-werker')
    return sent || received ? r : undefined
  }

  return app
}
