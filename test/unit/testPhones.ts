/** A phone's key pairs for the case-sync unit tests (userKey, caseTeamKeys, caseRecovery): signing (ECDSA P-256) and encryption (ECDH P-256). */
import { ECDSA_P256 } from '../../src/shared/crypto/signatures'

export type Jwk = { kty: 'EC'; crv: 'P-256'; x: string; y: string }
export const jwk = async (k: CryptoKey): Promise<Jwk> => {
  const { x, y } = await crypto.subtle.exportKey('jwk', k)
  return { kty: 'EC', crv: 'P-256', x: x!, y: y! }
}
export interface Phone {
  id: string
  signing: CryptoKeyPair
  encryption: CryptoKeyPair
}
export const phone = async (): Promise<Phone> => ({
  id: crypto.randomUUID(),
  signing: (await crypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify'])) as CryptoKeyPair,
  encryption: (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits', 'deriveKey'])) as CryptoKeyPair,
})
