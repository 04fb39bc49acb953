/**
 * The recovery routes' rows of the authorisation matrix (test/server/authorisationMatrix.test.ts;
 * docs/case-sync.md "Recovery"): a beheerder's device sets up the recovery key and runs the
 * ceremony for their own organisation only; a social worker's device seals its own user keys and
 * reads its own recoveries. Rows seed what they name straight into the tables, signed and sealed
 * with real keys, so A's beheerder gets a real answer the contract test checks.
 */
import { randomUUID } from 'node:crypto'
import { recoveryKeyContext, type RecoveryKey } from '../../src/shared/api/caseRecovery'
import { userKeyContext } from '../../src/shared/api/caseSync'
import { sealSigned } from '../../src/shared/crypto/sealed'
import type { Certificate } from '../../src/shared/devices/certificates'
import type { Role } from '../../src/shared/accounts/roles'
import type { Database } from '../../src/server/db/types'
import { recoveryBox, recoverySetup, startBody } from './caseRecoveryWorld'
import { makeDeviceKeys, type PublicJwk, type TestDevice } from './devices'

type Identity = { kind: 'anonymous' } | { kind: 'password-only' } | { kind: 'role'; role: Role; org: 'A' | 'B' | 'R'; noDevice?: true }
type Expect = 'ok' | number
interface Ctx {
  id: Identity
  agent: unknown
  user?: { userId: string }
  device?: TestDevice
}
interface Row {
  expect: (id: Identity) => Expect
  prepare?: (ctx: Ctx) => Promise<{ path?: string; body?: unknown }>
}
export interface RecoveryMatrixEnv {
  db: () => Database
  orgOf: (id: Identity) => string
  orgA: () => string
  someUserId: () => string
  /** The organisation's seeded beheerder device (certified by the organisation key). */
  issuer: (organisationId: string) => TestDevice & { userId?: string }
  certify: (organisationId: string, device: { id: string; userId: string; name: string; publicKey: PublicJwk; signingKey: PublicJwk }, roles: Role[]) => Promise<Certificate>
  /** The server's clock (a signed start must be near it). */
  now: () => Date
}

const R = '/api/case-sync/recovery'
const noDevice = (id: Identity) => id.kind === 'role' && !!id.noDevice
const onDevice = (roles: Role[], otherOrg: Expect = 'ok') => (id: Identity): Expect =>
  id.kind !== 'role' ? 401 : noDevice(id) || !roles.includes(id.role) ? 403 : id.org === 'A' ? 'ok' : otherOrg

