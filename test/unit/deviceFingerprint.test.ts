/**
 * The number a beheerder compares before approving a device (issue 11 review finding 3,
 * docs/device-trust.md "Certificates"): the phone shows a number for its own keys, the beheerder's
 * page one for the keys the server lists, and the certificate carries both the signing and the
 * encryption key. A server that swaps the encryption key of a waiting device for its own must
 * change the number, or every GP would seal to the server's key under a valid certificate.
 */
import { describe, expect, it } from 'vitest'
import * as certificates from '../../src/shared/devices/certificates'
import { ECDSA_P256 } from '../../src/shared/crypto/signatures'

const jwk = async (k: CryptoKey) => {
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', k)
  return { kty: kty as 'EC', crv: crv as 'P-256', x: x!, y: y! }
}
const ecdh = async () => jwk(((await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])) as CryptoKeyPair).publicKey)
const ecdsa = async () => jwk(((await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair).publicKey)

describe('the device number a beheerder compares', () => {
  it('changes when the server swaps the encryption key or the signing key of a waiting device', async () => {
    const deviceFingerprint = (certificates as Record<string, unknown>).deviceFingerprint as typeof certificates.deviceFingerprint
    expect(typeof deviceFingerprint).toBe('function')
    const phone = { signingKey: await ecdsa(), publicKey: await ecdh() }
    // What the phone shows on its home page (ProfessionalHomePage.vue).
    const shown = await deviceFingerprint(phone.signingKey, phone.publicKey)
    expect(shown).toMatch(/^\d{5}( \d{5}){5}$/)
    // The beheerder's page computes it from the listing: the same keys give the same number.
    expect(await deviceFingerprint({ ...phone.signingKey }, { ...phone.publicKey })).toBe(shown)
    // The server lists its own encryption key for the device: the numbers no longer match.
    expect(await deviceFingerprint(phone.signingKey, await ecdh())).not.toBe(shown)
    expect(await deviceFingerprint(await ecdsa(), phone.publicKey)).not.toBe(shown)
    // The two keys are not interchangeable, and it is not the organisation-key number of either key.
    expect(await deviceFingerprint(phone.publicKey, phone.signingKey)).not.toBe(shown)
    expect(shown).not.toBe(await certificates.fingerprint(phone.signingKey))
  })
})
