/// <reference lib="webworker" />
/**
 * Derives the passphrase key off the main thread (Argon2id with 64 MiB, or an old vault's
 * 600,000 PBKDF2 rounds, would freeze typing). The parameters are bounded by their schema
 * (src/shared/crypto/envelope.ts): a request outside the bounds is answered with an error at
 * once, never worked on.
 */
import { z } from 'zod'
import { kdfParamsSchema, PASSPHRASE_MAX_LENGTH } from '../../../shared/crypto/envelope'
import { derivePassphraseKey } from '../../core/vault/kdf'

const requestSchema = z.strictObject({ id: z.number().int(), passcode: z.string().max(PASSPHRASE_MAX_LENGTH), params: kdfParamsSchema, purpose: z.enum(['wrap', 'encrypt']) })
const post = (message: unknown) => (self as unknown as Worker).postMessage(message)

self.addEventListener('message', async (event: MessageEvent) => {
  const parsed = requestSchema.safeParse(event.data)
  if (!parsed.success) {
    const id = (event.data as { id?: unknown } | null)?.id
    if (typeof id === 'number') post({ id, error: 'key derivation parameters refused' })
    return
  }
  const { id, passcode, params, purpose } = parsed.data
  try {
    // A CryptoKey survives postMessage; it stays non-extractable on the other side.
    post({ id, key: await derivePassphraseKey(passcode, params, purpose) })
  } catch (e) {
    post({ id, error: e instanceof Error ? e.message : String(e) })
  }
})
