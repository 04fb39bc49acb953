import { kdfParamsSchema } from '../../../shared/crypto/envelope'
import type { DeriveKek } from './vault'

let worker: Worker | undefined
let next = 1
const waiting = new Map<number, { resolve: (k: CryptoKey) => void; reject: (e: Error) => void }>()

/** derivePassphraseKey, run in kdfWorker.ts. Parameters out of bounds are refused here already, before the worker starts. */
export const deriveInWorker: DeriveKek = (passcode, params, purpose = 'wrap') => {
  if (!kdfParamsSchema.safeParse(params).success) return Promise.reject(new Error('key derivation parameters out of bounds'))
  if (!worker) {
    worker = new Worker(new URL('./kdfWorker.ts', import.meta.url), { type: 'module', name: 'kdf' })
    worker.addEventListener('message', (e: MessageEvent<{ id: number; key?: CryptoKey; error?: string }>) => {
      const w = waiting.get(e.data.id)
      if (!w) return
      waiting.delete(e.data.id)
      if (e.data.key) w.resolve(e.data.key)
      else w.reject(new Error(e.data.error ?? 'key derivation failed'))
    })
  }
  const id = next++
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject })
    worker!.postMessage({ id, passcode, params, purpose })
  })
}
