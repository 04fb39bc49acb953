/** An organisation for the shared-plan tests: its key, a beheerder's device, and certificates it signs (or a rogue key forges). */
import { ECDSA_P256 } from '../../src/shared/crypto/signatures'
import { signCertificate, type Certificate, type OrganisationChain } from '../../src/shared/devices/certificates'
import { jwk, phone, type Phone } from './testPhones'

export async function organisation(organisationId: string) {
  const key = (await crypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify'])) as CryptoKeyPair
  const admin = await phone()
  const sign = async (p: Phone, userId: string, kind: 'beheerder' | 'device', issuerKey: CryptoKey, roles: string[]): Promise<Certificate> =>
    signCertificate(
      {
        v: 1,
        kind,
        organisationId,
        userId,
        deviceId: p.id,
        roles: roles as Certificate['roles'],
        deviceName: 'Telefoon',
        issuedAt: '2026-11-30T09:00:00.000Z',
        issuer: kind === 'beheerder' ? { kind: 'organisation' } : { kind: 'device', deviceId: admin.id },
        signingKey: await jwk(p.signing.publicKey),
        encryptionKey: await jwk(p.encryption.publicKey),
      },
      issuerKey,
    )
  const adminCert = await sign(admin, crypto.randomUUID(), 'beheerder', key.privateKey, ['beheerder'])
  const chain: OrganisationChain = { organisationId, organisationKey: await jwk(key.publicKey), beheerders: [adminCert] }
  return {
    chain,
    approve: (p: Phone, userId: string, roles = ['sociaal-werker']) => sign(p, userId, 'device', admin.signing.privateKey, roles),
    forge: (p: Phone, userId: string, rogue: CryptoKey) => sign(p, userId, 'device', rogue, ['sociaal-werker']),
  }
}
