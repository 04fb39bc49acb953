/**
 * Closed-loop referrals (issue 5). The server routes sealed boxes between devices: it checks who
 * may send what to whom, keeps the order of the statuses and flags overdue first contacts, but
 * never sees a patient. Every box must be signed by the session's certified device and sealed to
 * every certified sociaal-werker device of the receiving organisation and to nothing else than
 * those and the sender's own certified devices (docs/device-trust.md).
 */
import { Hono } from 'hono'
import { regionDate } from '../../shared/core/clock'
import { verifySealedSender, type Sealed, type SealedV2 } from '../../shared/crypto/sealed'
import { MUNICIPALITIES } from '../../shared/socialMap/places'
import { clampRecorded, newEventSchema, newReferralSchema, RECORDED_MAX_DAYS_BACK, referralContext, routesSchema, signedEventContext } from '../../shared/referrals/referral'
import { currentUser, requireApprovedDevice, requireRegionBeheerder, requireRole, requireUser, type AppEnv } from '../auth/middleware'
import type { Database, Queryable } from '../db/types'
import { certifiedDevices, chainsOf, receivingDevices, type CertifiedDevice } from '../auth/certificates'
import type { SessionUser } from '../auth/sessions'
import { problem } from '../http/problem'
import { reply } from '../http/reply'
import { body, isUuid } from '../http/request'
import {
  allOrganisations,
  eventExists,
  insertReferral,
  listReferrals,
  organisationsExist,
  referralParties,
  referralSender,
  replaceRoutes,
  routesWithNames,
  storeEvent,
} from '../referrals/repository'

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

const DAY_MS = 24 * 3600 * 1000

/**
 * `now` is the server's clock: it decides sent_at and at (docs/device-trust.md). Everything that
 * downloads or changes sealed data needs a session bound to an approved device in the
 * organisation acted for (requireApprovedDevice); the routing table does not.
 */
