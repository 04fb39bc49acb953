/**
 * Key derivation from a passphrase: Argon2id (hash-wasm) for vaults and backups made since
 * issue 11, PBKDF2-SHA256 only to open what was made before. Heavy: the app runs it in a Web
 * Worker (features/cases/kdfWorker.ts). The parameters are parsed against their bounds first
 * (src/shared/crypto/envelope.ts), whoever calls, so a crafted record cannot make it run for long.
 */
import { argon2id } from 'hash-wasm'
import { kdfParamsSchema, type KdfParams } from '../../../shared/crypto/envelope'

/** 'wrap': AES-KW to wrap the vault's data key; 'encrypt': AES-GCM for a backup file. */
export type KeyPurpose = 'wrap' | 'encrypt'

export class KdfParamsError extends Error {}

export async function derivePassphraseKey(passphrase: string, params: KdfParams, purpose: KeyPurpose = 'wrap'): Promise<CryptoKey> {
  const checked = kdfParamsSchema.safeParse(params)
  if (!checked.success) throw new KdfParamsError(`key derivation parameters out of bounds: ${checked.error.issues.map((i) => i.path.join('.') + ' ' + i.message).join('; ')}`)
  const p = checked.data
  const algorithm = purpose === 'wrap' ? { name: 'AES-KW', length: 256 } : { name: 'AES-GCM', length: 256 }
  const usages: KeyUsage[] = purpose === 'wrap' ? ['wrapKey', 'unwrapKey'] : ['encrypt', 'decrypt']
  if (p.algorithm === 'pbkdf2-sha256') {
    const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, ['deriveKey'])
    return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(p.salt), iterations: p.iterations }, material, algorithm, false, usages)
  }
  const raw = await argon2id({
    password: passphrase,
    salt: new Uint8Array(p.salt),
    memorySize: p.memoryKiB,
    iterations: p.iterations,
    parallelism: p.parallelism,
    hashLength: 32,
    outputType: 'binary',
  })
  try {
    return await crypto.subtle.importKey('raw', new Uint8Array(raw), algorithm, false, usages)
  } finally {
    raw.fill(0)
  }
}
export type DerivePassphraseKey = typeof derivePassphraseKey