export function recoveryMatrixRows(env: RecoveryMatrixEnv): Record<string, Row> {
  const q = (sql: string, params: unknown[]) => env.db().query(sql, params)
  const holder = (device: TestDevice, userId: string) => ({ agent: undefined as never, device, userId })

  /** The organisation's recovery key, seeded (signed by its issuer device, sealed to it) when it has none. */
  async function keyOf(org: string): Promise<RecoveryKey> {
    const { rows } = await q('SELECT body FROM recovery_keys WHERE organisation_id = $1', [org])
    if (rows[0]) return (rows[0] as { body: RecoveryKey }).body
    const issuer = env.issuer(org)
    const { body } = await recoverySetup(holder(issuer, randomUUID()), [issuer])
    await q('INSERT INTO recovery_keys (id, organisation_id, body) VALUES ($1, $2, $3::jsonb)', [body.key.id, org, JSON.stringify(body.key)])
    await q('INSERT INTO recovery_key_boxes (recovery_key_id, device_id, box) VALUES ($1, $2, $3::jsonb)', [body.key.id, issuer.id, JSON.stringify(body.boxes[0]!.box)])
    return body.key
  }
  /** The caller's device joins the recovery group of A's key (its box sealed by the issuer). */
  async function joinGroup(key: RecoveryKey, device: TestDevice) {
    const issuer = env.issuer(key.organisationId)
    const box = await sealSigned({ organisationId: key.organisationId, recoveryKeyId: key.id, pkcs8: 'AAAA' }, [{ deviceId: device.id, publicKey: device.keys.publicKey }], recoveryKeyContext(key.organisationId, key.id), { deviceId: issuer.id, signingKey: issuer.keys.signing.privateKey }, new Date().toISOString())
    await q('INSERT INTO recovery_key_boxes (recovery_key_id, device_id, box) VALUES ($1, $2, $3::jsonb) ON CONFLICT DO NOTHING', [key.id, device.id, JSON.stringify(box)])
  }
  /** A new, certified device of A's member someUserId whose user key is sealed to A's recovery key. */
  async function workerDevice(key: RecoveryKey) {
    const keys = await makeDeviceKeys()
    const id = randomUUID()
    const userId = env.someUserId()
    const certificate = await env.certify(env.orgA(), { id, userId, name: 'Nieuwe telefoon', publicKey: keys.publicKey, signingKey: keys.signingKey }, ['sociaal-werker'])
    await q("INSERT INTO devices (id, user_id, organisation_id, name, public_key, auth_key, signing_key, status, certificate) VALUES ($1, $2, $3, 'Nieuwe telefoon', $4::jsonb, $5::jsonb, $6::jsonb, 'approved', $7::jsonb)", [
      id, userId, env.orgA(), JSON.stringify(keys.publicKey), JSON.stringify(keys.authKey), JSON.stringify(keys.signingKey), JSON.stringify(certificate),
    ])
    const device = { id, organisationId: env.orgA(), keys }
    const box = await recoveryBox(holder(device, userId), key)
    await q('INSERT INTO user_recovery_boxes (user_id, user_key_id, recovery_key_id, device_id, box) VALUES ($1, $2, $3, $4, $5::jsonb)', [userId, box.keyId, key.id, id, JSON.stringify(box.box)])
    return { device, keyId: box.keyId, userId }
  }
  /** An open request for that device, started by someone else than the caller. */
  async function openRequest(ctx: Ctx) {
    const key = await keyOf(env.orgA())
    if (ctx.device && ctx.device.organisationId === env.orgA()) await joinGroup(key, ctx.device)
    const target = await workerDevice(key)
    const id = randomUUID()
    await q('INSERT INTO recovery_requests (id, organisation_id, user_id, device_id, started_by, started_at) VALUES ($1, $2, $3, $4, $3, now())', [id, env.orgA(), env.someUserId(), target.device.id])
    return { id, target }
  }

  return {
    'GET /api/case-sync/recovery/key': { expect: onDevice(['sociaal-werker', 'beheerder']) },
    // Each organisation's beheerder sets up their own (an earlier one is removed first, so each row can).
    'POST /api/case-sync/recovery/key': {
      expect: onDevice(['beheerder']),
      prepare: async (ctx) => {
        const org = env.orgOf(ctx.id)
        await q('DELETE FROM recovery_keys WHERE organisation_id = $1', [org])
        const device = ctx.device ?? { id: randomUUID(), organisationId: org, keys: await makeDeviceKeys() }
        return { body: (await recoverySetup(holder(device, ctx.user?.userId ?? randomUUID()), [device, env.issuer(org)])).body }
      },
    },
    'POST /api/case-sync/recovery/user-keys': {
      expect: onDevice(['sociaal-werker']),
      prepare: async (ctx) => {
        const device = ctx.device ?? { id: randomUUID(), organisationId: env.orgA(), keys: await makeDeviceKeys() }
        return { body: await recoveryBox(holder(device, ctx.user?.userId ?? randomUUID()), await keyOf(env.orgOf(ctx.id))) }
      },
    },
    'GET /api/case-sync/recovery/requests': { expect: onDevice(['beheerder']) },
    // For a new device of A's member: only A's beheerder (elsewhere the device is not theirs to recover).
    'POST /api/case-sync/recovery/requests': {
      expect: onDevice(['beheerder'], 409),
      prepare: async (ctx) => {
        const target = await workerDevice(await keyOf(env.orgA()))
        // The start signed by the caller's own device (for the caller's organisation): what a beheerder's phone sends.
        const device = ctx.device ?? { id: randomUUID(), organisationId: env.orgA(), keys: await makeDeviceKeys() }
        return { body: await startBody(holder(device, ctx.user?.userId ?? randomUUID()), target, env.now()) }
      },
    },
    'GET /api/case-sync/recovery/requests/:id': { expect: onDevice(['beheerder'], 404), prepare: async (ctx) => ({ path: `${R}/requests/${(await openRequest(ctx)).id}` }) },
    'POST /api/case-sync/recovery/requests/:id/confirm': {
      expect: onDevice(['beheerder'], 404),
      prepare: async (ctx) => {
        const { id, target } = await openRequest(ctx)
        const by = ctx.device ?? { id: randomUUID(), organisationId: env.orgA(), keys: await makeDeviceKeys() }
        const userId = env.someUserId()
        const content = { userId, keyId: target.keyId, key: Buffer.alloc(32, 3).toString('base64') }
        const box = await sealSigned(content, [{ deviceId: target.device.id, publicKey: target.device.keys.publicKey }], userKeyContext(userId, target.keyId), { deviceId: by.id, signingKey: by.keys.signing.privateKey }, new Date().toISOString())
        return { path: `${R}/requests/${id}/confirm`, body: { boxes: [{ keyId: target.keyId, deviceId: target.device.id, box }] } }
      },
    },
    'GET /api/case-sync/recovery/mine': { expect: onDevice(['sociaal-werker']) },
  }
}
