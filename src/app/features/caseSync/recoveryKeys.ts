/**
 * The organisation recovery key on the phone (issue 16, docs/case-sync.md "Recovery").
 *
 * - A beheerder's phone makes it (setUpRecoveryKey): an ECDH P-256 pair, the public half signed by
 *   this certified device, the private half sealed to the certified devices of at least two
 *   different beheerders (checked here up to the organisation key this phone pinned).
 * - A worker's phone seals each user key to it (sealUserKeysToRecovery), but only after checking
 *   that the key was signed by a beheerder's device certified under the pinned organisation key:
 *   a key the server made up is refused (trustedRecoveryKey).
 * - Another beheerder's phone confirms a recovery (confirmRecovery): opens its box of the private
 *   half, opens the worker's boxes (each sealed by a certified device of that worker), and seals
 *   every user key to the worker's new, certified device.
 */
import { userKeyContentSchema, userKeyContext, type UserKeyBox } from '../../../shared/api/caseSync'
import { recoveryKeyContext, recoveryKeyVerifies, recoveryPrivateSchema, signRecoveryKey, userKeyRecoveryContext, type RecoveryKey } from '../../../shared/api/caseRecovery'
import { fromBase64, toBase64 } from '../../../shared/crypto/backup'
import { openVerified, sealSigned, type Recipient } from '../../../shared/crypto/sealed'
import { certificateSchema, organisationChainSchema, recipientOf, verifyDeviceCertificate } from '../../../shared/devices/certificates'
import { getChain, listDevices } from '../../api/organisations'
import { deviceRecord, encryptionKey, publicJwk, signingKey } from '../../core/deviceIdentity'
import { pinnedFingerprint } from '../../core/pinnedKeys'
import { pinOwnOrganisation } from './recoveryPin'
import { senderResolver } from '../referrals/trust'
import { confirmRecoveryRequest, getRecoveryKey, getRecoveryRequest, postRecoveryBox, postRecoveryKey } from '../../api/caseRecovery'
import { rawUserKeys } from './userKey'
import { startVerifies } from './recoveryStart'

export class RecoveryError extends Error {
  constructor(readonly code: 'unregistered' | 'no-chain' | 'group-too-small' | 'not-in-group' | 'untrusted-key' | 'bad-target' | 'nothing-opened' | 'unsigned-start') {
    super(code)
  }
}

const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const

/**
 * The certified signing key of a beheerder's device of `organisationId`, checked up to the
 * organisation key this phone pinned; null when the certificate does not name that device, is no
 * beheerder's, or does not verify.
 */
export async function beheerderSigningKey(certificate: unknown, chains: Readonly<Record<string, unknown>>, organisationId: string, deviceId: string): Promise<unknown> {
  const cert = certificateSchema.safeParse(certificate).data
  if (!cert || cert.deviceId !== deviceId || cert.organisationId !== organisationId || !cert.roles.includes('beheerder')) return null
  return senderResolver(cert, chains, [{ organisationId }])(deviceId)
}

/** The recovery key of `organisationId` when a beheerder's certified device signed it; else null (never trusted on the server's word). */
export async function trustedRecoveryKey(answer: { key: RecoveryKey | null; signer: unknown; chains: Readonly<Record<string, unknown>> }, organisationId: string): Promise<RecoveryKey | null> {
  const key = answer.key
  if (!key || key.organisationId !== organisationId) return null
  const signer = await beheerderSigningKey(answer.signer, answer.chains, organisationId, key.deviceId)
  if (!signer || !(await recoveryKeyVerifies(key, signer))) return null
  return key
}

/** This device's id and organisation; throws RecoveryError('unregistered') before it has them. */
async function me(): Promise<{ id: string; organisationId: string }> {
  const d = await deviceRecord()
  if (!d?.id || !d.organisationId) throw new RecoveryError('unregistered')
  return { id: d.id, organisationId: d.organisationId }
}

/**
 * Seals every user key on this device that the server does not hold for the organisation's
 * recovery key yet (at each sync run). Returns how many were sent; 0 without keys or a trusted key.
 */
export async function sealUserKeysToRecovery(now = new Date()): Promise<number> {
  const self = await me()
  const { userId, keys } = await rawUserKeys()
  try {
    if (!keys.length) return 0
    const answer = await getRecoveryKey()
    if (!answer.key || answer.key.organisationId !== self.organisationId) return 0
    await pinOwnOrganisation(self)
    const key = await trustedRecoveryKey(answer, self.organisationId)
    if (!key) return 0
    const sender = { deviceId: self.id, signingKey: await signingKey() }
    let sent = 0
    for (const k of keys) {
      if (answer.sealedKeyIds.includes(k.keyId)) continue
      const box = await sealSigned({ userId, keyId: k.keyId, key: toBase64(k.raw) }, [{ deviceId: key.id, publicKey: key.publicKey }], userKeyRecoveryContext(userId, k.keyId, key.id), sender, now.toISOString())
      await postRecoveryBox({ keyId: k.keyId, recoveryKeyId: key.id, box })
      sent++
    }
    return sent
  } finally {
    for (const k of keys) k.raw.fill(0)
  }
}

