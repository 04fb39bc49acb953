/**
 * The server's side of device certificates (issue 11 finding 4, docs/device-trust.md). Phones
 * check every chain themselves; the server checks the same chain (defence in depth) so that it
 * never asks a phone to seal to a device the phone would refuse, and so that a row written past
 * the API (a device approved by SQL with no certificate) is no recipient and cannot send.
 */
import { createHash } from 'node:crypto'
import { certificateMessage, certificateSchema, receivesReferrals, verifyDeviceCertificate, type Certificate, type OrganisationChain, type UnsignedCertificate } from '../../shared/devices/certificates'
import type { Queryable } from '../db/types'

/**
 * An organisation's chain: its key and the beheerder certificates of its devices. `historical`
 * also takes revoked beheerder devices, to verify boxes signed before a revocation; handing out
 * recipients uses approved ones only.
 */
export async function chainsOf(db: Queryable, organisationIds: readonly string[], options: { historical?: boolean } = {}): Promise<Record<string, OrganisationChain>> {
  const ids = [...new Set(organisationIds)]
  if (!ids.length) return {}
  const { rows } = await db.query<{ id: string; organisation_key: unknown; beheerders: unknown[] }>(
    `SELECT o.id, o.organisation_key,
            coalesce((SELECT json_agg(d.certificate ORDER BY d.created_at, d.id) FROM devices d
                      WHERE d.organisation_id = o.id AND d.certificate->>'kind' = 'beheerder' AND d.status = ANY($2::text[])), '[]'::json) AS beheerders
     FROM organisations o WHERE o.id = ANY($1::uuid[]) AND o.organisation_key IS NOT NULL`,
    [ids, options.historical ? ['approved', 'revoked'] : ['approved']],
  )
  const chains: Record<string, OrganisationChain> = {}
  for (const r of rows) {
    const beheerders = r.beheerders.flatMap((b) => {
      const parsed = certificateSchema.safeParse(b)
      return parsed.success ? [parsed.data] : []
    })
    chains[r.id] = { organisationId: r.id, organisationKey: r.organisation_key as OrganisationChain['organisationKey'], beheerders }
  }
  return chains
}

// A device certificate is checked on every directory request; the answer for the same certificate
// under the same chain does not change, so it is remembered (bounded). The key is a hash of
// everything the answer depends on: the certificate's full signed message and signature, and the
// chain (organisation key, every beheerder certificate's message and signature, so the issuer's
// key too). Keyed by the signature alone, a certificate changed in the database (another key,
// the same signature) was taken as verified (review finding 8).
const verified = new Map<string, boolean>()
const chainDigests = new WeakMap<OrganisationChain, string>()
const messageHex = (c: Certificate) => Buffer.from(certificateMessage(c)).toString('hex')
function chainDigest(chain: OrganisationChain): string {
  let digest = chainDigests.get(chain)
  if (!digest) {
    const k = chain.organisationKey
    const parts = [chain.organisationId, k.kty, k.crv, k.x, k.y, ...chain.beheerders.flatMap((b) => [messageHex(b), b.signature])]
    digest = createHash('sha256').update(JSON.stringify(parts)).digest('hex')
    chainDigests.set(chain, digest)
  }
  return digest
}
/** The cache key: SHA-256 of the certificate's signed message, its signature and the chain's digest. */
const verificationCacheKey = (cert: Certificate, chain: OrganisationChain): string =>
  createHash('sha256').update(JSON.stringify([messageHex(cert), cert.signature, chainDigest(chain)])).digest('hex')

async function verifiedInChain(cert: Certificate, chain: OrganisationChain): Promise<boolean> {
  const key = verificationCacheKey(cert, chain)
  const known = verified.get(key)
  if (known !== undefined) return known
  const ok = (await verifyDeviceCertificate(cert, chain, null)).ok
  if (verified.size >= 5_000) verified.clear()
  verified.set(key, ok)
  return ok
}

export interface CertifiedDevice {
  deviceId: string
  organisationId: string
  userId: string
  certificate: Certificate
}

