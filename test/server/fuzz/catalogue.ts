/**
 * A valid request for every route of the app, by a caller who may make it, naming real rows (the
 * fuzz corrupts one part of it at a time). The fuzz fails when the app has a route this table
 * lacks, so a new route cannot be left out. The valid bodies follow
 * test/server/authorisationMatrix.test.ts, which checks who may call what.
 */
import { randomUUID } from 'node:crypto'
import { ECDSA_P256, signMessage } from '../../../src/shared/crypto/signatures'
import { signCertificate } from '../../../src/shared/devices/certificates'
import { snapshotMessage } from '../../../src/shared/kpi/snapshot'
import { DEFAULT_ACCOUNTABILITY_PERIODS } from '../../../src/shared/kpi/accountability'
import { signedEventContext } from '../../../src/shared/referrals/referral'
import { PASSWORD } from '../agent'
import { initiativeProposal } from '../../support/initiativeProposal'
import { insertHelpRequest } from '../../../src/server/helpRequests/repository'
import { challenge, proof, publicJwk, registrationBody, makeDeviceKeys, unsignedFor } from '../devices'
import { counterAt, totpAt } from '../../../src/server/auth/totp'
import type { Caller, Who, World } from './world'
import { latestVersion } from '../../../src/server/method/repository'
import { mapVersion } from '../../../src/server/socialMap/repository'
import { BUNDLED_METHOD } from '../../../src/shared/method/sigMethod'
import { CASE_SYNC_CATALOGUE } from './caseSync'
import { CASE_TEAM_CATALOGUE } from './caseTeam'
import { CASE_RECOVERY_CATALOGUE } from './caseRecovery'
import { RESIDENT_PLAN_CATALOGUE } from './residentPlans'
import { PLAN_CATALOGUE } from './plans'

export interface Valid {
  params?: Record<string, string>
  query?: Record<string, string>
  body?: unknown
}
export interface Entry {
  who: Who
  build?: (w: World, caller: Caller) => Promise<Valid>
  /** Built anew for every request: what it names is used up by trying (a one-time challenge, a TOTP step). */
  fresh?: true
  /** Seconds the clock moves before each request, so a per-address rate limit does not refuse every later try. */
  advance?: number
  /** Tables a refused request may write, each with its reason beside the entry. */
  refusalWrites?: readonly string[]
  /** audit_log is checked row by row: the actions a refused request may append (none when absent). */
  refusalAudit?: readonly string[]
  /** A 2xx ends or replaces the caller's session: the caller is made again. */
  endsSession?: true
}

const NEW_PASSWORD = 'Hazelaar-Weg-73-Oss'
/**
 * Sign-in steps count every try per address and account before reading it (rate_limits), a
 * wrong password or code counts against the account (sign_in_guard; src/server/auth/signIn.ts),
 * and a failed sign-in is audited (audit_log, for the account's beheerder): only as that failure,
 * 'sign-in-failed:password' or 'sign-in-failed:totp' (src/server/auth/signIn.ts failed()).
 */
const SIGN_IN_GUARD = ['audit_log', 'rate_limits', 'sign_in_guard'] as const
const WRONG_PASSWORD = ['sign-in-failed:password'] as const
const WRONG_CODE = ['sign-in-failed:totp'] as const
/** Link requests count per address before they are read (src/server/routes/links.ts). */
const LINK_LIMIT = ['rate_limits'] as const

