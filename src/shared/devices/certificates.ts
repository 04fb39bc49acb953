/**
 * Certificates: who vouches for a device (issue 11 finding 4, docs/device-trust.md). The
 * organisation key (held in one beheerder's vault) signs beheerder certificates; a beheerder's
 * device signs the certificates of the devices it approves. Phones seal only to devices whose
 * certificate verifies up to an organisation key they have pinned, and verify senders the same
 * way, so a key the server injects is refused. Plain WebCrypto: phone and server share the code.
 */
import { z } from 'zod'
import { publicJwkSchema } from '../accounts/schemas'
import { ROLES } from '../accounts/roles'
import { sha256Hex, signatureSchema, signedMessage, signMessage, verifyMessage } from '../crypto/signatures'

export const CERTIFICATE_KINDS = ['beheerder', 'device'] as const
export type CertificateKind = (typeof CERTIFICATE_KINDS)[number]

export const issuerSchema = z.discriminatedUnion('kind', [z.strictObject({ kind: z.literal('organisation') }), z.strictObject({ kind: z.literal('device'), deviceId: z.guid() })])
export type Issuer = z.infer<typeof issuerSchema>

export const unsignedCertificateSchema = z.strictObject({
  v: z.literal(1),
  /** `beheerder`: issued by the organisation key, may issue device certificates. `device`: issued by a beheerder's device. */
  kind: z.enum(CERTIFICATE_KINDS),
  organisationId: z.guid(),
  userId: z.guid(),
  deviceId: z.guid(),
  deviceName: z.string().trim().min(1).max(100),
  /** The member's roles in the organisation when the certificate was issued. */
  roles: z
    .array(z.enum(ROLES))
    .min(1)
    .max(ROLES.length)
    .refine((r) => new Set(r).size === r.length, 'a role may appear only once'),
  /** ECDH P-256: boxes are sealed to it. */
  encryptionKey: publicJwkSchema,
  /** ECDSA P-256: the device signs boxes and events (and, for a beheerder, certificates) with it. */
  signingKey: publicJwkSchema,
  issuedAt: z.iso.datetime(),
  issuer: issuerSchema,
})
export type UnsignedCertificate = z.infer<typeof unsignedCertificateSchema>

export const certificateSchema = z.strictObject({ ...unsignedCertificateSchema.shape, signature: signatureSchema })
export type Certificate = z.infer<typeof certificateSchema>

/** An organisation's public key and the certificates of its beheerders' devices: what a phone needs to check a device certificate. */
export const organisationChainSchema = z.strictObject({
  organisationId: z.guid(),
  organisationKey: publicJwkSchema,
  beheerders: z.array(certificateSchema).max(200),
})
export type OrganisationChain = z.infer<typeof organisationChainSchema>

/** `PUT /api/orgs/:orgId/organisation-key`: the new organisation key and the beheerder certificate it issued for the caller's device. */
export const organisationKeyRequestSchema = z.strictObject({ organisationKey: publicJwkSchema, certificate: certificateSchema })
export type OrganisationKeyRequest = z.infer<typeof organisationKeyRequestSchema>

/** `POST /api/orgs/:orgId/devices/:deviceId/approve`: the certificate the approving beheerder's phone signed. */
export const approveDeviceRequestSchema = z.strictObject({ certificate: certificateSchema })
export type ApproveDeviceRequest = z.infer<typeof approveDeviceRequestSchema>

/** What is signed: every field, the keys as their x and y, the device name URI-encoded (it may hold '|'). */
export function certificateMessage(c: UnsignedCertificate): Uint8Array<ArrayBuffer> {
  return signedMessage('certificate/v1', [
    c.v,
    c.kind,
    c.organisationId,
    c.userId,
    c.deviceId,
    encodeURIComponent(c.deviceName),
    c.roles.join(','),
    c.encryptionKey.x,
    c.encryptionKey.y,
    c.signingKey.x,
    c.signingKey.y,
    c.issuedAt,
    c.issuer.kind,
    c.issuer.kind === 'device' ? c.issuer.deviceId : '',
  ])
}

/** Signs a certificate with the issuer's private ECDSA key (the organisation key or a beheerder device's signing key). */
export async function signCertificate(unsigned: UnsignedCertificate, issuerPrivateKey: CryptoKey): Promise<Certificate> {
  const { v, kind, organisationId, userId, deviceId, deviceName, roles, encryptionKey, signingKey, issuedAt, issuer } = unsigned
  const clean = { v, kind, organisationId, userId, deviceId, deviceName, roles, encryptionKey: bare(encryptionKey), signingKey: bare(signingKey), issuedAt, issuer }
  return { ...clean, signature: await signMessage(issuerPrivateKey, certificateMessage(clean)) }
}