/**
 * Approved devices with a certificate that verifies in their organisation's current chain, whose
 * registered keys are the certified ones, and whose member still holds every certified role there.
 * `where` narrows the devices (alias d).
 */
export async function certifiedDevices(db: Queryable, where: string, params: unknown[], chains?: Record<string, OrganisationChain>): Promise<CertifiedDevice[]> {
  const { rows } = await db.query<{ id: string; organisation_id: string; user_id: string; certificate: unknown; public_key: { x?: string; y?: string }; signing_key: { x?: string; y?: string } | null; roles: string[] }>(
    `SELECT d.id, d.organisation_id, d.user_id, d.certificate, d.public_key, d.signing_key,
            coalesce((SELECT array_agg(m.role) FROM memberships m WHERE m.user_id = d.user_id AND m.organisation_id = d.organisation_id), '{}') AS roles
     FROM devices d WHERE d.status = 'approved' AND d.certificate IS NOT NULL AND (${where}) ORDER BY d.created_at, d.id`,
    params,
  )
  const known = chains ?? (await chainsOf(db, rows.map((r) => r.organisation_id)))
  const out: CertifiedDevice[] = []
  for (const r of rows) {
    const cert = certificateSchema.safeParse(r.certificate)
    const chain = known[r.organisation_id]
    if (!cert.success || !chain) continue
    const c = cert.data
    if (c.deviceId !== r.id || c.userId !== r.user_id || c.organisationId !== r.organisation_id) continue
    if (!sameKey(c.encryptionKey, r.public_key) || !sameKey(c.signingKey, r.signing_key)) continue
    if (!c.roles.every((role) => r.roles.includes(role))) continue
    if (!(await verifiedInChain(c, chain))) continue
    out.push({ deviceId: r.id, organisationId: r.organisation_id, userId: r.user_id, certificate: c })
  }
  return out
}

/** Devices that receive a referral for these organisations: certified, and the member is sociaal-werker there (docs/device-trust.md, "Who receives"). */
export async function receivingDevices(db: Queryable, organisationIds: readonly string[], chains?: Record<string, OrganisationChain>): Promise<CertifiedDevice[]> {
  if (!organisationIds.length) return []
  const devices = await certifiedDevices(db, `d.organisation_id = ANY($1::uuid[])`, [[...new Set(organisationIds)]], chains)
  return devices.filter((d) => receivesReferrals(d.certificate))
}

export const sameKey = (a: { x?: string; y?: string } | null | undefined, b: { x?: string; y?: string } | null | undefined) => !!a && !!b && a.x === b.x && a.y === b.y

export interface DeviceRow {
  id: string
  user_id: string
  organisation_id: string
  name: string
  public_key: { x?: string; y?: string }
  signing_key: { x?: string; y?: string } | null
}

/**
 * Why a certificate does not describe this device as it is registered, with the member's current
 * roles (null when it does). Codes are stable for the app; messages are for people.
 */
export function certificateMismatch(cert: UnsignedCertificate, device: DeviceRow, roles: readonly string[]): { code: string; error: string } | null {
  if (cert.organisationId !== device.organisation_id || cert.deviceId !== device.id || cert.userId !== device.user_id) {
    return { code: 'certificate-mismatch', error: 'The certificate names another device, person or organisation.' }
  }
  if (!sameKey(cert.encryptionKey, device.public_key) || !sameKey(cert.signingKey, device.signing_key)) {
    return { code: 'certificate-keys-mismatch', error: "The certificate's keys are not the keys this device registered." }
  }
  if (cert.deviceName !== device.name) return { code: 'certificate-mismatch', error: "The certificate's device name is not the registered one." }
  const want = [...new Set(roles)].sort()
  if (want.length !== cert.roles.length || [...cert.roles].sort().some((r, i) => r !== want[i])) {
    return { code: 'certificate-roles-mismatch', error: "The certificate's roles are not the member's current roles in this organisation." }
  }
  if (cert.kind === 'beheerder' && !roles.includes('beheerder')) return { code: 'certificate-roles-mismatch', error: 'Only a beheerder gets a beheerder certificate.' }
  return null
}
