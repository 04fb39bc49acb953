/**
 * Which devices this phone trusts (issue 11 finding 4, docs/device-trust.md "Certificates"): the
 * server hands out certificates and chains, and the phone checks them itself, up to an
 * organisation key it pinned (core/pinnedKeys.ts). A device the server adds on its own — no
 * certificate, or one signed outside the chain — is never sealed to, and a box it signs is never
 * opened. Only the receiving organisation the GP picks from the routing table is pinned on first
 * use (shown as new); an organisation first met in a listing or among the GP's own devices is
 * trusted only after a person accepts its number (review findings 1 and 2).
 */
import { certificateSchema, fingerprint, organisationChainSchema, receivesReferrals, recipientOf, verifyDeviceCertificate, type Certificate, type CertificateCheck } from '../../../shared/devices/certificates'
import type { Recipient } from '../../../shared/crypto/sealed'
import { checkPinned, pinOnFirstUse } from '../../core/pinnedKeys'
import { deviceRecord } from '../../core/deviceIdentity'

export type RefusalReason = Exclude<CertificateCheck, { ok: true }>['reason'] | 'no-chain' | 'not-a-receiver' | 'organisation-unknown' | 'not-own'

export interface TrustedDevice {
  deviceId: string
  deviceName: string
  organisationId: string
  /** The organisation key's fingerprint, to show beside the device ('' for this phone itself when no chain came with it). */
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
/** An organisation key this phone has not pinned: shown with its number, trusted only once a person accepts it (or, for `first-use`, pinned now and shown as new). */
export interface NewKey {
  organisationId: string
  fingerprint: string
}

export interface DeviceGroup {
  organisationId: string
  /** The organisation's chain as the server gave it (untrusted). */
  chain: unknown
  /** Certificates of the devices the server says to seal to (untrusted). */
  certificates: readonly unknown[]
  /**
   * `receivers`: only devices whose roles handle referrals. `person`: only devices certified to
   * `userId` — the signed-in person's own devices, or the GP's who sent a referral (review findings 1, 7).
   */
  role: 'receivers' | 'person'
  userId?: string
  /**
   * `first-use`: the organisation's key is pinned the first time this phone meets it — only for the
   * receiving organisation the GP picks from the routing table (trust on first use, shown as new).
   * `pinned`: only a key this phone pinned or a person accepted; an unknown one is never pinned here
   * (review finding 1: never pin a chain first seen among the GP's own devices).
   */
  pin: 'first-use' | 'pinned'
  /** For `pinned`: may the person be offered to accept an unknown key (one of their own organisations)? Otherwise it is only refused. */
  acceptable?: boolean
}

export interface TrustResult {
  trusted: TrustedDevice[]
  refused: RefusedDevice[]
  changes: KeyChange[]
  /** Organisations whose key this phone does not know, offered for acceptance. */
  unknown: NewKey[]
  /** Organisations pinned just now, on first use: shown as new with their number. */
  firstUse: NewKey[]
}

/** What can be said about an entry that does not even parse: its id and name if present. */
function describe(raw: unknown): { deviceId: string; deviceName: string } {
  const o = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>
  return { deviceId: typeof o.deviceId === 'string' ? o.deviceId : '', deviceName: typeof o.deviceName === 'string' ? o.deviceName.slice(0, 100) : '' }
}

type ChainState = { ok: true; fingerprint: string; firstUse: boolean } | { ok: false; change?: KeyChange; unknown?: NewKey }

/**
 * Checks the chain's organisation key against the pins: with `first-use`, an organisation met for
 * the first time is pinned; with `pinned`, it is only reported as unknown.
 */
async function checkChain(organisationId: string, chain: unknown, pin: DeviceGroup['pin']): Promise<ChainState> {
  const parsed = organisationChainSchema.safeParse(chain)
  if (!parsed.success || parsed.data.organisationId !== organisationId) return { ok: false }
  const fp = await fingerprint(parsed.data.organisationKey)
  if (pin === 'first-use') {
    const r = await pinOnFirstUse(organisationId, fp)
    if (!r.ok) return { ok: false, change: { organisationId, pinned: r.pinned, fingerprint: r.fingerprint } }
    return { ok: true, fingerprint: r.fingerprint, firstUse: r.firstUse }
  }
  const r = await checkPinned(organisationId, fp)
  if (r.ok) return { ok: true, fingerprint: r.fingerprint, firstUse: false }
  if (r.reason === 'organisation-unknown') return { ok: false, unknown: { organisationId, fingerprint: r.fingerprint } }
  return { ok: false, change: { organisationId, pinned: r.pinned, fingerprint: r.fingerprint } }
}

const sameKey = (a: { x: string; y: string }, b: { x: string; y: string }) => a.x === b.x && a.y === b.y

/**
 * This phone itself, when the server lists it with the keys this phone holds: sealing to oneself
 * needs no chain (the keys never came from the server).
 */
function selfIn(me: Awaited<ReturnType<typeof deviceRecord>>, cert: Certificate | undefined, organisationId: string): boolean {
  if (!cert || cert.organisationId !== organisationId) return false
  return !!me?.id && me.id === cert.deviceId && sameKey(me.publicKeys.publicKey, cert.encryptionKey)
}

/** Checks every device in the groups; only `trusted` may be sealed to. */
export async function checkDevices(groups: readonly DeviceGroup[]): Promise<TrustResult> {
  const result: TrustResult = { trusted: [], refused: [], changes: [], unknown: [], firstUse: [] }
  const seen = new Set<string>()
  const me = await deviceRecord().catch(() => undefined)
  const add = (cert: Certificate, organisationId: string, fp: string) => {
    if (seen.has(cert.deviceId)) return
    seen.add(cert.deviceId)
    result.trusted.push({ deviceId: cert.deviceId, deviceName: cert.deviceName, organisationId, fingerprint: fp, recipient: recipientOf(cert) })
  }
  for (const g of groups) {
    const chain = await checkChain(g.organisationId, g.chain, g.pin)
    if (!chain.ok && chain.change) result.changes.push(chain.change)
    if (chain.ok && chain.firstUse) result.firstUse.push({ organisationId: g.organisationId, fingerprint: chain.fingerprint })
    let unknownRefused = false
    for (const raw of g.certificates) {
      const named = describe(raw)
      const refuse = (reason: RefusalReason) => result.refused.push({ ...named, organisationId: g.organisationId, reason })
      const cert = certificateSchema.safeParse(raw).data
      if (selfIn(me, cert, g.organisationId)) {
        add(cert!, g.organisationId, chain.ok ? chain.fingerprint : '')
        continue
      }
      if (!chain.ok) {
        if (chain.unknown) unknownRefused = true
        refuse(chain.change ? 'organisation-key-changed' : chain.unknown ? 'organisation-unknown' : 'no-chain')
        continue
      }
      const check = await verifyDeviceCertificate(raw, g.chain, chain.fingerprint)
      if (!check.ok || !cert) refuse(check.ok ? 'bad-signature' : check.reason)
      else if (cert.organisationId !== g.organisationId) refuse('wrong-organisation')
      else if (g.role === 'receivers' && !receivesReferrals(cert)) refuse('not-a-receiver')
      else if (g.role === 'person' && (!g.userId || cert.userId !== g.userId)) refuse('not-own')
      else add(cert, g.organisationId, check.fingerprint)
    }
    // Offered for acceptance only when a device was left out for it, and only for the person's own organisations.
    if (!chain.ok && chain.unknown && unknownRefused && g.acceptable) result.unknown.push(chain.unknown)
  }
  return result
}

/** Which senders a box may have: an organisation, and optionally the key pinned for it when sending, and the role. */
export interface SenderRule {
  organisationId: string
  /**
   * The GP's sent list: the organisation key this phone pinned when it sent the referral
   * (referralOutbox sentTo). Only that key counts; nothing else about the organisation is asked.
   */
  fingerprint?: string
  /** `receivers`: the sender's certificate must hold the role that handles referrals; `huisarts`: the role that sends them. */
  role?: 'receivers' | 'huisarts'
}
export interface SenderReport {
  onChange?: (change: KeyChange) => void
  /** The sender's organisation is not pinned on this phone: the box is not opened, and this is shown for acceptance. */
  onUnknown?: (key: NewKey) => void
  /** The sender's certificate, verified. */
  onVerified?: (cert: Certificate) => void
}

/**
 * The sender of a box, as the server describes it (its certificate, and the chains by
 * organisation), resolved to its certified signing key — or null, and then openVerified opens
 * nothing. An organisation key is never pinned from a listing (review finding 2): an organisation
 * this phone has not pinned is reported (onUnknown) and nothing from it opens until a person
 * accepts its number. A box this phone signed itself is checked against its own signing key.
 */
export function senderResolver(certificate: unknown, chains: Readonly<Record<string, unknown>>, rules: readonly SenderRule[], report: SenderReport = {}): (senderDeviceId: string) => Promise<unknown> {
  return async (senderDeviceId) => {
    const me = await deviceRecord().catch(() => undefined)
    if (me?.id && me.id === senderDeviceId) return me.publicKeys.signingKey
    const cert = certificateSchema.safeParse(certificate).data
    const rule = cert && rules.find((r) => r.organisationId === cert.organisationId)
    if (!cert || !rule || cert.deviceId !== senderDeviceId) return null
    if ((rule.role === 'receivers' && !receivesReferrals(cert)) || (rule.role === 'huisarts' && !cert.roles.includes('huisarts'))) return null
    const chainOf = chains[cert.organisationId]
    const chain = organisationChainSchema.safeParse(chainOf).data
    if (!chain || chain.organisationId !== cert.organisationId) return null
    const fp = await fingerprint(chain.organisationKey)
    if (rule.fingerprint !== undefined) {
      if (rule.fingerprint !== fp) return null
    } else {
      const pin = await checkPinned(cert.organisationId, fp)
      if (!pin.ok) {
        if (pin.reason === 'organisation-unknown') report.onUnknown?.({ organisationId: cert.organisationId, fingerprint: fp })
        else report.onChange?.({ organisationId: cert.organisationId, pinned: pin.pinned, fingerprint: fp })
        return null
      }
    }
    const check = await verifyDeviceCertificate(cert, chainOf, fp)
    if (!check.ok) return null
    report.onVerified?.(cert)
    return cert.signingKey
  }
}