export function referralRoutes(db: Database, now: () => number = Date.now) {
  const app = new Hono<AppEnv>()
  /** "Today" for the overdue flag: the region's date by the server's clock (docs/glossary.md). */
  const today = () => regionDate(now())
  app.use('*', requireUser())

  /** The routing table (intervention × municipality → organisation), with every organisation to choose from. */
  app.get('/routes', requireRole(['beheerder', 'huisarts']), async (c) => {
    return reply(c, 'GET /api/referrals/routes', { routes: await routesWithNames(db), organisations: await allOrganisations(db) })
  })

  // The routing table decides who receives every referral in the region: the region's beheerder only.
  app.put('/routes', requireRegionBeheerder, async (c) => {
    const b = await body(c, routesSchema)
    if (!b.ok) return b.response
    // One organisation per intervention and municipality: a second row for the same pair is a mistake, not a crash.
    if (new Set(b.value.routes.map((r) => `${r.intervention}|${r.municipality}`)).size !== b.value.routes.length) return problem(c, 400, 'duplicate-route', 'An intervention and municipality appear twice.')
    const ids = [...new Set(b.value.routes.map((r) => r.organisationId))]
    if (ids.length && !(await organisationsExist(db, ids))) return problem(c, 400, 'bad-request', 'A route points to an organisation that does not exist.')
    await replaceRoutes(db, b.value.routes, currentUser(c).userId)
    return reply(c, 'PUT /api/referrals/routes', { routes: await routesWithNames(db) })
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
    return reply(c, 'GET /api/referrals/directory', {
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
    const existingSender = await referralSender(db, r.id)
    if (existingSender) {
      if (existingSender !== user.userId) return problem(c, 409, 'conflict', 'That referral id is taken.')
      return reply(c, 'POST /api/referrals', { status: 'exists' })
    }
    const misdirected = await recipientProblem(db, r.sealed, r.receivingOrganisationId, user.userId)
    if (misdirected) return problem(c, 409, 'recipients-changed', misdirected)
    // The server's clock decides when it was sent; the device's time is kept beside it, clamped.
    const t = new Date(now())
    const recorded = clampRecorded(new Date(r.sentAt), t, new Date(t.getTime() - RECORDED_MAX_DAYS_BACK * DAY_MS))
    const stored = await insertReferral(db, {
      id: r.id,
      intervention: r.intervention,
      senderOrganisationId: r.senderOrganisationId,
      senderUserId: user.userId,
      receivingOrganisationId: r.receivingOrganisationId,
      senderDeviceId: user.device!.id,
      sealed: r.sealed,
      sentAt: t,
      recordedAt: recorded,
    })
    return reply(c, 'POST /api/referrals', { status: stored ? 'stored' : 'exists' }, stored ? 201 : 200)
  })

  /** What the GP sent for the practice the device belongs to. */
  app.get('/sent', requireRole('huisarts'), requireApprovedDevice('huisarts'), async (c) => {
    const user = currentUser(c)
    return reply(c, 'GET /api/referrals/sent', { referrals: await listReferrals(db, 'r.sender_user_id = $1 AND r.sender_organisation_id = $2', [user.userId, user.device!.organisationId], today()) })
  })

  /** What reached the organisation the device belongs to. */
  app.get('/inbox', requireRole('sociaal-werker'), requireApprovedDevice('sociaal-werker'), async (c) => {
    return reply(c, 'GET /api/referrals/inbox', { referrals: await listReferrals(db, 'r.receiving_organisation_id = $1', [currentUser(c).device!.organisationId], today()) })
  })

  /** Who may read a referral's notes and messages: the receiving organisation's devices and the sender's. */
  app.get('/:id/keys', requireApprovedDevice(['huisarts', 'sociaal-werker']), async (c) => {
    const found = await readable(c.req.param('id'), c)
    if (!found) return problem(c, 404, 'not-found', 'No such referral for you.')
    const { receiving, own } = await readers(db, found.receiving_organisation_id, found.sender_user_id)
    const keys = [...receiving, ...own.filter((o) => !receiving.some((r) => r.deviceId === o.deviceId))]
    return reply(c, 'GET /api/referrals/:id/keys', { keys: keys.map((k) => k.certificate), chains: await chainsOf(db, keys.map((k) => k.organisationId)) })
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
    if (await eventExists(db, e.id)) return reply(c, 'POST /api/referrals/:id/events', { status: 'exists' })
    const unsigned = await senderProblem(db, e.sealed, signedEventContext(found.id, e.id, e.kind), user, e.at)
    if (unsigned) return problem(c, unsigned.status, unsigned.code, unsigned.error)
    const misdirected = await recipientProblem(db, e.sealed, found.receiving_organisation_id, found.sender_user_id)
    if (misdirected) return problem(c, 409, 'recipients-changed', misdirected)
    const result = await storeEvent(db, found, { id: e.id, kind: e.kind, sealed: e.sealed, actorUserId: user.userId, senderDeviceId: user.device!.id }, (sentAt) => {
      // The server's clock decides when it happened; the device's time is kept, clamped to after the referral arrived.
      const t = new Date(now())
      const earliest = new Date(Math.max(t.getTime() - RECORDED_MAX_DAYS_BACK * DAY_MS, sentAt.getTime()))
      return { at: t, recorded: clampRecorded(new Date(e.at), t, earliest) }
    })
    if (!result.ok) return problem(c, 409, 'conflict', `A referral that is "${result.from}" cannot take "${e.kind}".`)
    return reply(c, 'POST /api/referrals/:id/events', { status: result.status }, result.status === 'stored' ? 201 : 200)
  })

  /**
   * The referral, if the signed-in person sent it for the organisation of their session's device,
   * or works as sociaal-werker in the receiving organisation and the device belongs there.
   */
  async function readable(id: string, c: Parameters<typeof currentUser>[0]) {
    if (!isUuid(id)) return undefined
    const user = currentUser(c)
    const deviceOrg = user.device?.organisationId
    const r = await referralParties(db, id)
    if (!r || !deviceOrg) return undefined
    const sent = r.sender_user_id === user.userId && r.sender_organisation_id === deviceOrg
    const received = r.receiving_organisation_id === deviceOrg && user.memberships.some((m) => m.organisationId === deviceOrg && m.role === 'sociaal-werker')
    return sent || received ? r : undefined
  }

  return app
}