const bare = (k: UnsignedCertificate['encryptionKey']) => ({ kty: k.kty, crv: k.crv, x: k.x, y: k.y })

/**
 * A key's fingerprint, for people to compare: SHA-256 of `crv|x|y`, as six groups of five digits
 * (each group: five bytes as a big-endian number mod 100000, zero-padded), as Signal's safety numbers.
 */
export async function fingerprint(publicJwk: { crv?: string; x?: string; y?: string }): Promise<string> {
  return digits(await sha256Hex(`${publicJwk.crv}|${publicJwk.x}|${publicJwk.y}`))
}

/**
 * A device's number, which a beheerder compares with the one the device's own phone shows before
 * approving it: it covers both keys the certificate will carry (signing and encryption), so a
 * server that swaps either key of a waiting device changes the number. Same six groups of five.
 */
export async function deviceFingerprint(signingKey: { crv?: string; x?: string; y?: string }, encryptionKey: { crv?: string; x?: string; y?: string }): Promise<string> {
  return digits(await sha256Hex(`device/v1|${signingKey.crv}|${signingKey.x}|${signingKey.y}|${encryptionKey.crv}|${encryptionKey.x}|${encryptionKey.y}`))
}

function digits(hex: string): string {
  const groups: string[] = []
  for (let g = 0; g < 6; g++) {
    const n = parseInt(hex.slice(g * 10, g * 10 + 10), 16)
    groups.push(String(n % 100_000).padStart(5, '0'))
  }
  return groups.join(' ')
}

export type CertificateCheck =
  | { ok: true; fingerprint: string }
  | { ok: false; reason: 'organisation-key-changed' | 'bad-signature' | 'unknown-issuer' | 'wrong-organisation' }

/** A beheerder certificate: issued by the organisation key, for a member who holds `beheerder`. */
async function beheerderValid(cert: Certificate, chain: OrganisationChain): Promise<'ok' | 'bad-signature' | 'unknown-issuer' | 'wrong-organisation'> {
  if (cert.organisationId !== chain.organisationId) return 'wrong-organisation'
  if (cert.kind !== 'beheerder' || cert.issuer.kind !== 'organisation' || !cert.roles.includes('beheerder')) return 'unknown-issuer'
  return (await verifyMessage(chain.organisationKey, certificateMessage(cert), cert.signature)) ? 'ok' : 'bad-signature'
}

/**
 * Checks a certificate against its organisation's chain and, when given, the fingerprint of the
 * organisation key this phone pinned earlier. A beheerder certificate must be signed by the
 * organisation key; a device certificate by the signing key of a device that holds a valid
 * beheerder certificate in the same chain. Input from the server is untrusted: anything that does
 * not parse is a bad signature.
 */
export async function verifyDeviceCertificate(cert: unknown, chain: unknown, pinnedFingerprint: string | null): Promise<CertificateCheck> {
  const c = certificateSchema.safeParse(cert)
  const ch = organisationChainSchema.safeParse(chain)
  if (!c.success || !ch.success) return { ok: false, reason: 'bad-signature' }
  if (c.data.organisationId !== ch.data.organisationId) return { ok: false, reason: 'wrong-organisation' }
  const fp = await fingerprint(ch.data.organisationKey)
  if (pinnedFingerprint !== null && pinnedFingerprint !== fp) return { ok: false, reason: 'organisation-key-changed' }
  if (c.data.kind === 'beheerder') {
    const r = await beheerderValid(c.data, ch.data)
    return r === 'ok' ? { ok: true, fingerprint: fp } : { ok: false, reason: r }
  }
  if (c.data.issuer.kind !== 'device') return { ok: false, reason: 'unknown-issuer' }
  const issuerId = c.data.issuer.deviceId
  for (const b of ch.data.beheerders) {
    if (b.deviceId !== issuerId || (await beheerderValid(b, ch.data)) !== 'ok') continue
    return (await verifyMessage(b.signingKey, certificateMessage(c.data), c.data.signature)) ? { ok: true, fingerprint: fp } : { ok: false, reason: 'bad-signature' }
  }
  return { ok: false, reason: 'unknown-issuer' }
}

/** Only these roles receive referrals and their events (docs/device-trust.md, "Who receives"). */
export const RECEIVING_ROLE = 'sociaal-werker' as const
export const receivesReferrals = (cert: Pick<Certificate, 'roles'>): boolean => cert.roles.includes(RECEIVING_ROLE)

/** A certified device as a recipient for crypto/sealed.ts. */
export const recipientOf = (cert: Pick<Certificate, 'deviceId' | 'encryptionKey'>) => ({ deviceId: cert.deviceId, publicKey: cert.encryptionKey })
