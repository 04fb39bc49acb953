/**
 * A professional's phone (docs/device-trust.md): it registers three public keys, the
 * organisation's beheerder approves it, and it proves itself by answering the server's one-time
 * challenges with its authentication key — for its status without any session (a revoked phone
 * learns to wipe even when its session has long expired), or to bind the signed-in session to
 * itself, which is what acting on shared records needs (requireApprovedDevice).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { Hono, type Context } from 'hono'
import {
  CHALLENGE_SECONDS,
  challengeMessage,
  challengeRequestSchema,
  deviceProofSchema,
  deviceRegistrationSchema,
  type ChallengePurpose,
  type DeviceStatus,
} from '../../shared/devices/deviceTrust'
import { ECDSA_P256, verifyMessage } from '../../shared/crypto/signatures'
import { describeIssues } from '../../shared/core/zodIssues'
import { audit } from '../auth/audit'
import { currentUser, requireUser, type AppEnv } from '../auth/middleware'
import { countHit } from '../auth/rateLimit'
import type { GuardKeys } from '../auth/signIn'
import type { Database, Queryable } from '../db/types'
import { chainsOf } from '../auth/certificates'
import { clientAddress, hashedAddress, type ProxySettings } from '../http/client'
import { problem } from '../http/problem'
import { reply } from '../http/reply'
import { body, isUuid, readJson } from '../http/request'
import { bindSession, devicesOfUser, insertDevice, ownDevice, storeChallenge, takeChallenge, touchDevice } from '../devices/repository'

/** Challenges per address per minute: a phone asks at every contact; a clinic's NAT holds a few dozen phones. */
export const CHALLENGES_PER_MINUTE = 60

export interface DeviceRouteDeps {
  db: Database
  keys: GuardKeys
  proxy: ProxySettings
  /** The server's clock (ms). */
  now: () => number
  /** Days without contact after which a device keeps its data locked (docs/device-trust.md). */
  offlineDays: number
}

const challengeHash = (challenge: string) => createHash('sha256').update(challenge).digest('base64url')

const badProof = (c: Context) =>
  problem(c, 401, 'bad-proof', 'The answer to the challenge is not valid: wrong signature, or the challenge was used, expired or meant for another device. Ask for a new challenge.')

/**
 * Uses up the challenge (once, whatever the outcome) and checks the device's signature over it.
 * The DELETE … RETURNING takes the row: of two requests with the same challenge only one gets it.
 */
async function proven(db: Queryable, deviceId: string, purpose: ChallengePurpose, raw: { challenge: string; signature: string }, now: Date): Promise<{ ok: true; status: DeviceStatus['status'] } | { ok: false; reason: 'bad-proof' | 'register-again' }> {
  const device = await takeChallenge(db, challengeHash(raw.challenge), deviceId, purpose, now)
  if (!device) return { ok: false, reason: 'bad-proof' }
  if (!device.auth_key) return { ok: false, reason: 'register-again' }
  if (!(await verifyMessage(device.auth_key, challengeMessage(deviceId, purpose, raw.challenge), raw.signature))) return { ok: false, reason: 'bad-proof' }
  return { ok: true, status: device.status }
}

const registerAgain = (c: Context) =>
  problem(c, 409, 'register-again', 'This device was registered before it had an authentication key. Register it again from the app.')

/** A public key that parses as JWK but is no point on P-256 is refused now, not when someone seals to it. */
async function isP256Point(jwk: { x: string; y: string }): Promise<boolean> {
  try {
    await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, ECDSA_P256, false, ['verify'])
    return true
  } catch {
    return false
  }
}

