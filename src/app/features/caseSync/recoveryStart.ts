/**
 * The signed start of a recovery (docs/case-sync.md "Recovery"): the starting beheerder's phone
 * signs it; the confirming beheerder's phone and the worker's new device each check it here, so a
 * recovery needs two beheerders also when the server lies about who started it.
 */
import { recoveryStartVerifies, signRecoveryStart, type RecoveryStart } from '../../../shared/api/caseRecovery'
import { certificateSchema, organisationChainSchema, type Certificate } from '../../../shared/devices/certificates'
import { deviceRecord, signingKey } from '../../core/deviceIdentity'
import { senderResolver, type SenderReport } from '../referrals/trust'

/** What the start must name: the request, the worker, their new device, the organisation; and who must NOT have signed it. */
export interface ExpectedStart {
  id: string
  userId: string
  deviceId: string
  organisationId: string
  /** The confirming beheerder: the start must come from another person. */
  notByUserId: string
  /** The confirming beheerder's certificate, when known (the new device): neither of the two may have certified the other, nor one person both. */
  confirmer?: Certificate
}

/**
 * The person whose beheerder device certified `cert`: null when the organisation key did, undefined
 * when the issuer is not in the chain. A beheerder's device can certify a device with the beheerder
 * role for a person the (compromised) server made up, so that person counts as its certifier's.
 */
function certifierOf(cert: Certificate, chains: Readonly<Record<string, unknown>>): string | null | undefined {
  if (cert.issuer.kind === 'organisation') return null
  const issuer = cert.issuer.deviceId
  return organisationChainSchema.safeParse(chains[cert.organisationId]).data?.beheerders.find((b) => b.deviceId === issuer)?.userId
}

/** True when the starter and the confirmer are two people, neither certified by the other and not both by the same one. */
function twoPeople(starter: Certificate, expected: ExpectedStart, chains: Readonly<Record<string, unknown>>): boolean {
  const s = certifierOf(starter, chains)
  if (s === undefined || starter.userId === expected.notByUserId || s === expected.notByUserId) return false
  if (!expected.confirmer) return true
  const c = certifierOf(expected.confirmer, chains)
  return c !== undefined && expected.confirmer.userId === expected.notByUserId && c !== starter.userId && (s === null || s !== c)
}

/**
 * True when `start` names what is expected and is signed by a device certified as beheerder of the
 * organisation (under a pinned organisation key) of a person other than the confirming one, and
 * neither of them certified the other's device (nor one beheerder both).
 */
export async function startVerifies(start: RecoveryStart | null | undefined, starterCertificate: unknown, chains: Readonly<Record<string, unknown>>, expected: ExpectedStart, report?: SenderReport): Promise<boolean> {
  if (!start) return false
  if (start.id !== expected.id || start.userId !== expected.userId || start.deviceId !== expected.deviceId || start.organisationId !== expected.organisationId) return false
  const cert = certificateSchema.safeParse(starterCertificate).data
  if (!cert || cert.deviceId !== start.startedBy || cert.organisationId !== expected.organisationId || !cert.roles.includes('beheerder') || !twoPeople(cert, expected, chains)) return false
  const key = await senderResolver(cert, chains, [{ organisationId: expected.organisationId }], report)(start.startedBy)
  return !!key && (await recoveryStartVerifies(start, key))
}

/** This beheerder's phone signs the start of a recovery for the worker's new device. */
export async function signStart(target: { deviceId: string; userId: string }, now = new Date()): Promise<RecoveryStart> {
  const me = await deviceRecord()
  if (!me?.id || !me.organisationId) throw new Error('this device is not registered')
  return signRecoveryStart({ v: 1, id: crypto.randomUUID(), organisationId: me.organisationId, userId: target.userId, deviceId: target.deviceId, startedBy: me.id, startedAt: now.toISOString() }, await signingKey())
}
