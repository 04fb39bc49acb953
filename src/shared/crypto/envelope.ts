/**
 * The encrypted envelope a case travels in on the device: clear index fields for lists and
 * counts, and the record itself as AES-GCM ciphertext with id and schema version bound as
 * associated data (a ciphertext moved to another id or version fails to decrypt).
 *
 * And the record of the vault's wrapped data key, one of two modes (docs/device-trust.md,
 * "The vault"), or a record from before issue 11 that is opened once and then re-wrapped.
 * Every key-derivation parameter in it is bounded: the record lives in IndexedDB, where anyone
 * who can write to the device's storage can change it, and a crafted record must not make the
 * key worker run for minutes or hours.
 */
import { z } from 'zod'
import { caseIndexSchema } from '../cases/caseIndex'

/** What records made before issue 11 used (PBKDF2-SHA256); only read now, never written. */
export const PBKDF2_ITERATIONS = 600_000
/** Above this a PBKDF2 record (or version 1 backup) is refused: about 2 s on a phone is the most we accept. */
export const PBKDF2_MAX_ITERATIONS = 2_000_000

/**
 * Argon2id for a passphrase vault and new backups. m = 64 MiB, t = 3, p = 1: RFC 9106 §4's
 * second recommended setting (64 MiB, t = 3) with p = 1 because the WASM build runs on one
 * thread (more lanes would cost the phone the same time and an attacker's GPU nothing more);
 * far above OWASP's minimum (19 MiB, t = 2, p = 1). About 0.5 s on this machine's CPU (npm run bench).
 */
export const ARGON2ID_DEFAULTS = { memoryKiB: 64 * 1024, iterations: 3, parallelism: 1 } as const
/**
 * Bounds a stored record must keep. The floor is OWASP's minimum (memory × passes ≥ 19 MiB × 2);
 * the ceiling (256 MiB, 8 passes, 4 lanes) stays a few seconds of work and within a phone's memory.
 */
export const ARGON2ID_BOUNDS = { memoryKiB: { min: 19 * 1024, max: 256 * 1024 }, iterations: { min: 1, max: 8 }, parallelism: { min: 1, max: 4 }, minCost: 2 * 19 * 1024 } as const

/** A passphrase must be at least this long as well as rated strong (see src/app/core/vault/strength.ts for why). */
export const PASSPHRASE_MIN_LENGTH = 12
export const PASSPHRASE_MAX_LENGTH = 1_000

const bytes = (min: number, max: number) => z.instanceof(Uint8Array).refine((b) => b.length >= min && b.length <= max, `must be ${min}–${max} bytes`)

export const pbkdf2ParamsSchema = z.strictObject({
  algorithm: z.literal('pbkdf2-sha256'),
  salt: bytes(16, 64),
  iterations: z.number().int().min(PBKDF2_ITERATIONS).max(PBKDF2_MAX_ITERATIONS),
})
const argon2idShape = {
  algorithm: z.literal('argon2id'),
  memoryKiB: z.number().int().min(ARGON2ID_BOUNDS.memoryKiB.min).max(ARGON2ID_BOUNDS.memoryKiB.max),
  iterations: z.number().int().min(ARGON2ID_BOUNDS.iterations.min).max(ARGON2ID_BOUNDS.iterations.max),
  parallelism: z.number().int().min(ARGON2ID_BOUNDS.parallelism.min).max(ARGON2ID_BOUNDS.parallelism.max),
}
const enoughWork = (p: { memoryKiB: number; iterations: number }) => p.memoryKiB * p.iterations >= ARGON2ID_BOUNDS.minCost
export const argon2idParamsSchema = z.strictObject({ ...argon2idShape, salt: bytes(16, 64) }).refine(enoughWork, 'too little work: memory × passes below OWASP\'s minimum')
/** Parameters of a passphrase key derivation, checked before any work is done (kdfWorker.ts parses them again). */
export const kdfParamsSchema = z.discriminatedUnion('algorithm', [pbkdf2ParamsSchema, argon2idParamsSchema])
export type KdfParams = z.infer<typeof kdfParamsSchema>
export type Argon2idParams = z.infer<typeof argon2idParamsSchema>
/** The same Argon2id parameters as they travel in a backup file (salt as base64). */
export const argon2idFileParamsSchema = z.strictObject({ ...argon2idShape, salt: z.string().regex(/^[A-Za-z0-9+/]{22,88}={0,2}$/, 'salt must be base64') }).refine(enoughWork, 'too little work')

export const storedCaseSchema = caseIndexSchema.extend({
  iv: z.instanceof(Uint8Array).refine((b) => b.length === 12, 'iv must be 12 bytes'),
  ciphertext: z.instanceof(Uint8Array),
})
export type StoredCase = z.infer<typeof storedCaseSchema>

const keyCommon = {
  name: z.literal('data-key'),
  /** The AES-256 data key, AES-KW wrapped: always 40 bytes. */
  wrappedKey: bytes(40, 40),
  failedAttempts: z.number().int().min(0).max(1_000),
  lastFailedAt: z.number().optional(),
}
/** A data key wrapped under Argon2id of a passphrase. */
export const passphraseKeyRecordSchema = z.strictObject({ ...keyCommon, mode: z.literal('passphrase'), kdf: argon2idParamsSchema })
/**
 * A data key wrapped under the PRF output of a platform authenticator's credential: the
 * credential's id, the PRF input (`prfSalt`) and the HKDF salt. None of it helps without the
 * authenticator, which keeps the credential's secret in the phone's hardware.
 */
export const prfKeyRecordSchema = z.strictObject({ ...keyCommon, mode: z.literal('prf'), credentialId: bytes(16, 1023), prfSalt: bytes(32, 32), hkdfSalt: bytes(32, 32) })
/** A record made before issue 11: PBKDF2 of a PIN or passphrase. It opens once, then is re-wrapped. */
export const legacyKeyRecordSchema = z.strictObject({
  ...keyCommon,
  salt: bytes(16, 64),
  iterations: z.number().int().min(PBKDF2_ITERATIONS).max(PBKDF2_MAX_ITERATIONS),
})
export const keyRecordSchema = z.union([z.discriminatedUnion('mode', [passphraseKeyRecordSchema, prfKeyRecordSchema]), legacyKeyRecordSchema])
export type KeyRecord = z.infer<typeof keyRecordSchema>
export type PassphraseKeyRecord = z.infer<typeof passphraseKeyRecordSchema>
export type PrfKeyRecord = z.infer<typeof prfKeyRecordSchema>
export type LegacyKeyRecord = z.infer<typeof legacyKeyRecordSchema>
export type VaultMode = 'prf' | 'passphrase'

export function associatedData(id: string, schemaVersion: number): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`samenwerkwijze-case|${id}|${schemaVersion}`)
}
