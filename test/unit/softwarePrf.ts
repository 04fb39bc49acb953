/**
 * A software stand-in for a platform authenticator's PRF (WebAuthn has no Node implementation):
 * HMAC-SHA256 under a secret that stays in this object, over the input the way CTAP2's
 * hmac-secret sees it (SHA-256 of "WebAuthn PRF" ‖ 0x00 ‖ salt). The browser test
 * (test/e2e/vault.e2e.ts) uses Chromium's virtual authenticator instead.
 */
import type { PrfAuthenticator } from '../../src/app/core/vault/prf'
import { PrfError } from '../../src/app/core/vault/prf'

export function softwarePrf(): PrfAuthenticator & { cancelNext: boolean; evaluations: number } {
  const secrets = new Map<string, CryptoKey>()
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
  return {
    cancelNext: false,
    evaluations: 0,
    async create() {
      const id = crypto.getRandomValues(new Uint8Array(32))
      secrets.set(hex(id), await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']))
      return id
    },
    async evaluate(credentialId, salt) {
      this.evaluations++
      if (this.cancelNext) {
        this.cancelNext = false
        throw new PrfError('cancelled')
      }
      const secret = secrets.get(hex(credentialId))
      if (!secret) throw new PrfError('cancelled')
      const input = new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array([...new TextEncoder().encode('WebAuthn PRF'), 0, ...salt])))
      return new Uint8Array(await crypto.subtle.sign('HMAC', secret, input))
    },
  }
}
