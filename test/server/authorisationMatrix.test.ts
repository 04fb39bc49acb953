/**
 * Every endpoint × every identity (anonymous, password only, each role in organisation A, in the
 * region's organisation and in a second organisation B, all aimed at A's ids) → the expected
 * status. An endpoint the app has but this table lacks fails the first test: a new route needs a row.
 * Every role identity works on an approved device of its own organisation, bound to its session
 * (docs/device-trust.md); A's GP and social worker also appear without any device.
 * Every 2xx answer must also fit the shared response schema of its route, the one the app reads
 * it with (the contract, test/server/contract.ts and src/shared/api/index.ts).
 */
import { initiativeProposal } from '../support/initiativeProposal'
import { insertHelpRequest } from '../../src/server/helpRequests/repository'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addMember, createOrganisation } from '../../src/server/auth/accounts'
import { createLink } from '../../src/server/auth/links'
import { counterAt, totpAt } from '../../src/server/auth/totp'
import type { Database } from '../../src/server/db/database'
import { buildExampleMap } from '../../src/server/seed/exampleMap'
import { storeReport, storeServices } from '../../src/server/socialMap/repository'
import { isRegionRole, ROLES, type Role } from '../../src/shared/accounts/roles'
import { ECDSA_P256, signMessage } from '../../src/shared/crypto/signatures'
import { sealedSignedMessage } from '../../src/shared/crypto/sealed'
import { signCertificate, type Certificate } from '../../src/shared/devices/certificates'
import { signedEventContext } from '../../src/shared/referrals/referral'
import { certifiedDevices, receivingDevices } from '../../src/server/auth/certificates'
import { snapshotMessage } from '../../src/shared/kpi/snapshot'
import { DEFAULT_ACCOUNTABILITY_PERIODS } from '../../src/shared/kpi/accountability'
import { BUNDLED_METHOD } from '../../src/shared/method/sigMethod'
import { latestVersion } from '../../src/server/method/repository'
import { Agent, Clock, PASSWORD, regionOrganisation, signedIn } from './agent'
import { bindDevice, challenge, makeDeviceKeys, proof, publicJwk, registerDevice, registrationBody, unsignedFor, type PublicJwk, type TestDevice } from './devices'
import { setupServerTest, type TestApp } from './fixture'
import { contractProblem, routesWithSchema } from './contract'
import { ownCase, someoneElsesCase, TestCase, userKeyBox } from './caseSyncWorld'
import { recoveryMatrixRows } from './caseRecoveryMatrix'
import { teamMatrixRows } from './caseTeamMatrix'
import { residentPlanMatrixRows } from './residentPlanMatrix'
import { planMatrixRows } from './planMatrix'

/**
 * Who asks: nobody, someone half signed in, or a role in organisation A (whose ids every row
 * aims at), in the region's organisation (the programme office), or in a second organisation B.
 */
type Org = 'A' | 'B' | 'R'
type Identity = { kind: 'anonymous' } | { kind: 'password-only' } | { kind: 'role'; role: Role; org: Org; noDevice?: true }
type Expect = 'ok' | number
interface Ctx {
  id: Identity
  agent: Agent
  user?: { userId: string; secret?: string }
  /** The approved device the session is bound to (role identities, unless noDevice). */
  device?: TestDevice
}
interface Row {
  expect: (id: Identity) => Expect
  prepare?: (ctx: Ctx) => Promise<{ path?: string; body?: unknown }>
  /** The call ends the session: give it identities of its own. */
  fresh?: boolean
}

const jwk = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' }
const ORDINARY_ROLES = ROLES.filter((r) => !isRegionRole(r))
const IDENTITIES: Identity[] = [
  { kind: 'anonymous' },
  { kind: 'password-only' },
  ...ORDINARY_ROLES.map((role) => ({ kind: 'role' as const, role, org: 'A' as const })),
  ...(['kaartbeheerder', 'programma', 'beheerder'] as const).map((role) => ({ kind: 'role' as const, role, org: 'R' as const })),
  ...ORDINARY_ROLES.map((role) => ({ kind: 'role' as const, role, org: 'B' as const })),
  ...(['huisarts', 'sociaal-werker'] as const).map((role) => ({ kind: 'role' as const, role, org: 'A' as const, noDevice: true as const })),
]
const label = (id: Identity) => (id.kind === 'role' ? `${id.org}:${id.role}${id.noDevice ? '(no device)' : ''}` : id.kind)

const open = (): Row['expect'] => () => 'ok'
/** Fully signed in with one of the roles (in any organisation that may hold it). */
const fully = (roles?: readonly Role[]): Row['expect'] => (id) => (id.kind !== 'role' ? 401 : !roles || roles.includes(id.role) ? 'ok' : 403)
/** The role, in organisation A itself (the row acts on A's own things). */
const inA = (roles: readonly Role[], otherwise: number = 403): Row['expect'] => (id) => (id.kind !== 'role' ? 401 : roles.includes(id.role) ? (id.org === 'A' ? 'ok' : otherwise) : 403)
/** A's beheerder, or also the region's beheerder where the home-or-region rule lets it in. */
const aBeheerder = (orRegion: boolean): Row['expect'] => (id) =>
  id.kind !== 'role' ? 401 : id.role === 'beheerder' && (id.org === 'A' || (orRegion && id.org === 'R')) ? 'ok' : 403