/** The certified beheerder devices of the organisation, checked on this phone against the pinned organisation key. */
async function recoveryGroup(organisationId: string): Promise<(Recipient & { userId: string })[]> {
  const [devices, rawChain, pinned] = await Promise.all([listDevices(organisationId), getChain(organisationId), pinnedFingerprint(organisationId)])
  const chain = organisationChainSchema.safeParse(rawChain).data
  if (!chain || chain.organisationId !== organisationId || !pinned) throw new RecoveryError('no-chain')
  const group: (Recipient & { userId: string })[] = []
  for (const d of devices) {
    const cert = certificateSchema.safeParse(d.certificate).data
    if (d.status !== 'approved' || !cert || cert.deviceId !== d.id || !cert.roles.includes('beheerder')) continue
    if ((await verifyDeviceCertificate(cert, chain, pinned)).ok) group.push({ ...recipientOf(cert), userId: cert.userId })
  }
  return group
}

/** Makes the organisation's recovery key on this beheerder's phone and seals its private half to the recovery group. */
export async function setUpRecoveryKey(organisationId: string, now = new Date()): Promise<{ group: number }> {
  const self = await me()
  const group = await recoveryGroup(organisationId)
  if (new Set(group.map((g) => g.userId)).size < 2) throw new RecoveryError('group-too-small')
  if (!group.some((g) => g.deviceId === self.id)) throw new RecoveryError('not-in-group')
  const pair = (await crypto.subtle.generateKey(ECDH, true, ['deriveBits'])) as CryptoKeyPair
  const signer = { deviceId: self.id, signingKey: await signingKey() }
  const key = await signRecoveryKey({ v: 1, id: crypto.randomUUID(), organisationId, publicKey: await publicJwk(pair.publicKey), createdAt: now.toISOString(), deviceId: self.id }, signer.signingKey)
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey))
  const content = { organisationId, recoveryKeyId: key.id, pkcs8: toBase64(pkcs8) }
  pkcs8.fill(0)
  const boxes = await Promise.all(
    group.map(async (g) => ({ deviceId: g.deviceId, box: await sealSigned(content, [{ deviceId: g.deviceId, publicKey: g.publicKey }], recoveryKeyContext(organisationId, key.id), signer, now.toISOString()) })),
  )
  await postRecoveryKey({ key, boxes })
  return { group: new Set(group.map((g) => g.userId)).size }
}

/**
 * Confirms a recovery another beheerder started (`selfUserId`: this beheerder): every user key of
 * the worker, sealed to the worker's new device — only when the start is signed by another
 * beheerder's certified device and names this request, the worker and the new device.
 */
export async function confirmRecovery(requestId: string, selfUserId: string, now = new Date()): Promise<{ keys: number; cases: number }> {
  const self = await me()
  const d = await getRecoveryRequest(requestId)
  const org = self.organisationId
  const expected = { id: requestId, userId: d.request.userId, deviceId: d.request.deviceId, organisationId: org, notByUserId: selfUserId }
  if (!(await startVerifies(d.start, d.starterCertificate, d.chains, expected))) throw new RecoveryError('unsigned-start')
  const key = await trustedRecoveryKey({ key: d.recoveryKey, signer: d.signer, chains: d.chains }, org)
  if (!key) throw new RecoveryError('untrusted-key')
  const keySigner = await beheerderSigningKey(d.signer, d.chains, org, key.deviceId)
  const opened = recoveryPrivateSchema.parse(await openVerified(d.ownBox, self.id, await encryptionKey(), recoveryKeyContext(org, key.id), async (id) => (id === key.deviceId ? keySigner : null)))
  if (opened.recoveryKeyId !== key.id || opened.organisationId !== org) throw new RecoveryError('untrusted-key')
  const orkPrivate = await crypto.subtle.importKey('pkcs8', fromBase64(opened.pkcs8), ECDH, false, ['deriveBits'])
  const { userId, deviceId } = d.request
  const target = certificateSchema.safeParse(d.target).data
  if (!target || target.deviceId !== deviceId || target.userId !== userId || target.organisationId !== org) throw new RecoveryError('bad-target')
  if (!(await senderResolver(target, d.chains, [{ organisationId: org }])(deviceId))) throw new RecoveryError('bad-target')
  const sender = { deviceId: self.id, signingKey: await signingKey() }
  const boxes: UserKeyBox[] = []
  for (const b of d.boxes) {
    // Sealed by a certified device of the same worker (also one since lost or revoked: its signature dates from before).
    const from = certificateSchema.safeParse(b.senderCertificate).data
    const resolve = async (id: string) => (from && from.deviceId === id && from.userId === userId ? senderResolver(from, d.chains, [{ organisationId: from.organisationId }])(id) : null)
    try {
      const content = userKeyContentSchema.parse(await openVerified(b.box, key.id, orkPrivate, userKeyRecoveryContext(userId, b.keyId, key.id), resolve))
      if (content.userId !== userId || content.keyId !== b.keyId) continue
      boxes.push({ keyId: b.keyId, deviceId, box: await sealSigned(content, [recipientOf(target)], userKeyContext(userId, b.keyId), sender, now.toISOString()) })
    } catch {
      // Not from a device of this worker, or changed: not passed on.
    }
  }
  if (!boxes.length) throw new RecoveryError('nothing-opened')
  return confirmRecoveryRequest(requestId, boxes)
}
