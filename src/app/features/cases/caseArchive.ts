/**
 * What happens to cases over time and between devices: deletion after the retention period,
 * manual deletion, and an encrypted backup file that restores onto a new device.
 */
import { z } from 'zod'
import { BACKUP_AAD, backupFileSchema, fromBase64, toBase64 } from '../../../shared/crypto/backup'
import { PBKDF2_ITERATIONS } from '../../../shared/crypto/envelope'
import { caseRecordSchema, type CaseRecord } from '../../../shared/cases/v1'
import type { CaseDb } from './caseDb'
import type { CaseStore } from './caseStore'
import type { DeriveKek, Vault } from './vault'

export const DEFAULT_RETENTION_MONTHS = 12

/** The last day a closed case may stay: the close date plus the retention period. */
export function retentionEnds(closedAt: string, months: number): string {
  const [y, m, d] = closedAt.split('-').map(Number) as [number, number, number]
  const end = new Date(Date.UTC(y, m - 1 + months, d))
  return end.toISOString().slice(0, 10)
}

/** Deletes closed cases whose retention has passed; returns how many. */
export async function purgeExpired(store: CaseStore, today: string, months = DEFAULT_RETENTION_MONTHS): Promise<number> {
  const expired = (await store.index()).filter((c) => c.status === 'closed' && c.closedAt && retentionEnds(c.closedAt, months) < today)
  for (const c of expired) await store.remove(c.id)
  return expired.length
}

export class BackupError extends Error {
  constructor(readonly code: 'not-a-backup' | 'wrong-passphrase' | 'damaged') {
    super(code)
  }
}

export async function createBackup(store: CaseStore, passphrase: string, derive: DeriveKek): Promise<string> {
  const records = await store.all()
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const key = await derive(passphrase, salt, PBKDF2_ITERATIONS, 'encrypt')
  const plain = new TextEncoder().encode(JSON.stringify({ records }))
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: BACKUP_AAD }, key, plain))
  return JSON.stringify({ format: 'samenwerkwijze-casussen-backup', version: 1, createdAt: new Date().toISOString(), iterations: PBKDF2_ITERATIONS, salt: toBase64(salt), iv: toBase64(iv), ciphertext: toBase64(ciphertext) })
}

/** Restores every case of a backup, or none: all are checked and sealed before one write. */
export async function restoreBackup(text: string, passphrase: string, vault: Vault, db: CaseDb, derive: DeriveKek): Promise<number> {
  let file
  try {
    file = backupFileSchema.parse(JSON.parse(text))
  } catch {
    throw new BackupError('not-a-backup')
  }
  const key = await derive(passphrase, fromBase64(file.salt), file.iterations, 'encrypt')
  let plain: ArrayBuffer
  try {
    plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(file.iv), additionalData: BACKUP_AAD }, key, fromBase64(file.ciphertext))
  } catch {
    throw new BackupError('wrong-passphrase')
  }
  const content = z.object({ records: z.array(caseRecordSchema) }).safeParse(JSON.parse(new TextDecoder().decode(plain)))
  if (!content.success) throw new BackupError('damaged')
  const sealed = await Promise.all(content.data.records.map((r: CaseRecord) => vault.seal(r)))
  await db.transaction('rw', db.cases, () => db.cases.bulkPut(sealed))
  return sealed.length
}
