/**
 * The `prf` vault mode: the key that wraps the vault's data key comes from the WebAuthn PRF
 * extension of a platform authenticator (fingerprint, face or the phone's screen lock), through
 * HKDF-SHA256. The credential's secret never leaves the phone's secure hardware, and the
 * authenticator answers only after it verified the user, so a copied IndexedDB holds nothing
 * to guess (docs/device-trust.md, "The vault").
 *
 * No server takes part: the credential is created and used on the device alone. It proves
 * nothing to anyone (the attestation and assertion signatures are not checked); we only use the
 * PRF output as key material, so a server round trip would add an online dependency — the vault
 * must open in airplane mode — without adding any protection.
 */

/** What the vault needs of an authenticator; webAuthnPrf in the browser, a software one in unit tests. */
export interface PrfAuthenticator {
  /** Creates a credential with PRF enabled; returns its id. */
  create(): Promise<Uint8Array<ArrayBuffer>>
  /** The PRF output (32 bytes) of the credential for this input, after user verification. */
  evaluate(credentialId: Uint8Array<ArrayBuffer>, salt: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>>
}

/** unsupported: no WebAuthn or no PRF on this device; cancelled: the person (or the browser) stopped it. */
export class PrfError extends Error {
  constructor(readonly code: 'unsupported' | 'cancelled') {
    super(code === 'unsupported' ? 'This device offers no platform authenticator with the PRF extension' : 'The authenticator did not answer (cancelled or timed out)')
  }
}

const HKDF_INFO = new TextEncoder().encode('samenwerkwijze-vault|prf|v1')

/** The AES-KW key that wraps the data key: HKDF-SHA256 over the PRF output. */
export async function kekFromPrf(output: Uint8Array<ArrayBuffer>, hkdfSalt: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  if (output.length < 32) throw new PrfError('unsupported')
  const material = await crypto.subtle.importKey('raw', output, 'HKDF', false, ['deriveKey'])
  return crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: hkdfSalt, info: HKDF_INFO }, material, { name: 'AES-KW', length: 256 }, false, ['wrapKey', 'unwrapKey'])
}

/** Whether to offer the PRF mode: WebAuthn with a user-verifying platform authenticator, and PRF if the browser says. */
export async function prfAvailable(): Promise<boolean> {
  if (typeof PublicKeyCredential === 'undefined' || !globalThis.isSecureContext) return false
  try {
    if (!(await PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable())) return false
    const pkc = PublicKeyCredential as unknown as { getClientCapabilities?: () => Promise<Record<string, boolean>> }
    // Newer browsers say whether they support the extension; where they do not say, creating the credential tells.
    if (pkc.getClientCapabilities) {
      const caps = await pkc.getClientCapabilities()
      if (caps['extension:prf'] === false) return false
    }
    return true
  } catch {
    return false
  }
}

const asBytes = (b: ArrayBuffer | ArrayBufferView): Uint8Array<ArrayBuffer> => (b instanceof ArrayBuffer ? new Uint8Array(b.slice(0)) : new Uint8Array(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)))
type PrfOutputs = { enabled?: boolean; results?: { first?: ArrayBuffer | ArrayBufferView } }
const prfOf = (credential: PublicKeyCredential) => (credential.getClientExtensionResults() as { prf?: PrfOutputs }).prf

function translate(e: unknown): PrfError {
  if (e instanceof PrfError) return e
  // NotAllowedError: cancelled, timed out or no user verification; the rest: nothing usable here.
  return new PrfError(e instanceof DOMException && (e.name === 'NotAllowedError' || e.name === 'AbortError') ? 'cancelled' : 'unsupported')
}

export const webAuthnPrf: PrfAuthenticator = {
  async create() {
    try {
      const credential = (await navigator.credentials.create({
        publicKey: {
          rp: { id: location.hostname, name: 'Samenwerkwijze' },
          // A random id: the credential names no one; it only holds this device's vault key.
          user: { id: crypto.getRandomValues(new Uint8Array(16)), name: 'Kluis op dit apparaat', displayName: 'Kluis op dit apparaat' },
          challenge: crypto.getRandomValues(new Uint8Array(32)),
          pubKeyCredParams: [
            { type: 'public-key', alg: -7 },
            { type: 'public-key', alg: -257 },
          ],
          authenticatorSelection: { authenticatorAttachment: 'platform', userVerification: 'required', residentKey: 'discouraged' },
          attestation: 'none',
          timeout: 120_000,
          extensions: { prf: {} } as AuthenticationExtensionsClientInputs,
        },
      })) as PublicKeyCredential | null
      if (!credential) throw new PrfError('cancelled')
      if (prfOf(credential)?.enabled !== true) throw new PrfError('unsupported')
      return new Uint8Array(credential.rawId.slice(0))
    } catch (e) {
      throw translate(e)
    }
  },
  async evaluate(credentialId, salt) {
    try {
      const credential = (await navigator.credentials.get({
        publicKey: {
          rpId: location.hostname,
          challenge: crypto.getRandomValues(new Uint8Array(32)),
          allowCredentials: [{ type: 'public-key', id: credentialId }],
          userVerification: 'required',
          timeout: 120_000,
          extensions: { prf: { eval: { first: salt } } } as AuthenticationExtensionsClientInputs,
        },
      })) as PublicKeyCredential | null
      const first = credential ? prfOf(credential)?.results?.first : undefined
      if (!first) throw new PrfError(credential ? 'unsupported' : 'cancelled')
      return asBytes(first)
    } catch (e) {
      throw translate(e)
    }
  },
}
