/**
 * What happens to cases over time and between devices: deletion after the retention period,
 * manual deletion, and an encrypted backup file that restores onto a new device.
 */
import { z } from 'zod'
import { BACKUP_AAD, backupFileSchema, fromBase64, toBase64 } from '../../../shared/crypto/backup'
import { PBKDF2_ITERATIONS } from '../../../shared/crypto/envelope'
import { caseRecordSchema, type CaseRecord } from '../../../shared/cases/v1'
import { periodOf } from '../../../shared/kpi/period'
import { countedCaseSchema, type CaseDb } from './caseDb'
import { localKpiIdentity, type KpiIdentity } from './kpiSync'
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
  for (const c of expired) await store.remove(c.id, { keepCounts: true })
  return expired.length
}

export class BackupError extends Error {
  constructor(readonly code: 'not-a-backup' | 'wrong-passphrase' | 'damaged') {
    super(code)
  }
}

export async function createBackup(store: CaseStore, passphrase: string, derive: DeriveKek, identity: KpiIdentity = localKpiIdentity): Promise<string> {
  const records = await store.all()
  // The counting identity travels along, so a new phone takes over this one's counts instead of adding to them.
  const counting = { kpiDeviceId: identity.get(), countedCases: await store.countedCases() }
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const key = await derive(passphrase, salt, PBKDF2_ITERATIONS, 'encrypt')
  const plain = new TextEncoder().encode(JSON.stringify({ records, counting }))
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: BACKUP_AAD }, key, plain))
  return JSON.stringify({ format: 'samenwerkwijze-casussen-backup', version: 1, createdAt: new Date().toISOString(), iterations: PBKDF2_ITERATIONS, salt: toBase64(salt), iv: toBase64(iv), ciphertext: toBase64(ciphertext) })
}

/** Restores every case of a backup, or none: all are checked and sealed before one write. */
export async function restoreBackup(text: string, passphrase: string, vault: Vault, db: CaseDb, derive: DeriveKek, identity: KpiIdentity = localKpiIdentity): Promise<number> {
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
  const content = z
    .object({ records: z.array(caseRecordSchema), counting: z.object({ kpiDeviceId: z.guid(), countedCases: z.array(countedCaseSchema) }).optional() })
    .safeParse(JSON.parse(new TextDecoder().decode(plain)))
  if (!content.success) throw new BackupError('damaged')
  const sealed = await Promise.all(content.data.records.map((r: CaseRecord) => vault.seal(r)))
  const counting = content.data.counting
  // A phone without cases of its own takes over the old phone's counting identity: its counts replace the
  // old phone's instead of adding to them. A phone that already holds cases keeps its own.
  const fresh = (await db.cases.count()) === 0 && (await db.countedCases.count()) === 0
  await db.transaction('rw', db.cases, db.countedCases, db.kpiOutbox, async () => {
    await db.cases.bulkPut(sealed)
    if (counting) await db.countedCases.bulkPut(counting.countedCases)
    const periods = new Set<string>()
    for (const c of [...sealed, ...(counting?.countedCases ?? [])]) for (const d of [c.referredAt, c.includedAt, c.completedAt]) if (d) periods.add(periodOf(d))
    for (const period of periods) {
      const item = await db.kpiOutbox.get(period)
      await db.kpiOutbox.put({ period, attempts: 0, nextAttemptAt: 0, revision: (item?.revision ?? 0) + 1 })
    }
  })
  if (counting && fresh) identity.adopt(counting.kpiDeviceId)
  return sealed.length
}