export function deviceRoutes({ db, keys, proxy, now, offlineDays }: DeviceRouteDeps) {
  const app = new Hono<AppEnv>()

  app.post('/', requireUser(), async (c) => {
    const raw = await readJson(c)
    if (!raw.ok) return problem(c, 400, 'bad-request', raw.error)
    const value = raw.value as Record<string, unknown> | null
    // An app from before issue 11 sends its encryption key alone.
    if (value && typeof value === 'object' && 'publicKey' in value && !('authKey' in value) && !('signingKey' in value)) {
      return problem(
        c,
        400,
        'register-again',
        'This registration has only one key. Update the app (reload the page) and register the device again: it now needs an encryption, an authentication and a signing key.',
      )
    }
    const parsed = deviceRegistrationSchema.safeParse(value)
    if (!parsed.success) return problem(c, 400, 'bad-request', `Invalid request: ${describeIssues(parsed.error)}`)
    const b = parsed.data
    const xs = new Set([b.publicKey.x, b.authKey.x, b.signingKey.x])
    if (xs.size !== 3) return problem(c, 400, 'bad-request', 'Invalid request: the three keys must be different keys.')
    for (const k of [b.publicKey, b.authKey, b.signingKey]) {
      if (!(await isP256Point(k))) return problem(c, 400, 'bad-request', 'Invalid request: a key is not a valid P-256 public key.')
    }
    const user = currentUser(c)
    if (!user.memberships.some((m) => m.organisationId === b.organisationId)) {
      return problem(c, 403, 'forbidden', 'You are not a member of that organisation.')
    }
    const id = randomUUID()
    await insertDevice(db, { id, userId: user.userId, organisationId: b.organisationId, name: b.name, publicKey: b.publicKey, authKey: b.authKey, signingKey: b.signingKey })
    return reply(c, 'POST /api/devices', { id, status: 'pending' }, 201)
  })

  app.get('/', requireUser(), async (c) => {
    const rows = await devicesOfUser(db, currentUser(c).userId)
    return reply(c, 'GET /api/devices', {
      devices: rows.map((r) => ({
        id: r.id,
        name: r.name,
        status: r.status,
        organisationId: r.organisation_id,
        lastContactAt: r.last_contact_at === null ? null : new Date(r.last_contact_at).toISOString(),
        /** False for a device registered before issue 11: it must register again. */
        canProve: r.has_auth_key,
        /** Checked on the phone, with the chains below, before a user key is sealed to it (docs/case-sync.md). */
        certificate: r.certificate ?? null,
        /** The counting id the device sends under (null: none): a recovered device takes over a lost one's (docs/case-sync.md "Recovery"). */
        counterId: r.counter_id,
      })),
      chains: await chainsOf(db, rows.map((r) => r.organisation_id)),
    })
  })

  /** The status of one's own device with the session (the app's older screens); a phone without a session uses the challenge below. */
  app.get('/:id', requireUser(), async (c) => {
    const id = c.req.param('id')
    const device = isUuid(id) ? await ownDevice(db, id, currentUser(c).userId) : undefined
    if (!device) return problem(c, 404, 'not-found', 'No such device of yours.')
    const status = device.status
    return reply(c, 'GET /api/devices/:id', { id, status, wipe: status === 'revoked' })
  })

  /** A one-time challenge for the device: no session needed, limited per address. */
  app.post('/:id/challenge', async (c) => {
    const t = now()
    const addressKey = hashedAddress(keys.accountKey, clientAddress(c, proxy))
    const wait = await countHit(db, `device-challenge:address:${addressKey}`, CHALLENGES_PER_MINUTE, 60, t)
    if (wait) {
      c.header('Retry-After', String(wait))
      return problem(c, 429, 'rate-limited', `Too many requests from here. Try again in ${wait} seconds.`, { retryAfter: wait })
    }
    const id = c.req.param('id')
    if (!isUuid(id)) return problem(c, 404, 'not-found', 'No such device.')
    const b = await body(c, challengeRequestSchema)
    if (!b.ok) return b.response
    const challenge = randomBytes(32).toString('base64url')
    const expiresAt = new Date(t + CHALLENGE_SECONDS * 1000)
    if (!(await storeChallenge(db, challengeHash(challenge), id, b.value.purpose, expiresAt, new Date(t)))) return problem(c, 404, 'not-found', 'No such device.')
    return reply(c, 'POST /api/devices/:id/challenge', { challenge, expiresAt: expiresAt.toISOString() })
  })

  /** The device's status, for a signed answer to a status challenge — no session. A revoked device is told to wipe. */
  app.post('/:id/status', async (c) => {
    const id = c.req.param('id')
    if (!isUuid(id)) return badProof(c)
    const b = await body(c, deviceProofSchema)
    if (!b.ok) return b.response
    const t = new Date(now())
    const result = await proven(db, id, 'status', b.value, t)
    if (!result.ok) return result.reason === 'register-again' ? registerAgain(c) : badProof(c)
    await touchDevice(db, id, t)
    const answer: DeviceStatus = { id, status: result.status, wipe: result.status === 'revoked', offlineDays, serverTime: t.toISOString() }
    return reply(c, 'POST /api/devices/:id/status', answer)
  })

  /** Binds the signed-in session to the device: only the device's owner, only with the device's signature. */
  app.post('/:id/bind', requireUser(), async (c) => {
    const id = c.req.param('id')
    const user = currentUser(c)
    const b = await body(c, deviceProofSchema)
    if (!b.ok) return b.response
    const own = isUuid(id) ? await ownDevice(db, id, user.userId) : undefined
    if (!own) return problem(c, 404, 'not-found', 'No such device of yours.')
    if (user.device && user.device.id !== id) {
      return problem(c, 409, 'already-bound', 'This session already runs on another device. Sign out and sign in again on this device.')
    }
    const t = new Date(now())
    const result = await proven(db, id, 'bind', b.value, t)
    if (!result.ok) return result.reason === 'register-again' ? registerAgain(c) : badProof(c)
    if (result.status === 'revoked') return problem(c, 409, 'device-revoked', 'This device has been revoked. Its data must be wiped.')
    // Bound only while the device is not revoked; a revocation deletes the session afterwards anyway.
    if (!(await bindSession(db, user.tokenHash, id, user.userId))) return problem(c, 409, 'device-revoked', 'This device has been revoked. Its data must be wiped.')
    await touchDevice(db, id, t)
    await audit(db, { actorId: user.userId, organisationId: own.organisation_id, action: 'bind-session', entity: 'device', entityId: id })
    return reply(c, 'POST /api/devices/:id/bind', { id, status: result.status, bound: true })
  })

  return app
}
