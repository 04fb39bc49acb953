/// <reference lib="webworker" />
/** Derives the passcode key off the main thread (600,000 PBKDF2 rounds would freeze typing). */
import { z } from 'zod'
import { deriveKek } from './vault'

const requestSchema = z.object({ id: z.number(), passcode: z.string().max(1_000), salt: z.instanceof(Uint8Array), iterations: z.number().int().min(1), purpose: z.enum(['wrap', 'encrypt']) })

self.addEventListener('message', async (event: MessageEvent) => {
  const parsed = requestSchema.safeParse(event.data)
  if (!parsed.success) return
  const { id, passcode, salt, iterations, purpose } = parsed.data
  try {
    // A CryptoKey survives postMessage; it stays non-extractable on the other side.
    const key = await deriveKek(passcode, new Uint8Array(salt), iterations, purpose)
    ;(self as unknown as Worker).postMessage({ id, key })
  } catch (e) {
    ;(self as unknown as Worker).postMessage({ id, error: e instanceof Error ? e.message : String(e) })
  }
})