const regionBeheerder = (): Row['expect'] => (id) => (id.kind !== 'role' ? 401 : id.role === 'beheerder' && id.org === 'R' ? 'ok' : 403)
/** What downloads or changes sealed data needs a session bound to an approved device (403 device-required without). */
const onDevice = (e: Row['expect']): Row['expect'] => (id) => (id.kind === 'role' && id.noDevice ? 403 : e(id))
const orgOf = (id: Identity) => (id.kind === 'role' ? { A: orgA, B: orgB, R: orgR }[id.org] : orgA)

/** Someone else's device (of A's member someUserId) with its keys, and a valid answer to a fresh challenge. */
async function answeredChallenge(agent: Agent, purpose: 'status' | 'bind') {
  const keys = await makeDeviceKeys()
  const id = randomUUID()
  const b = registrationBody(orgA, keys)
  await db.query('INSERT INTO devices (id, user_id, organisation_id, name, public_key, auth_key, signing_key) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb)', [
    id,
    someUserId,
    orgA,
    'Telefoon van een ander',
    JSON.stringify(b.publicKey),
    JSON.stringify(b.authKey),
    JSON.stringify(b.signingKey),
  ])
  const device = { id, organisationId: orgA, keys }
  return { path: `/api/devices/${id}/${purpose}`, body: await proof(device, purpose, await challenge(agent, id, purpose)) }
}
/** A counting id for the identity's device (a social worker's), or a made-up one. */
async function counterOf(ctx: Ctx): Promise<string> {
  if (!ctx.device || ctx.id.kind !== 'role' || ctx.id.role !== 'sociaal-werker') return randomUUID()
  const res = await ctx.agent.call('POST', '/api/kpi/counters', { organisationId: ctx.device.organisationId })
  return ((await res.json()) as { counterId: string }).counterId
}
const anySession = (passwordOnly: Expect, full: Expect): Row['expect'] => (id) => (id.kind === 'anonymous' ? 401 : id.kind === 'password-only' ? passwordOnly : full)

let db: Database
let close: () => Promise<void>
let app: TestApp
const clock = new Clock()
let orgA: string
let orgB: string
let orgR: string
const map = buildExampleMap({ referenceDate: '2026-11-01' })

async function freshService() {
  const s = { ...map[0]!, id: randomUUID(), name: `Testaanbod ${Math.random()}` }
  await storeServices(db, [s])
  await db.query('UPDATE services SET owner_organisation_id = $2 WHERE id = $1', [s.id, orgA])
  return s
}
let pendingSigningKey: PublicJwk
async function pendingDevice(userId: string) {
  const id = randomUUID()
  await db.query('INSERT INTO devices (id, user_id, organisation_id, name, public_key, signing_key) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)', [
    id,
    userId,
    orgA,
    'Testtelefoon',
    JSON.stringify(jwk),
    JSON.stringify(pendingSigningKey),
  ])
  return id
}
let someUserId: string

/**
 * Each organisation's trust root, seeded (docs/device-trust.md, "Certificates"): its key, and a
 * beheerder's device certified by it that certifies the identities' devices.
 */
