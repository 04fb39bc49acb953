/** The encrypted backup file of a device's cases: one AES-GCM ciphertext under a passphrase key. */
import { z } from 'zod'
import { PBKDF2_ITERATIONS } from './envelope'

const b64 = z.string().regex(/^[A-Za-z0-9+/]+=*$/, 'must be base64').max(200_000_000)
export const backupFileSchema = z.strictObject({
  format: z.literal('samenwerkwijze-casussen-backup'),
  version: z.literal(1),
  createdAt: z.string().max(40),
  iterations: z.number().int().min(PBKDF2_ITERATIONS),
  salt: b64,
  iv: b64,
  ciphertext: b64,
})
export type BackupFile = z.infer<typeof backupFileSchema>

export const BACKUP_AAD = new TextEncoder().encode('samenwerkwijze-casussen-backup|1')

export function toBase64(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(s)
}
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text)
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  return out
}