export const CATALOGUE: Record<string, Entry> = {
  'GET /api/health': { who: 'anonymous' },
  'GET /api/health/ready': { who: 'anonymous' },
  'GET /api/config': { who: 'anonymous' },
  // The delta request (docs/social-map-sync.md): a corrupted since or at gets the full map, never a 5xx.
  'GET /api/social-map': { who: 'anonymous', build: async (w) => {
    const held = await mapVersion(w.db)
    return { query: { since: String(held.version), at: held.publishedAt } }
  } },
  // The hourly limit per address counts every report before it is read (src/server/routes/reports.ts).
  // The same for proposed initiatives (src/server/routes/initiatives.ts).
  'POST /api/initiatives': { who: 'anonymous', advance: 3600, refusalWrites: ['rate_limits'], build: async () => ({ body: { proposal: initiativeProposal(randomUUID()) } }) },
  'POST /api/reports': { who: 'anonymous', advance: 3600, refusalWrites: ['rate_limits'], build: async (w) => ({ body: { id: randomUUID(), serviceId: w.map[0]!.id, message: 'Klopt niet meer' } }) },
  'POST /api/auth/bootstrap': { who: 'anonymous', build: async () => ({ body: { code: 'whatever-code-1234', organisation: 'Gemeente Oss', name: 'X', email: 'x@example.org', password: PASSWORD } }) },
  'POST /api/auth/sign-in': { who: 'anonymous', advance: 60, refusalWrites: SIGN_IN_GUARD, refusalAudit: WRONG_PASSWORD, build: async (w) => ({ body: { email: w.loginEmail, password: PASSWORD } }) },
  'POST /api/auth/totp/setup': { who: 'passwordOnly' },
  'POST /api/auth/totp/confirm': {
    who: 'passwordOnly',
    fresh: true,
    endsSession: true,
    refusalWrites: SIGN_IN_GUARD,
    refusalAudit: WRONG_CODE,
    build: async (w, { agent }) => {
      const { secret } = await agent.ask<{ secret: string }>('POST', '/api/auth/totp/setup')
      w.clock.advance(30)
      return { body: { code: totpAt(secret, counterAt(w.clock.now())) } }
    },
  },
  'POST /api/auth/totp': {
    who: 'fullSession',
    fresh: true,
    endsSession: true,
    refusalWrites: SIGN_IN_GUARD,
    refusalAudit: WRONG_CODE,
    build: async (w, { secret }) => {
      w.clock.advance(30)
      return { body: { code: totpAt(secret!, counterAt(w.clock.now())) } }
    },
  },
  'GET /api/auth/me': { who: 'huisarts' },
  'POST /api/auth/password': { who: 'fullSession', endsSession: true, refusalWrites: SIGN_IN_GUARD, refusalAudit: WRONG_PASSWORD, build: async () => ({ body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } }) },
  'POST /api/auth/sign-out': { who: 'fullSession', endsSession: true },
  'POST /api/auth/sign-out-everywhere': { who: 'fullSession', endsSession: true },
  'POST /api/links/inspect': { who: 'anonymous', advance: 60, refusalWrites: LINK_LIMIT, build: async (w) => ({ body: { token: (await w.invitation()).token } }) },
  'POST /api/links/redeem': { who: 'anonymous', advance: 60, refusalWrites: LINK_LIMIT, build: async (w) => ({ body: { token: (await w.invitation()).token, password: NEW_PASSWORD, name: 'Nieuw' } }) },
  'GET /api/region/organisations': { who: 'regionBeheerder' },
  'POST /api/region/organisations': { who: 'regionBeheerder', build: async () => ({ body: { name: `Praktijk ${randomUUID().slice(0, 8)}` } }) },
  'GET /api/orgs/:orgId/members': { who: 'beheerder', build: async (w) => ({ params: { orgId: w.orgA } }) },
  'POST /api/orgs/:orgId/invitations': {
    who: 'beheerder',
    build: async (w) => ({ params: { orgId: w.orgA }, body: { email: `new.${randomUUID().slice(0, 8)}@example.org`, name: 'Nieuw Lid', role: 'sociaal-werker' } }),
  },
  'GET /api/orgs/:orgId/invitations': { who: 'beheerder', build: async (w) => ({ params: { orgId: w.orgA } }) },
  'DELETE /api/orgs/:orgId/invitations/:id': { who: 'beheerder', build: async (w) => ({ params: { orgId: w.orgA, id: (await w.invitation()).id } }) },
  'DELETE /api/orgs/:orgId/members/:userId': { who: 'beheerder', build: async (w) => ({ params: { orgId: w.orgA, userId: await w.member() } }) },
  'POST /api/orgs/:orgId/members/:userId/lock': { who: 'beheerder', build: async (w) => ({ params: { orgId: w.orgA, userId: await w.member() } }) },
  'POST /api/orgs/:orgId/members/:userId/unlock': { who: 'regionBeheerder', build: async (w) => ({ params: { orgId: w.orgA, userId: await w.member() } }) },
  'POST /api/orgs/:orgId/members/:userId/sign-out': { who: 'beheerder', build: async (w) => ({ params: { orgId: w.orgA, userId: await w.member() } }) },
  'POST /api/orgs/:orgId/members/:userId/password-reset': { who: 'beheerder', build: async (w) => ({ params: { orgId: w.orgA, userId: await w.member() } }) },
  'POST /api/orgs/:orgId/members/:userId/totp-reset': { who: 'regionBeheerder', build: async (w) => ({ params: { orgId: w.orgA, userId: await w.member() } }) },
  'GET /api/orgs/:orgId/devices': { who: 'beheerder', build: async (w) => ({ params: { orgId: w.orgA } }) },
  'POST /api/orgs/:orgId/devices/:deviceId/approve': {
    who: 'beheerder',
    build: async (w) => {
      const { id } = await w.pendingDevice()
      return { params: { orgId: w.orgA, deviceId: id }, body: { certificate: await w.certificate(id) } }
    },
  },
  'POST /api/orgs/:orgId/devices/:deviceId/revoke': { who: 'beheerder', build: async (w) => ({ params: { orgId: w.orgA, deviceId: (await w.pendingDevice()).id } }) },
  'GET /api/orgs/:orgId/chain': { who: 'beheerder', build: async (w) => ({ params: { orgId: w.orgA } }) },
  // A's key is set: the valid request is told it cannot be replaced (409 key-exists).
  'PUT /api/orgs/:orgId/organisation-key': {
    who: 'beheerder',
    build: async (w, caller) => {
      const key = (await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair
      const keys = await makeDeviceKeys()
      const listed = { id: randomUUID(), name: 'Telefoon', status: 'approved', userId: caller.userId!, publicKey: keys.publicKey, signingKey: keys.signingKey, roles: ['beheerder' as const], certificate: null }
      const certificate = await signCertificate(unsignedFor(w.orgA, listed, { kind: 'organisation' }), key.privateKey)
      return { params: { orgId: w.orgA }, body: { organisationKey: await publicJwk(key.publicKey), certificate } }
    },
  },
  'GET /api/orgs/:orgId/audit': { who: 'beheerder', build: async (w) => ({ params: { orgId: w.orgA } }) },
  'POST /api/devices': { who: 'sociaalWerker', build: async (w) => ({ body: registrationBody(w.orgA, await makeDeviceKeys(), 'Mijn telefoon') }) },
  'GET /api/devices': { who: 'sociaalWerker' },
  'GET /api/devices/:id': { who: 'sociaalWerker', build: async (_w, caller) => ({ params: { id: caller.device!.id } }) },
  // Challenges are limited per address per minute, counted before the request is read, and expired
  // ones are cleared before a new one is stored (src/server/routes/devices.ts, devices/repository.ts storeChallenge).
  'POST /api/devices/:id/challenge': { who: 'anonymous', advance: 60, refusalWrites: ['device_challenges', 'rate_limits'], build: async (w) => ({ params: { id: (await w.pendingDevice()).id }, body: { purpose: 'status' } }) },
  // A challenge is used once, also by a wrong answer (src/server/devices: proven).
  'POST /api/devices/:id/status': {
    who: 'anonymous',
    fresh: true,
    advance: 60,
    refusalWrites: ['device_challenges'],
    build: async (w, { agent }) => {
      const device = await w.pendingDevice()
      return { params: { id: device.id }, body: await proof(device, 'status', await challenge(agent, device.id, 'status')) }
    },
  },
  // The social worker binds their session to their own phone again (it is bound to it already).
  'POST /api/devices/:id/bind': {
    who: 'sociaalWerker',
    fresh: true,
    advance: 60,
    refusalWrites: ['device_challenges'],
    build: async (_w, { agent, device }) => ({ params: { id: device!.id }, body: await proof(device!, 'bind', await challenge(agent, device!.id, 'bind')) }),
  },
  'GET /api/map/services': { who: 'kaartbeheerder' },
  'GET /api/map/organisations': { who: 'kaartbeheerder' },
  'GET /api/map/own-services': { who: 'sociaalWerker' },
  'GET /api/map/services/:id': { who: 'kaartbeheerder', build: async (w) => ({ params: { id: w.map[0]!.id } }) },
  'POST /api/map/services': { who: 'kaartbeheerder', build: async (w) => ({ body: { service: { ...w.map[1]!, id: randomUUID() } } }) },
  'PUT /api/map/services/:id': {
    who: 'kaartbeheerder',
    build: async (w) => {
      const s = await w.service()
      return { params: { id: s.id }, body: { service: { ...s, name: 'Bewerkt' } } }
    },
  },
  'POST /api/map/services/:id/retire': { who: 'kaartbeheerder', build: async (w) => ({ params: { id: (await w.service()).id } }) },
  'POST /api/map/services/:id/verify': { who: 'kaartbeheerder', build: async (w) => ({ params: { id: (await w.service()).id } }) },
  'GET /api/map/services/:id/versions': { who: 'kaartbeheerder', build: async (w) => ({ params: { id: w.map[0]!.id } }) },
  'PUT /api/map/services/:id/room': { who: 'kaartbeheerder', build: async (w) => ({ params: { id: (await w.service()).id }, body: { available: 1, maximum: 5 } }) },
  'GET /api/map/reports': { who: 'kaartbeheerder' },
  'POST /api/map/reports/:id/resolve': { who: 'kaartbeheerder', build: async (w) => ({ params: { id: await w.report() }, body: { resolution: 'Aangepast' } }) },
  'POST /api/map/proposals': { who: 'sociaalWerker', build: async (w) => ({ body: { service: { ...(await w.service()), description: 'Voorstel' } } }) },
  'GET /api/map/proposals': { who: 'sociaalWerker' },
  'GET /api/map/initiatives': { who: 'kaartbeheerder' },
  'POST /api/map/initiatives/:id/accept': { who: 'kaartbeheerder', build: async (w) => ({ params: { id: await w.initiative() } }) },
  'POST /api/map/initiatives/:id/reject': { who: 'kaartbeheerder', build: async (w) => ({ params: { id: await w.initiative() }, body: { reason: 'Niet in de regio' } }) },
  'POST /api/map/proposals/:id/accept': { who: 'kaartbeheerder', build: async (w) => ({ params: { id: await w.proposal() } }) },
  'POST /api/map/proposals/:id/reject': { who: 'kaartbeheerder', build: async (w) => ({ params: { id: await w.proposal() }, body: { reason: 'Niet nodig' } }) },
  'POST /api/kpi/counters': { who: 'sociaalWerker', build: async (w) => ({ body: { organisationId: w.orgA } }) },
  'POST /api/kpi/counters/:id/move': { who: 'sociaalWerker', build: async (w, { agent }) => ({ params: { id: (await agent.ask<{ counterId: string }>('POST', '/api/kpi/counters', { organisationId: w.orgA })).counterId } }) },
  'POST /api/kpi/snapshots': {
    who: 'sociaalWerker',
    build: async (w, { agent, device }) => {
      const { counterId } = await agent.ask<{ counterId: string }>('POST', '/api/kpi/counters', { organisationId: w.orgA })
      const unsigned = { snapshotVersion: 1, counterId, period: '2026-H2', rows: [] }
      const signature = await signMessage(device!.keys.signing.privateKey, await snapshotMessage({ ...unsigned, organisationId: w.orgA }))
      return { body: { ...unsigned, signature } }
    },
  },
  'GET /api/kpi/totals': { who: 'programma', build: async () => ({ query: { period: '2026-H2' } }) },
  'GET /api/kpi/trend': { who: 'programma' },
  'GET /api/kpi/measures': { who: 'programma', build: async () => ({ query: { period: '2026-H2' } }) },
  'GET /api/kpi/evidence': { who: 'programma', build: async () => ({ query: { period: '2026-H2' } }) },
  'GET /api/kpi/measure-report': { who: 'programma', build: async () => ({ query: { period: '2026-H1' } }) },
  'GET /api/kpi/targets': { who: 'programma' },
  'PUT /api/kpi/targets': { who: 'programma', build: async () => ({ body: { targets: [{ period: 'p4', kpi: 'included', intervention: 'wor', target: 120 }, { period: 'p4', kpi: 'first-contact', intervention: 'wor', target: 90 }] } }) },
  'GET /api/kpi/periods': { who: 'programma' },
  'PUT /api/kpi/periods': { who: 'programma', build: async () => ({ body: { periods: DEFAULT_ACCOUNTABILITY_PERIODS } }) },
  'GET /api/method': { who: 'anonymous' },
  'GET /api/method/versions/:version': { who: 'anonymous', build: async () => ({ params: { version: '1' } }) },
  'GET /api/method/versions': { who: 'programma' },
  // The next version each time: a publish uses up the number it names.
  'POST /api/method': { who: 'programma', fresh: true, build: async (w) => ({ body: { ...BUNDLED_METHOD, version: (await latestVersion(w.db)) + 1, note: { nl: 'Proef.', en: 'Trial.' } } }) },
  'GET /api/referrals/routes': { who: 'beheerder' },
  'PUT /api/referrals/routes': { who: 'regionBeheerder', build: async (w) => ({ body: { routes: [{ intervention: 'wor', municipality: 'Oss', organisationId: w.orgA }] } }) },
  // Ik wil hulp (issue 20): open routes; the hourly limit per address counts every request before it is read.
  'GET /api/help-requests/directory': { who: 'anonymous' },
  'POST /api/help-requests': {
    who: 'sociaalWerker',
    advance: 3600,
    refusalWrites: ['rate_limits'],
    build: async (w, caller) => {
      await w.db.query(`INSERT INTO referral_routes (intervention, municipality, organisation_id) VALUES ('wor', 'Oss', $1) ON CONFLICT (intervention, municipality) DO UPDATE SET organisation_id = $1`, [w.orgA])
      const signed = await w.sealed(caller, 'help-request', new Date().toISOString())
      const sealed = { alg: signed.alg, epk: signed.epk, salt: signed.salt, iv: signed.iv, ciphertext: signed.ciphertext, recipients: signed.recipients, v: 3, sender: { kind: 'unauthenticated' } }
      return { body: { id: randomUUID(), municipality: 'Oss', organisationId: w.orgA, sealed } }
    },
  },
  'GET /api/help-requests/inbox': { who: 'sociaalWerker' },
  'DELETE /api/help-requests/:id': {
    who: 'sociaalWerker',
    build: async (w, caller) => {
      const id = randomUUID()
      const signed = await w.sealed(caller, 'help-request', new Date().toISOString())
      const sealed = { alg: signed.alg, epk: signed.epk, salt: signed.salt, iv: signed.iv, ciphertext: signed.ciphertext, recipients: signed.recipients, v: 3 as const, sender: { kind: 'unauthenticated' as const } }
      await insertHelpRequest(w.db, { id, municipality: 'Oss', receivingOrganisationId: w.orgA, receivedAt: new Date(), answerBy: '2026-12-31', sealed })
      return { params: { id } }
    },
  },
  'GET /api/referrals/directory': { who: 'huisarts' },
  'POST /api/referrals': {
    who: 'huisarts',
    build: async (w, caller) => {
      const id = randomUUID()
      const sentAt = new Date().toISOString()
      return { body: { id, intervention: 'wor', senderOrganisationId: w.orgA, receivingOrganisationId: w.orgA, sentAt, sealed: await w.sealed(caller, `referral|${id}`, sentAt) } }
    },
  },
  'GET /api/referrals/sent': { who: 'huisarts' },
  'GET /api/referrals/inbox': { who: 'sociaalWerker' },
  'GET /api/referrals/:id/keys': { who: 'huisarts', build: async (w) => ({ params: { id: await w.referral() } }) },
  'POST /api/referrals/:id/events': {
    who: 'sociaalWerker',
    build: async (w, caller) => {
      const referralId = await w.referral()
      const id = randomUUID()
      const at = new Date().toISOString()
      return { params: { id: referralId }, body: { id, kind: 'ontvangen', at, sealed: await w.sealed(caller, signedEventContext(referralId, id, 'ontvangen'), at) } }
    },
  },
  ...CASE_SYNC_CATALOGUE,
  ...CASE_TEAM_CATALOGUE,
  ...CASE_RECOVERY_CATALOGUE,
  ...RESIDENT_PLAN_CATALOGUE,
  ...PLAN_CATALOGUE,
}
