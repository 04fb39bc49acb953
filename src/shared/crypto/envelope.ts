/**
 * The encrypted envelope a case travels in on the device: clear index fields for lists and
 * counts, and the record itself as AES-GCM ciphertext with id and schema version bound as
 * associated data (a ciphertext moved to another id or version fails to decrypt).
 */
import { z } from 'zod'
import { caseIndexSchema } from '../cases/caseIndex'

export const PBKDF2_ITERATIONS = 600_000

export const storedCaseSchema = caseIndexSchema.extend({
  iv: z.instanceof(Uint8Array).refine((b) => b.length === 12, 'iv must be 12 bytes'),
  ciphertext: z.instanceof(Uint8Array),
})
export type StoredCase = z.infer<typeof storedCaseSchema>

export const keyRecordSchema = z.strictObject({
  name: z.literal('data-key'),
  salt: z.instanceof(Uint8Array),
  iterations: z.number().int().min(PBKDF2_ITERATIONS),
  wrappedKey: z.instanceof(Uint8Array),
  failedAttempts: z.number().int().min(0),
  lastFailedAt: z.number().optional(),
})
export type KeyRecord = z.infer<typeof keyRecordSchema>

export function associatedData(id: string, schemaVersion: number): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`samenwerkwijze-case|${id}|${schemaVersion}`)
}

/** A device passcode: a PIN of at least 6 digits, or a passphrase of at least 10 characters. */
export function passcodeProblem(passcode: string): 'too-short' | null {
  return /^\d{6,}$/.test(passcode) || passcode.length >= 10 ? null : 'too-short'
}
