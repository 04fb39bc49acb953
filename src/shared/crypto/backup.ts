/**
 * The encrypted backup file of a device's cases: one AES-GCM ciphertext under a passphrase key.
 * Version 2 (issue 11) derives that key with Argon2id; version 1 (PBKDF2-SHA256) still restores.
 * The key-derivation parameters are bounded here, so a crafted file is refused before any work.
 */
import { z } from 'zod'
import { argon2idFileParamsSchema, PBKDF2_ITERATIONS, PBKDF2_MAX_ITERATIONS } from './envelope'

export const BACKUP_FORMAT = 'samenwerkwijze-casussen-backup'
const b64 = z.string().regex(/^[A-Za-z0-9+/]+=*$/, 'must be base64').max(200_000_000)
const salt = z.string().regex(/^[A-Za-z0-9+/]{22,88}={0,2}$/, 'salt must be base64')
const iv = z.string().regex(/^[A-Za-z0-9+/]{16}$/, 'iv must be 12 bytes of base64')
export const backupFileV1Schema = z.strictObject({
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(1),
  createdAt: z.string().max(40),
  iterations: z.number().int().min(PBKDF2_ITERATIONS).max(PBKDF2_MAX_ITERATIONS),
  salt,
  iv,
  ciphertext: b64,
})
export const backupFileV2Schema = z.strictObject({
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(2),
  createdAt: z.string().max(40),
  kdf: argon2idFileParamsSchema,
  iv,
  ciphertext: b64,
})
export const backupFileSchema = z.discriminatedUnion('version', [backupFileV1Schema, backupFileV2Schema])
export type BackupFile = z.infer<typeof backupFileSchema>

/** Associated data of a backup's ciphertext, by file version. */
export const backupAad = (version: 1 | 2) => new TextEncoder().encode(`${BACKUP_FORMAT}|${version}`)
export const BACKUP_AAD = backupAad(1)

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
