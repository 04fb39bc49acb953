/**
 * The people, phones and boxes of the recovery tests (test/server/caseRecovery.test.ts, the
 * authorisation matrix and the fuzz): an organisation with two beheerders on certified devices
 * (the first holds the organisation key; the second is certified by it as beheerder), a social
 * worker with a phone that has a case, and the signed, sealed messages the phones make with the
 * shared code (src/shared/api/caseRecovery.ts) and real WebCrypto keys.
 */
import { randomUUID } from 'node:crypto'
import { recoveryKeyContext, recoveryPrivateSchema, signRecoveryKey, signRecoveryStart, userKeyRecoveryContext, type RecoveryKey, type SetUpRecovery, type UnsignedRecoveryStart } from '../../src/shared/api/caseRecovery'
import { userKeyContext, type UserKeyBox } from '../../src/shared/api/caseSync'
import { fromBase64, toBase64 } from '../../src/shared/crypto/backup'
import { openSealed, sealSigned, type SealedV2 } from '../../src/shared/crypto/sealed'
import { signCertificate } from '../../src/shared/devices/certificates'
import type { Database } from '../../src/server/db/types'
import type { Agent, Clock } from './agent'
import { signedIn } from './agent'
import { bindDevice, listedDevice, organisationTrust, registerDevice, unsignedFor, publicJwk, type TestDevice } from './devices'
import type { TestApp } from './fixture'

const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const

export interface Holder {
  agent: Agent
  device: TestDevice
  userId: string
}

/** A second beheerder of `org` on a device certified as beheerder by the organisation key (as the key holder's phone does). */
export async function secondBeheerder(app: TestApp, db: Database, clock: Clock, adminAgent: Agent, org: string): Promise<Holder> {
  const who = await signedIn(app, db, clock, 'beheerder', { organisationId: org })
  const trust = await organisationTrust(adminAgent, org)
  const device = await registerDevice(who.agent, org, 'Telefoon beheerder 2')
  const certificate = await signCertificate(unsignedFor(org, await listedDevice(adminAgent, org, device.id), { kind: 'organisation' }), trust.organisationKey.privateKey)
  const res = await adminAgent.call('POST', `/api/orgs/${org}/devices/${device.id}/approve`, { certificate })
  if (res.status !== 200) throw new Error(`approval failed: ${res.status} ${await res.text()}`)
  await bindDevice(who.agent, device)
  return { agent: who.agent, device, userId: who.userId }
}

/** The first beheerder (the organisation key's holder) as a Holder. */
export async function firstBeheerder(adminAgent: Agent, org: string, userId: string): Promise<Holder> {
  const trust = await organisationTrust(adminAgent, org)
  return { agent: adminAgent, device: trust.admin, userId }
}

/**
 * The body of POST /api/case-sync/recovery/requests: the start, signed by `by`'s device, for the
 * worker's new device (`target`), at `at` (the test clock). `change` alters it after or before signing.
 */
export async function startBody(by: Holder, target: { device: { id: string }; userId: string }, at: Date, change: Partial<UnsignedRecoveryStart> = {}, signWith: CryptoKey = by.device.keys.signing.privateKey) {
  const unsigned: UnsignedRecoveryStart = { v: 1, id: randomUUID(), organisationId: by.device.organisationId, userId: target.userId, deviceId: target.device.id, startedBy: by.device.id, startedAt: at.toISOString(), ...change }
  return { start: await signRecoveryStart(unsigned, signWith) }
}

export interface Ork {
  key: RecoveryKey
  pair: CryptoKeyPair
}

/** A recovery key made on `by`'s device and its setup body, the private half sealed to `to` (by default `by` and the others given). */
export async function recoverySetup(by: Holder, to: readonly TestDevice[], change: { organisationId?: string } = {}): Promise<{ ork: Ork; body: SetUpRecovery }> {
  const pair = (await crypto.subtle.generateKey(ECDH, true, ['deriveBits'])) as CryptoKeyPair
  const organisationId = change.organisationId ?? by.device.organisationId
  const key = await signRecoveryKey(
    { v: 1, id: randomUUID(), organisationId, publicKey: await publicJwk(pair.publicKey), createdAt: new Date().toISOString(), deviceId: by.device.id },
    by.device.keys.signing.privateKey,
  )
  const pkcs8 = toBase64(new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey)))
  const boxes = await Promise.all(
    to.map(async (d) => ({
      deviceId: d.id,
      box: await sealSigned({ organisationId, recoveryKeyId: key.id, pkcs8 }, [{ deviceId: d.id, publicKey: d.keys.publicKey }], recoveryKeyContext(organisationId, key.id), { deviceId: by.device.id, signingKey: by.device.keys.signing.privateKey }, new Date().toISOString()),
    })),
  )
  return { ork: { key, pair }, body: { key, boxes } }
}

/** A worker's user key sealed to the recovery key by the worker's device (the body of POST /recovery/user-keys). */
export async function recoveryBox(by: Holder, key: RecoveryKey, keyId = randomUUID(), raw = new Uint8Array(32).fill(7)) {
  const box = await sealSigned(
    { userId: by.userId, keyId, key: toBase64(raw) },
    [{ deviceId: key.id, publicKey: key.publicKey }],
    userKeyRecoveryContext(by.userId, keyId, key.id),
    { deviceId: by.device.id, signingKey: by.device.keys.signing.privateKey },
    new Date().toISOString(),
  )
  return { keyId, recoveryKeyId: key.id, box }
}

/**
 * What the confirming beheerder's phone does: open its box of the recovery key, open each of the
 * worker's boxes with it, and seal every user key to the new device (signed by `by`).
 */
export async function confirmBoxes(by: Holder, detail: { ownBox: SealedV2; recoveryKey: RecoveryKey; boxes: { keyId: string; box: SealedV2 }[]; request: { userId: string } }, target: { id: string; publicKey: JsonWebKey }): Promise<UserKeyBox[]> {
  const k = detail.recoveryKey
  const priv = recoveryPrivateSchema.parse(await openSealed(detail.ownBox, by.device.id, by.device.keys.encryption.privateKey, recoveryKeyContext(k.organisationId, k.id)))
  const orkPrivate = await crypto.subtle.importKey('pkcs8', fromBase64(priv.pkcs8), ECDH, false, ['deriveBits'])
  const out: UserKeyBox[] = []
  for (const b of detail.boxes) {
    const content = await openSealed(b.box, k.id, orkPrivate, userKeyRecoveryContext(detail.request.userId, b.keyId, k.id))
    const box = await sealSigned(content, [{ deviceId: target.id, publicKey: target.publicKey }], userKeyContext(detail.request.userId, b.keyId), { deviceId: by.device.id, signingKey: by.device.keys.signing.privateKey }, new Date().toISOString())
    out.push({ keyId: b.keyId, deviceId: target.id, box })
  }
  return out
}
