/**
 * Which devices this phone trusts (issue 11 finding 4, docs/device-trust.md "Certificates"): the
 * server hands out certificates and chains, and the phone checks them itself, up to an
 * organisation key it pinned on first use (core/pinnedKeys.ts). A device the server adds on its
 * own — no certificate, or one signed outside the chain — is never sealed to, and a box it signs
 * is never opened.
 */
import { certificateSchema, fingerprint, organisationChainSchema, receivesReferrals, recipientOf, verifyDeviceCertificate, type CertificateCheck } from '../../../shared/devices/certificates'
import type { Recipient } from '../../../shared/crypto/sealed'
import { pinOnFirstUse } from '../../core/pinnedKeys'

export type RefusalReason = Exclude<CertificateCheck, { ok: true }>['reason'] | 'no-chain' | 'not-a-receiver'

export interface TrustedDevice {
  deviceId: string
  deviceName: string
  organisationId: string
  /** The organisation key's fingerprint, to show beside the device. */
  fingerprint: string
  recipient: Recipient
}
export interface RefusedDevice {
  deviceId: string
  /** '' when the server gave no name (no certificate at all). */
  deviceName: string
  organisationId: string
  reason: RefusalReason
}
/** A pinned organisation key that the server now gives differently: shown, old and new, until accepted. */
export interface KeyChange {
  organisationId: string
  pinned: string
  fingerprint: string
}

export interface DeviceGroup {
  organisationId: string
  /** The organisation's chain as the server gave it (untrusted). */
  chain: unknown
  /** Certificates of the devices the server says to seal to (untrusted). */
  certificates: readonly unknown[]
  /** `receivers`: only devices whose roles handle referrals; `own`: the sender's own devices. */
  role: 'receivers' | 'own'
}

export interface TrustResult {
  trusted: TrustedDevice[]
  refused: RefusedDevice[]
  changes: KeyChange[]
}

/** What can be said about an entry that does not even parse: its id and name if present. */
function describe(raw: unknown): { deviceId: string; deviceName: string } {
  const o = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>
  return { deviceId: typeof o.deviceId === 'string' ? o.deviceId : '', deviceName: typeof o.deviceName === 'string' ? o.deviceName.slice(0, 100) : '' }
}

/**
 * Pins the chain's organisation key on first use and checks it: the fingerprint, or the change
 * that makes every device of the organisation untrusted for now.
 */
async function checkChain(organisationId: string, chain: unknown): Promise<{ ok: true; fingerprint: string } | { ok: false; change?: KeyChange }> {
  const parsed = organisationChainSchema.safeParse(chain)
  if (!parsed.success || parsed.data.organisationId !== organisationId) return { ok: false }
  const pin = await pinOnFirstUse(organisationId, await fingerprint(parsed.data.organisationKey))
  if (!pin.ok) return { ok: false, change: { organisationId, pinned: pin.pinned, fingerprint: pin.fingerprint } }
  return { ok: true, fingerprint: pin.fingerprint }
}

/** Checks every device in the groups; only `trusted` may be sealed to. */
export async function checkDevices(groups: readonly DeviceGroup[]): Promise<TrustResult> {
  const result: TrustResult = { trusted: [], refused: [], changes: [] }
  const seen = new Set<string>()
  for (const g of groups) {
    const chain = await checkChain(g.organisationId, g.chain)
    if (!chain.ok && chain.change) result.changes.push(chain.change)
    for (const raw of g.certificates) {
      const named = describe(raw)
      const refuse = (reason: RefusalReason) => result.refused.push({ ...named, organisationId: g.organisationId, reason })
      if (!chain.ok) {
        refuse(chain.change ? 'organisation-key-changed' : 'no-chain')
        continue
      }
      const check = await verifyDeviceCertificate(raw, g.chain, chain.fingerprint)
      const cert = certificateSchema.safeParse(raw).data
      if (!check.ok || !cert) refuse(check.ok ? 'bad-signature' : check.reason)
      else if (cert.organisationId !== g.organisationId) refuse('wrong-organisation')
      else if (g.role === 'receivers' && !receivesReferrals(cert)) refuse('not-a-receiver')
      else if (!seen.has(cert.deviceId)) {
        seen.add(cert.deviceId)
        result.trusted.push({ deviceId: cert.deviceId, deviceName: cert.deviceName, organisationId: g.organisationId, fingerprint: check.fingerprint, recipient: recipientOf(cert) })
      }
    }
  }
  return result
}

/**
 * The sender of a box, as the server describes it (its certificate, and the chains by
 * organisation), resolved to its certified signing key — or null, and then openVerified opens
 * nothing. `organisations`: the organisations a sender of this box may belong to.
 */
export function senderResolver(
  certificate: unknown,
  chains: Readonly<Record<string, unknown>>,
  organisations: readonly string[],
  onChange?: (change: KeyChange) => void,
): (senderDeviceId: string) => Promise<unknown> {
  return async (senderDeviceId) => {
    const cert = certificateSchema.safeParse(certificate).data
    if (!cert || cert.deviceId !== senderDeviceId || !organisations.includes(cert.organisationId)) return null
    const chainOf = chains[cert.organisationId]
    const chain = await checkChain(cert.organisationId, chainOf)
    if (!chain.ok) {
      if (chain.change) onChange?.(chain.change)
      return null
    }
    const check = await verifyDeviceCertificate(cert, chainOf, chain.fingerprint)
    return check.ok ? cert.signingKey : null
  }
}