interface Trust {
  organisationKey: CryptoKeyPair
  issuer: TestDevice
}
const trusts: Record<string, Trust> = {}
async function seedTrust(organisationId: string) {
  const { userId } = await addMember(db, { email: `root.${randomUUID().slice(0, 8)}@example.org`, name: 'Beheerder', password: PASSWORD }, organisationId, 'beheerder', null)
  const organisationKey = (await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair
  const keys = await makeDeviceKeys()
  const issuer = { id: randomUUID(), organisationId, keys }
  const listed = { id: issuer.id, name: 'Telefoon beheerder', status: 'approved', userId, publicKey: keys.publicKey, signingKey: keys.signingKey, roles: ['beheerder' as const], certificate: null }
  const cert = await signCertificate(unsignedFor(organisationId, listed, { kind: 'organisation' }), organisationKey.privateKey)
  await db.query('UPDATE organisations SET organisation_key = $2::jsonb WHERE id = $1', [organisationId, JSON.stringify(await publicJwk(organisationKey.publicKey))])
  await db.query(
    `INSERT INTO devices (id, user_id, organisation_id, name, public_key, auth_key, signing_key, status, certificate) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, 'approved', $8::jsonb)`,
    [issuer.id, userId, organisationId, listed.name, JSON.stringify(keys.publicKey), JSON.stringify(keys.authKey), JSON.stringify(keys.signingKey), JSON.stringify(cert)],
  )
  trusts[organisationId] = { organisationKey, issuer }
}
/** The certificate the organisation's seeded beheerder device signs for a device. */
async function certify(organisationId: string, device: { id: string; userId: string; name: string; publicKey: PublicJwk; signingKey: PublicJwk }, roles: Role[]): Promise<Certificate> {
  const t = trusts[organisationId]!
  const listed = { ...device, status: 'pending', roles, certificate: null }
  return signCertificate(unsignedFor(organisationId, listed, { kind: 'device', deviceId: t.issuer.id }), t.issuer.keys.signing.privateKey)
}

/**
 * A sealed box shaped right (the crypto is tested elsewhere): to every certified sociaal-werker
 * device of organisation A and the sender's own certified devices, signed by the caller's device.
 */
async function sealedForA(ctx?: Ctx, context = 'referral|x', at = new Date().toISOString()) {
  const recipients = [...(await receivingDevices(db, [orgA])), ...(ctx?.user ? await certifiedDevices(db, 'd.user_id = $1', [ctx.user.userId]) : [])]
  const b64 = (n: number) => Buffer.alloc(n, 7).toString('base64')
  const box = { alg: 'ECDH-P256+HKDF-SHA256+A256GCM' as const, epk: jwk as PublicJwk, salt: b64(16), iv: b64(12), ciphertext: b64(64), recipients: [...new Set(recipients.map((r) => r.deviceId))].map((deviceId) => ({ deviceId, iv: b64(12), wrappedKey: b64(48) })) }
  const sender = ctx?.device ?? { id: randomUUID(), keys: await makeDeviceKeys() }
  const signature = await signMessage(sender.keys.signing.privateKey, await sealedSignedMessage(box, context, sender.id, at))
  return { ...box, v: 2, sender: { deviceId: sender.id, at, signature } }
}
async function referralFrom(senderUserId: string) {
  const id = randomUUID()
  await db.query(
    `INSERT INTO referrals (id, intervention, sender_organisation_id, sender_user_id, receiving_organisation_id, sent_at, sealed) VALUES ($1, 'wor', $2, $3, $2, now(), $4::jsonb)`,
    [id, orgA, senderUserId, JSON.stringify(await sealedForA())],
  )
  return id
}

/** A fresh member of A (A is their home), for the rows that act on one person. */
async function memberOfA() {
  return (await addMember(db, { email: `lid.${randomUUID().slice(0, 8)}@example.org`, name: 'Een Lid', password: PASSWORD }, orgA, 'sociaal-werker', null)).userId
}
async function invitationToA() {
  const { id, link } = await createLink(db, { kind: 'invitation', organisationId: orgA, email: `genodigd.${randomUUID().slice(0, 8)}@example.org`, name: 'Genodigd', role: 'huisarts' }, someUserId, new Date(clock.now()))
  return { id, token: link.split('#')[1]! }
}

/** Case-sync rows: only a social worker on a device reaches a case; only its member gets an answer. */
const caseMember: Row['expect'] = onDevice((id) => (id.kind !== 'role' ? 401 : id.role !== 'sociaal-werker' ? 403 : id.org === 'A' ? 'ok' : 404))

const ROWS: Record<string, Row> = {
  'GET /api/health': { expect: open() },
  'GET /api/health/ready': { expect: open() },
  'GET /api/config': { expect: open() },
  'GET /api/social-map': { expect: open() },
  'POST /api/reports': { expect: open(), prepare: async () => ({ body: { id: randomUUID(), serviceId: map[0]!.id, message: 'Klopt niet meer' } }) },
  'POST /api/initiatives': {
    expect: open(),
    prepare: async () => {
      // Every identity posts from the same test address: its hourly limit (5) is not what this row checks.
      await db.query(`DELETE FROM rate_limits WHERE bucket LIKE 'initiative:%'`)
      return { body: { proposal: initiativeProposal(randomUUID()) } }
    },
  },
  'POST /api/auth/bootstrap': {
    // Accounts exist: the one-time start is over for everybody.
    expect: () => 409,
    prepare: async () => ({ body: { code: 'whatever-code-1234', organisation: 'Gemeente Oss', name: 'X', email: 'x@example.org', password: PASSWORD } }),
  },
  'POST /api/auth/sign-in': {
    expect: open(),
    prepare: async () => {
      const email = `login.${randomUUID().slice(0, 8)}@example.org`
      await addMember(db, { email, name: 'Login Test', password: PASSWORD }, orgA, 'huisarts', null)
      return { body: { email, password: PASSWORD } }
    },
    // Signing in replaces the caller's session cookie.
    fresh: true,
  },
  'POST /api/auth/totp/setup': { expect: anySession('ok', 409) },
  'POST /api/auth/totp/confirm': {
    expect: anySession('ok', 409),
    prepare: async ({ id, agent }) => {
      if (id.kind !== 'password-only') return { body: { code: '000000' } }
      const { secret } = (await (await agent.call('POST', '/api/auth/totp/setup')).json()) as { secret: string }
      clock.advance(30)
      return { body: { code: totpAt(secret, counterAt(clock.now())) } }
    },
    fresh: true,
  },
  'POST /api/auth/totp': {
    expect: anySession(409, 'ok'),
    prepare: async ({ user }) => {
      clock.advance(30)
      return { body: { code: user?.secret ? totpAt(user.secret, counterAt(clock.now())) : '000000' } }
    },
    // A full second factor gives the session a new token.
    fresh: true,
  },
  'GET /api/auth/me': { expect: anySession('ok', 'ok') },
  'POST /api/auth/password': { expect: fully(), prepare: async () => ({ body: { currentPassword: PASSWORD, newPassword: 'Hazelaar-Weg-73-Oss' } }), fresh: true },
  'POST /api/auth/sign-out': { expect: anySession('ok', 'ok'), fresh: true },
  'POST /api/auth/sign-out-everywhere': { expect: fully(), fresh: true },
  'POST /api/links/inspect': { expect: open(), prepare: async () => ({ body: { token: (await invitationToA()).token } }) },
  'POST /api/links/redeem': { expect: open(), prepare: async () => ({ body: { token: (await invitationToA()).token, password: 'Hazelaar-Weg-73-Oss', name: 'Nieuw' } }) },
  'GET /api/region/organisations': { expect: regionBeheerder() },
  'POST /api/region/organisations': { expect: regionBeheerder(), prepare: async () => ({ body: { name: `Praktijk ${randomUUID().slice(0, 8)}` } }) },
  'GET /api/orgs/:orgId/members': { expect: aBeheerder(true), prepare: async () => ({ path: `/api/orgs/${orgA}/members` }) },
  'POST /api/orgs/:orgId/invitations': {
    expect: aBeheerder(false),
    prepare: async () => ({ path: `/api/orgs/${orgA}/invitations`, body: { email: `new.${randomUUID().slice(0, 8)}@example.org`, name: 'Nieuw Lid', role: 'sociaal-werker' } }),
  },
  'GET /api/orgs/:orgId/invitations': { expect: aBeheerder(false), prepare: async () => ({ path: `/api/orgs/${orgA}/invitations` }) },
  'DELETE /api/orgs/:orgId/invitations/:id': { expect: aBeheerder(false), prepare: async () => ({ path: `/api/orgs/${orgA}/invitations/${(await invitationToA()).id}` }) },
  'DELETE /api/orgs/:orgId/members/:userId': { expect: aBeheerder(false), prepare: async () => ({ path: `/api/orgs/${orgA}/members/${await memberOfA()}` }) },
  'POST /api/orgs/:orgId/members/:userId/lock': { expect: aBeheerder(true), prepare: async () => ({ path: `/api/orgs/${orgA}/members/${await memberOfA()}/lock` }) },
  'POST /api/orgs/:orgId/members/:userId/unlock': { expect: aBeheerder(true), prepare: async () => ({ path: `/api/orgs/${orgA}/members/${await memberOfA()}/unlock` }) },
  'POST /api/orgs/:orgId/members/:userId/sign-out': { expect: aBeheerder(true), prepare: async () => ({ path: `/api/orgs/${orgA}/members/${await memberOfA()}/sign-out` }) },
  'POST /api/orgs/:orgId/members/:userId/password-reset': { expect: aBeheerder(true), prepare: async () => ({ path: `/api/orgs/${orgA}/members/${await memberOfA()}/password-reset` }) },
  'POST /api/orgs/:orgId/members/:userId/totp-reset': { expect: aBeheerder(true), prepare: async () => ({ path: `/api/orgs/${orgA}/members/${await memberOfA()}/totp-reset` }) },
  'GET /api/orgs/:orgId/devices': { expect: aBeheerder(false), prepare: async () => ({ path: `/api/orgs/${orgA}/devices` }) },
  'POST /api/orgs/:orgId/devices/:deviceId/approve': {
    expect: aBeheerder(false),
    prepare: async () => {
      const id = await pendingDevice(someUserId)
      const certificate = await certify(orgA, { id, userId: someUserId, name: 'Testtelefoon', publicKey: jwk as PublicJwk, signingKey: pendingSigningKey }, ['sociaal-werker'])
      return { path: `/api/orgs/${orgA}/devices/${id}/approve`, body: { certificate } }
    },
  },
  'GET /api/orgs/:orgId/chain': { expect: aBeheerder(false), prepare: async () => ({ path: `/api/orgs/${orgA}/chain` }) },
  // A's key is set (seeded): A's beheerder is told it cannot be replaced; nobody else gets that far.
  'PUT /api/orgs/:orgId/organisation-key': {
    expect: (id) => (id.kind !== 'role' ? 401 : id.role === 'beheerder' && id.org === 'A' ? 409 : 403),
    prepare: async (ctx) => {
      const key = (await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair
      const keys = ctx.device?.keys ?? (await makeDeviceKeys())
      const listed = { id: ctx.device?.id ?? randomUUID(), name: 'Telefoon', status: 'approved', userId: ctx.user?.userId ?? someUserId, publicKey: keys.publicKey, signingKey: keys.signingKey, roles: ['beheerder' as const], certificate: null }
      const certificate = await signCertificate(unsignedFor(orgA, listed, { kind: 'organisation' }), key.privateKey)
      return { path: `/api/orgs/${orgA}/organisation-key`, body: { organisationKey: await publicJwk(key.publicKey), certificate } }
    },
  },
  'POST /api/orgs/:orgId/devices/:deviceId/revoke': { expect: aBeheerder(false), prepare: async () => ({ path: `/api/orgs/${orgA}/devices/${await pendingDevice(someUserId)}/revoke` }) },
  'GET /api/orgs/:orgId/audit': { expect: aBeheerder(false), prepare: async () => ({ path: `/api/orgs/${orgA}/audit` }) },
  // Registering a device for organisation A: only its own members.
  'POST /api/devices': { expect: inA(ROLES), prepare: async () => ({ body: registrationBody(orgA, await makeDeviceKeys(), 'Mijn telefoon') }) },
  'GET /api/devices': { expect: fully() },
  // Another user's device is nobody else's business: every identity asks about someone else's.
  'GET /api/devices/:id': { expect: (id) => (id.kind !== 'role' ? 401 : 404), prepare: async () => ({ path: `/api/devices/${await pendingDevice(someUserId)}` }) },
  // A phone asks its status without a session: a challenge for anyone, the answer counts only with the device's signature.
  'POST /api/devices/:id/challenge': { expect: open(), prepare: async () => ({ path: `/api/devices/${await pendingDevice(someUserId)}/challenge`, body: { purpose: 'status' } }) },
  'POST /api/devices/:id/status': { expect: open(), prepare: async ({ agent }) => answeredChallenge(agent, 'status') },
  // Binding someone else's device to one's session: not even with a valid answer from it.
  'POST /api/devices/:id/bind': { expect: (id) => (id.kind !== 'role' ? 401 : 404), prepare: async ({ agent }) => answeredChallenge(agent, 'bind') },
  'GET /api/map/services': { expect: fully(['kaartbeheerder']) },
  'GET /api/map/organisations': { expect: fully(['kaartbeheerder']) },
  'GET /api/map/own-services': { expect: fully() },
  'GET /api/map/services/:id': { expect: fully(['kaartbeheerder']), prepare: async () => ({ path: `/api/map/services/${map[0]!.id}` }) },
  'POST /api/map/services': { expect: fully(['kaartbeheerder']), prepare: async () => ({ body: { service: { ...map[1]!, id: randomUUID() } } }) },
  'PUT /api/map/services/:id': {
    expect: fully(['kaartbeheerder']),
    prepare: async () => {
      const s = await freshService()
      return { path: `/api/map/services/${s.id}`, body: { service: { ...s, name: 'Bewerkt' } } }
    },
  },
  'POST /api/map/services/:id/retire': { expect: fully(['kaartbeheerder']), prepare: async () => ({ path: `/api/map/services/${(await freshService()).id}/retire` }) },
  'POST /api/map/services/:id/verify': { expect: fully(['kaartbeheerder']), prepare: async () => ({ path: `/api/map/services/${(await freshService()).id}/verify` }) },
  'GET /api/map/services/:id/versions': { expect: fully(['kaartbeheerder']), prepare: async () => ({ path: `/api/map/services/${map[0]!.id}/versions` }) },
  'GET /api/map/reports': { expect: fully(['kaartbeheerder']) },
  'POST /api/map/reports/:id/resolve': {
    expect: fully(['kaartbeheerder']),
    prepare: async () => {
      const id = randomUUID()
      await storeReport(db, { id, serviceId: map[0]!.id, message: 'Adres klopt niet' })
      return { path: `/api/map/reports/${id}/resolve`, body: { resolution: 'Aangepast' } }
    },
  },
  // A proposal for a listing organisation A owns: only A's members may make one.
  'POST /api/map/proposals': {
    expect: (id) => (id.kind !== 'role' ? 401 : id.org === 'A' ? 'ok' : 403),
    prepare: async () => ({ body: { service: { ...(await freshService()), description: 'Voorstel' } } }),
  },
  'GET /api/map/proposals': { expect: fully() },
  // Residents' initiatives: the region's map editors only.
  'GET /api/map/initiatives': { expect: fully(['kaartbeheerder']) },
  'POST /api/map/initiatives/:id/accept': { expect: fully(['kaartbeheerder']), prepare: async () => ({ path: `/api/map/initiatives/${await openInitiative()}/accept` }) },
  'POST /api/map/initiatives/:id/reject': {
    expect: fully(['kaartbeheerder']),
    prepare: async () => ({ path: `/api/map/initiatives/${await openInitiative()}/reject`, body: { reason: 'Geen activiteit in de regio' } }),
  },
  // Room of a listing A owns: the region's kaartbeheerder, and A's social worker and beheerder; not A's GP, nobody in B (src/shared/socialMap/room.ts).
  'PUT /api/map/services/:id/room': {
    expect: (id) => (id.kind !== 'role' ? 401 : (id.org === 'R' && id.role === 'kaartbeheerder') || (id.org === 'A' && (id.role === 'sociaal-werker' || id.role === 'beheerder')) ? 'ok' : 403),
    prepare: async () => ({ path: `/api/map/services/${(await freshService()).id}/room`, body: { available: 1, maximum: 5 } }),
  },
  // Counting: a social worker's device, for the organisation it is registered in (A's here).
  'POST /api/kpi/counters': { expect: onDevice(inA(['sociaal-werker'])), prepare: async () => ({ body: { organisationId: orgA } }) },
  // Moving one's own counting id to the device (a restored backup); it is already there here.
  'POST /api/kpi/counters/:id/move': { expect: onDevice(fully(['sociaal-werker'])), prepare: async (ctx) => ({ path: `/api/kpi/counters/${await counterOf(ctx)}/move` }) },
  // A snapshot counts for the device's own organisation, signed by the device.
  'POST /api/kpi/snapshots': {
    expect: onDevice(fully(['sociaal-werker'])),
    prepare: async (ctx) => {
      const unsigned = { snapshotVersion: 1, counterId: await counterOf(ctx), period: '2026-H2', rows: [] }
      const signWith = ctx.device?.keys.signing.privateKey ?? (await makeDeviceKeys()).signing.privateKey
      const signature = await signMessage(signWith, await snapshotMessage({ ...unsigned, organisationId: ctx.device?.organisationId ?? orgA }))
      return { body: { ...unsigned, signature } }
    },
  },
  'GET /api/kpi/totals': { expect: fully(['programma']), prepare: async () => ({ path: '/api/kpi/totals?period=2026-H2' }) },
  'GET /api/kpi/trend': { expect: fully(['programma']) },
  'GET /api/kpi/measures': { expect: fully(['programma']), prepare: async () => ({ path: '/api/kpi/measures?period=2026-H2' }) },
  'GET /api/kpi/measure-report': { expect: fully(['programma']), prepare: async () => ({ path: '/api/kpi/measure-report?period=2026-H1' }) },
  'GET /api/kpi/evidence': { expect: fully(['programma']), prepare: async () => ({ path: '/api/kpi/evidence?period=2026-H1' }) },
  'GET /api/kpi/targets': { expect: fully(['programma']) },
  'PUT /api/kpi/targets': {
    expect: fully(['programma']),
    prepare: async () => ({ body: { targets: [{ period: 'p4', kpi: 'included', intervention: 'wor', target: 120 }, { period: 'p4', kpi: 'first-contact', intervention: 'wor', target: 90 }] } }),
  },
  // The accountability periods (docs/kpi.md "Periods and targets"): the plan's list, sent back unchanged.
  'GET /api/kpi/periods': { expect: fully(['programma']) },
  'PUT /api/kpi/periods': { expect: fully(['programma']), prepare: async () => ({ body: { periods: DEFAULT_ACCOUNTABILITY_PERIODS } }) },
  // The method holds no personal data: phones fetch it like the map, without an account.
  'GET /api/method': { expect: open() },
  'GET /api/method/versions/:version': { expect: open(), prepare: async () => ({ path: '/api/method/versions/1' }) },
  // The history and publishing: the region's programme office only (an ordinary beheerder neither).
  'GET /api/method/versions': { expect: fully(['programma']) },
  'POST /api/method': {
    expect: fully(['programma']),
    prepare: async () => ({ body: { ...BUNDLED_METHOD, version: (await latestVersion(db)) + 1, note: { nl: 'Proefversie.', en: 'Trial version.' } } }),
  },
  // Ik wil hulp (issue 20): open to residents; the inbox for the receiving organisation's social workers on their devices.
  'GET /api/help-requests/directory': { expect: open() },
  'POST /api/help-requests': {
    expect: open(),
    prepare: async () => {
      // The per-address limit is tested in helpRequests.test.ts; here every identity comes from the same address.
      await db.query(`DELETE FROM rate_limits WHERE bucket LIKE 'help:%'`)
      await db.query(`INSERT INTO referral_routes (intervention, municipality, organisation_id) VALUES ('wor', 'Oss', $1) ON CONFLICT (intervention, municipality) DO UPDATE SET organisation_id = $1`, [orgA])
      const signed = await sealedForA()
      const recipients = (await receivingDevices(db, [orgA])).map((r) => ({ ...signed.recipients[0]!, deviceId: r.deviceId }))
      return { body: { id: randomUUID(), municipality: 'Oss', organisationId: orgA, sealed: { ...signed, recipients, v: 3, sender: { kind: 'unauthenticated' } } } }
    },
  },
  'GET /api/help-requests/inbox': { expect: onDevice(fully(['sociaal-werker'])) },
  // A request sent to A: only A's social worker, on an approved device, takes it out; another organisation's gets 404.
  'DELETE /api/help-requests/:id': {
    expect: onDevice((id) => (id.kind !== 'role' ? 401 : id.role !== 'sociaal-werker' ? 403 : id.org === 'A' ? 'ok' : 404)),
    prepare: async () => {
      const requestId = randomUUID()
      const signed = await sealedForA()
      await insertHelpRequest(db, { id: requestId, municipality: 'Oss', receivingOrganisationId: orgA, receivedAt: new Date(clock.now()), answerBy: '2026-12-31', sealed: { ...signed, v: 3, sender: { kind: 'unauthenticated' } } as never })
      return { path: `/api/help-requests/${requestId}` }
    },
  },
  'GET /api/referrals/routes': { expect: fully(['beheerder', 'huisarts']) },
  // The routing table decides who receives every referral: the region's beheerder only.
  'PUT /api/referrals/routes': { expect: regionBeheerder(), prepare: async () => ({ body: { routes: [{ intervention: 'wor', municipality: 'Oss', organisationId: orgA }] } }) },
  'GET /api/referrals/directory': { expect: onDevice(fully(['huisarts'])) },
  // Referring on behalf of practice A: only A's own GPs.
  'POST /api/referrals': {
    expect: onDevice(inA(['huisarts'])),
    prepare: async (ctx) => {
      const id = randomUUID()
      const sentAt = new Date().toISOString()
      return { body: { id, intervention: 'wor', senderOrganisationId: orgA, receivingOrganisationId: orgA, sentAt, sealed: await sealedForA(ctx, `referral|${id}`, sentAt) } }
    },
  },
  'GET /api/referrals/sent': { expect: onDevice(fully(['huisarts'])) },
  'GET /api/referrals/inbox': { expect: onDevice(fully(['sociaal-werker'])) },
  'GET /api/referrals/:id/keys': {
    // Only the sender and the receiving organisation's social workers know the referral exists; other roles hold no referral keys.
    expect: onDevice((id) => (id.kind !== 'role' ? 401 : id.role !== 'huisarts' && id.role !== 'sociaal-werker' ? 403 : id.org === 'A' ? 'ok' : 404)),
    // A's GP asks about their own referral; everyone else about one they did not send.
    prepare: async ({ id, user }) => ({ path: `/api/referrals/${await referralFrom(id.kind === 'role' && id.role === 'huisarts' && id.org === 'A' && user ? user.userId : someUserId)}/keys` }),
  },
  // A referral to organisation A: a social worker elsewhere does not even learn it exists.
  'POST /api/referrals/:id/events': {
    expect: onDevice((id) => (id.kind !== 'role' ? 401 : id.role !== 'sociaal-werker' ? 403 : id.org === 'A' ? 'ok' : 404)),
    prepare: async (ctx) => {
      const referralId = await referralFrom(someUserId)
      const id = randomUUID()
      const at = new Date().toISOString()
      return { path: `/api/referrals/${referralId}/events`, body: { id, kind: 'ontvangen', at, sealed: await sealedForA(ctx, signedEventContext(referralId, id, 'ontvangen'), at) } }
    },
  },
  // Case sync: a social worker's own device. A's social worker acts on a case of their own; everyone
  // else on someone else's, which a social worker elsewhere does not even learn exists.
  'GET /api/case-sync/access-log': { expect: fully(['beheerder']), prepare: async () => ({ path: '/api/case-sync/access-log?from=2026-11-01&to=2026-11-30' }) },
  'GET /api/case-sync/user-keys': { expect: onDevice(fully(['sociaal-werker'])) },
  'POST /api/case-sync/user-keys': { expect: onDevice(fully(['sociaal-werker'])), prepare: async (ctx) => ({ body: await userKeyBox(await signerOf(ctx)) }) },
  'GET /api/case-sync/docs': { expect: onDevice(fully(['sociaal-werker'])) },
  'POST /api/case-sync/docs': { expect: onDevice(fully(['sociaal-werker'])), prepare: async (ctx) => ({ body: await (await TestCase.make()).createBody(await signerOf(ctx)) }) },
  'GET /api/case-sync/docs/:docId': { expect: caseMember, prepare: async (ctx) => ({ path: `/api/case-sync/docs/${(await caseOf(ctx)).docId}` }) },
  'POST /api/case-sync/docs/:docId/updates': {
    expect: caseMember,
    prepare: async (ctx) => {
      const { docId, c, foreign } = await caseOf(ctx)
      return { path: `/api/case-sync/docs/${docId}/updates`, body: await c.update(await signerOf(ctx), 'x', foreign ? { snapshotId: randomUUID() } : {}) }
    },
  },
  'POST /api/case-sync/docs/:docId/snapshots': {
    expect: caseMember,
    prepare: async (ctx) => {
      const { docId, c, foreign } = await caseOf(ctx)
      return { path: `/api/case-sync/docs/${docId}/snapshots`, body: await c.snapshot(await signerOf(ctx), {}, foreign ? { parentId: randomUUID(), parentHash: 'a'.repeat(64) } : {}) }
    },
  },
  'GET /api/case-sync/docs/:docId/access-log': { expect: caseMember, prepare: async (ctx) => ({ path: `/api/case-sync/docs/${(await caseOf(ctx)).docId}/access-log` }) },
  // The team (docs/case-sync.md "The team"): test/server/caseTeamMatrix.ts.
  ...teamMatrixRows<Ctx>({ db: () => db, onDevice: onDevice(fully(['sociaal-werker'])), caseMember, signerOf, caseOf, memberOfA }),
  'POST /api/map/proposals/:id/accept': { expect: fully(['kaartbeheerder']), prepare: async () => ({ path: `/api/map/proposals/${await openProposal()}/accept` }) },
  'POST /api/map/proposals/:id/reject': { expect: fully(['kaartbeheerder']), prepare: async () => ({ path: `/api/map/proposals/${await openProposal()}/reject`, body: { reason: 'Niet nodig' } }) },
  // Recovery (docs/case-sync.md "Recovery"): test/server/caseRecoveryMatrix.ts.
  ...recoveryMatrixRows({ db: () => db, orgOf, orgA: () => orgA, someUserId: () => someUserId, issuer: (org) => trusts[org]!.issuer, certify, now: () => new Date(clock.now()) }),
  // The resident's plan links (docs/resident-plan.md "Server"): test/server/residentPlanMatrix.ts.
  ...residentPlanMatrixRows<Identity>({ db: () => db, onDevice: onDevice(fully(['sociaal-werker'])), open: open(), orgA: () => orgA, someUserId: () => someUserId, now: () => clock.now() }),
  // The samenwerkplan shared with participants (docs/shared-plan.md "Server"): test/server/planMatrix.ts.
  ...planMatrixRows<Identity, Ctx>({ db: () => db, caseMember, participant: onDevice(fully(['huisarts', 'sociaal-werker'])), caseOf, orgA: () => orgA, someUserId: () => someUserId }),
}

/** The identity as a case's signer: its own device, or keys of a device it does not have. */
async function signerOf(ctx: Ctx) {
  return { agent: ctx.agent, userId: ctx.user?.userId ?? someUserId, device: ctx.device ?? { id: randomUUID(), organisationId: orgA, keys: await makeDeviceKeys() } }
}
/** A's social worker on their device: a case of their own; everyone else: someone else's case. */
async function caseOf(ctx: Ctx): Promise<{ docId: string; c: TestCase; foreign: boolean }> {
  if (ctx.id.kind === 'role' && ctx.id.role === 'sociaal-werker' && ctx.id.org === 'A' && ctx.device) {
    const c = await ownCase(await signerOf(ctx))
    return { docId: c.docId, c, foreign: false }
  }
  const docId = await someoneElsesCase(db, orgA, someUserId)
  return { docId, c: await TestCase.make(docId), foreign: true }
}

async function openInitiative() {
  const id = randomUUID()
  const proposal = initiativeProposal(id)
  await db.query('INSERT INTO initiative_proposals (id, name, doc) VALUES ($1, $2, $3::jsonb)', [id, proposal.name, JSON.stringify(proposal)])
  return id
}
async function openProposal() {
  const s = await freshService()
  const id = randomUUID()
  await db.query('INSERT INTO proposals (id, service_id, organisation_id, proposed_by, doc) VALUES ($1, $2, $3, $4, $5::jsonb)', [id, s.id, orgA, someUserId, JSON.stringify({ ...s, name: 'Voorgesteld' })])
  return id
}

/** A role identity's own phone: registered, approved with a certificate (seeded), bound to the session. */
async function withDevice(ctx: Ctx): Promise<Ctx> {
  if (ctx.id.kind !== 'role' || ctx.id.noDevice) return ctx
  const org = orgOf(ctx.id)
  const device = await registerDevice(ctx.agent, org)
  const certificate = await certify(org, { id: device.id, userId: ctx.user!.userId, name: 'Telefoon', publicKey: device.keys.publicKey, signingKey: device.keys.signingKey }, [ctx.id.role])
  await db.query("UPDATE devices SET status = 'approved', certificate = $2::jsonb WHERE id = $1", [device.id, JSON.stringify(certificate)])
  await bindDevice(ctx.agent, device)
  return { ...ctx, device }
}

async function identity(id: Identity): Promise<Ctx> {
  if (id.kind === 'anonymous') return { id, agent: new Agent(app) }
  if (id.kind === 'password-only') {
    const email = `pw.${randomUUID().slice(0, 8)}@example.org`
    const { userId } = await addMember(db, { email, name: 'Half Ingelogd', password: PASSWORD }, orgA, 'huisarts', null)
    const agent = new Agent(app)
    agent.csrf = ((await (await agent.call('POST', '/api/auth/sign-in', { email, password: PASSWORD })).json()) as { csrfToken: string }).csrfToken
    return { id, agent, user: { userId } }
  }
  const s = await signedIn(app, db, clock, id.role, { organisationId: { A: orgA, B: orgB, R: orgR }[id.org] })
  return { id, agent: s.agent, user: { userId: s.userId, secret: s.secret } }
}

let shared: Ctx[]
beforeAll(async () => {
  ;({ db, close, app } = await setupServerTest({ clock }))
  await storeServices(db, map)
  orgA = await createOrganisation(db, 'Organisatie A', null)
  orgB = await createOrganisation(db, 'Organisatie B', null)
  orgR = await regionOrganisation(db)
  someUserId = (await addMember(db, { email: 'lid@example.org', name: 'Een Lid', password: PASSWORD }, orgA, 'sociaal-werker', null)).userId
  pendingSigningKey = (await makeDeviceKeys()).signingKey
  for (const org of [orgA, orgB, orgR]) await seedTrust(org)
  shared = []
  for (const id of IDENTITIES) shared.push(await withDevice(await identity(id)))
}, 300_000)
afterAll(async () => {
  await close()
})

describe('the authorisation matrix', () => {
  it('has a row for every endpoint the server has, and no row for one it lacks', () => {
    const routes = new Set(app.routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/')).map((r) => `${r.method} ${r.path}`))
    expect([...routes].sort()).toEqual(Object.keys(ROWS).sort())
    // And a response schema for every one (the contract, test/server/contract.ts).
    expect([...routes].sort()).toEqual(routesWithSchema().sort())
  })

  for (const [key, row] of Object.entries(ROWS)) {
    it(`${key}: ${IDENTITIES.map((id) => `${label(id)}→${row.expect(id)}`).join(', ')}`, async () => {
      const [method, path] = key.split(' ') as [string, string]
      const seen: Record<string, Expect> = {}
      const wanted: Record<string, Expect> = {}
      const broken: string[] = []
      for (const [i, id] of IDENTITIES.entries()) {
        const ctx = row.fresh ? await identity(id) : shared[i]!
        clock.advance(61) // no rate limit or wait carries over from the row before
        const prepared = row.prepare ? await row.prepare(ctx) : {}
        const res = await ctx.agent.call(method, prepared.path ?? path, prepared.body)
        const want = row.expect(id)
        seen[label(id)] = want === 'ok' && res.status >= 200 && res.status < 300 ? 'ok' : res.status
        wanted[label(id)] = want
        const contract = await contractProblem(key, res)
        if (contract) broken.push(`${label(id)}: ${contract}`)
      }
      expect(seen).toEqual(wanted)
      // Every 2xx answer fits the shared schema the app reads it with.
      expect(broken).toEqual([])
      // A fresh row signs every identity in again (two password hashes each): on a busy PostgreSQL run that takes a while.
    }, row.fresh ? 120_000 : 30_000)
  }
})
