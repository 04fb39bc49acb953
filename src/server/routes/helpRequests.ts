/**
 * "Ik wil hulp" (issue 20, docs/help-request.md): residents ask the social work organisation of
 * their municipality for help, without an account or device key. The request arrives sealed (v3,
 * unauthenticated sender) to exactly that organisation's certified receiving devices; the server
 * keeps the municipality, the organisation, the time and the box, never what the resident wrote.
 * Open to anyone, so guarded: a per-address limit (an HMAC of the address, as reports do), a
 * per-municipality limit per hour (what may reach one organisation's inbox), and a honeypot.
 */
import { Hono } from 'hono'
import { regionDate } from '../../shared/core/clock'
import { addWorkingDays, HELP_REQUEST_ANSWER_WORKING_DAYS, HELP_REQUEST_ROUTE, newHelpRequestSchema } from '../../shared/helpRequests/helpRequest'
import { MUNICIPALITIES } from '../../shared/socialMap/places'
import { countHit } from '../auth/rateLimit'
import { chainsOf, receivingDevices } from '../auth/certificates'
import { currentUser, requireApprovedDevice, requireRole, requireUser, type AppEnv } from '../auth/middleware'
import { clientAddress, hashedAddress } from '../http/client'
import { problem } from '../http/problem'
import { reply } from '../http/reply'
import { body, isUuid } from '../http/request'
import { audit } from '../auth/audit'
import { deleteHelpRequest, helpRequestExists, helpRequestsFor, insertHelpRequest, routedOrganisation } from '../helpRequests/repository'
import type { AuthDeps } from './auth'

/** Requests per address (IPv4, or an IPv6 /64) per hour: a resident sends one, perhaps a resend or two. */
export const HELP_REQUESTS_PER_ADDRESS = 5
/** Requests per address per day: the hourly limit alone lets the same few addresses fill a municipality's hour every hour (review of issue 20). */
export const HELP_REQUESTS_PER_ADDRESS_PER_DAY = 10
/** Requests per municipality per hour: far above what a municipality's residents send, low enough that a flood cannot bury an inbox. */
export const HELP_REQUESTS_PER_MUNICIPALITY = 60

export function helpRequestRoutes({ db, guard, keys, proxy }: AuthDeps) {
  const app = new Hono<AppEnv>()
  const now = () => guard.now()

  /**
   * What a resident's phone needs to seal a request: per routed municipality the receiving
   * organisation's name, the certificates of its sociaal-werkers' certified devices and its chain
   * to verify them — what a GP's directory gives for the same organisation, nothing more.
   */
  app.get('/directory', async (c) => {
    const municipalities = []
    for (const municipality of MUNICIPALITIES) {
      const organisation = await routedOrganisation(db, HELP_REQUEST_ROUTE, municipality)
      if (!organisation) continue
      const devices = await receivingDevices(db, [organisation.id])
      const chains = await chainsOf(db, [organisation.id])
      municipalities.push({ municipality, organisation, keys: devices.map((d) => d.certificate), chain: chains[organisation.id] ?? null })
    }
    return reply(c, 'GET /api/help-requests/directory', { municipalities })
  })

  app.post('/', async (c) => {
    // Counted before anything is read: a flood costs the flooder its budget, valid or not.
    const addressKey = hashedAddress(keys.accountKey, clientAddress(c, proxy))
    const wait =
      (await countHit(db, `help:address:${addressKey}`, HELP_REQUESTS_PER_ADDRESS, 3600, now())) ||
      (await countHit(db, `help:address-day:${addressKey}`, HELP_REQUESTS_PER_ADDRESS_PER_DAY, 86_400, now()))
    if (wait) {
      c.header('Retry-After', String(wait))
      return problem(c, 429, 'rate-limited', 'Too many help requests from here. Try again later.', { retryAfter: wait })
    }
    const b = await body(c, newHelpRequestSchema)
    if (!b.ok) return b.response
    const r = b.value
    // The honeypot: people never see the field. A bot that fills it gets the answer it hoped for, and nothing is stored.
    if (r.website) return reply(c, 'POST /api/help-requests', { status: 'stored' }, 201)
    // A resend of what is here already (an answer lost on the way) stores nothing new.
    if (await helpRequestExists(db, r.id)) return reply(c, 'POST /api/help-requests', { status: 'exists' })
    const organisation = await routedOrganisation(db, HELP_REQUEST_ROUTE, r.municipality)
    if (!organisation) return problem(c, 404, 'no-route', 'No organisation receives help requests for this municipality yet.')
    const receiving = await receivingDevices(db, [organisation.id])
    const sealedTo = new Set(r.sealed.recipients.map((x) => x.deviceId))
    // The routing table or the organisation's devices changed since the phone fetched the directory: it seals again.
    if (organisation.id !== r.organisationId || receiving.length !== sealedTo.size || receiving.some((d) => !sealedTo.has(d.deviceId))) {
      return problem(c, 409, 'recipients-changed', "The request is not sealed to exactly the receiving organisation's certified devices.")
    }
    const municipalityWait = await countHit(db, `help:municipality:${r.municipality}`, HELP_REQUESTS_PER_MUNICIPALITY, 3600, now())
    if (municipalityWait) {
      c.header('Retry-After', String(municipalityWait))
      return problem(c, 429, 'rate-limited', 'Too many help requests for this municipality just now. Try again later.', { retryAfter: municipalityWait })
    }
    const receivedAt = new Date(now())
    const stored = await insertHelpRequest(db, {
      id: r.id,
      municipality: r.municipality,
      receivingOrganisationId: organisation.id,
      receivedAt,
      answerBy: addWorkingDays(regionDate(receivedAt), HELP_REQUEST_ANSWER_WORKING_DAYS),
      sealed: r.sealed,
    })
    return reply(c, 'POST /api/help-requests', { status: stored ? 'stored' : 'exists' }, stored ? 201 : 200)
  })

  /** What reached the organisation the worker's device belongs to. */
  app.get('/inbox', requireUser(), requireRole('sociaal-werker'), requireApprovedDevice('sociaal-werker'), async (c) => {
    return reply(c, 'GET /api/help-requests/inbox', { requests: await helpRequestsFor(db, currentUser(c).device!.organisationId) })
  })

  /**
   * Taken in (a case now holds it) or thrown away: the box leaves the server, and every colleague's
   * inbox, so one request does not become two cases (review of issue 20). Logged (NEN 7513).
   */
  app.delete('/:id', requireUser(), requireRole('sociaal-werker'), requireApprovedDevice('sociaal-werker'), async (c) => {
    const id = c.req.param('id')
    const user = currentUser(c)
    const organisationId = user.device!.organisationId
    if (!isUuid(id) || !(await deleteHelpRequest(db, id, organisationId))) return problem(c, 404, 'not-found', 'No help request with this id in your organisation.')
    await audit(db, { actorId: user.userId, organisationId, action: 'delete-help-request', entity: 'help_request', entityId: id })
    return reply(c, 'DELETE /api/help-requests/:id', { id, status: 'deleted' })
  })

  return app
}
