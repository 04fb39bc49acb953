/**
 * What happens to cases over time and between devices: deletion after the retention period,
 * manual deletion, and an encrypted backup file that restores onto a new device.
 */
import { z } from 'zod'
import { BACKUP_FORMAT, backupAad, backupFileSchema, fromBase64, toBase64 } from '../../../shared/crypto/backup'
import { ARGON2ID_DEFAULTS, type KdfParams } from '../../../shared/crypto/envelope'
import { passphraseProblem, type PassphraseProblem } from '../../core/vault/strength'
import { storedCaseRecordSchema, type CaseRecord } from '../../../shared/cases/v2'
import { periodOf } from '../../../shared/kpi/period'
import { countedCaseSchema, type CaseDb } from './caseDb'
import { localKpiIdentity, type KpiIdentity } from './kpiSync'
import { markPeriodsChanged } from './kpiSyncCore'
import { sealFacts } from './caseFactsStore'
import { caseFactsSchema } from '../../../shared/kpi/caseFacts'
import { periodsOfFacts } from '../../../shared/kpi/measureCounts'
import type { CaseStore } from './caseStore'
import type { DeriveKek, Vault } from './vault'
import { fromDayNumber } from '../../../shared/core/dates'

export const DEFAULT_RETENTION_MONTHS = 12

/** The last day a closed case may stay: the close date plus the retention period. */
export function retentionEnds(closedAt: string, months: number): string {
  const [y, m, d] = closedAt.split('-').map(Number) as [number, number, number]
  // Date.UTC rolls the month over (and 31 March + 1 month into May 1st), as before.
  return fromDayNumber(Date.UTC(y, m - 1 + months, d) / 86_400_000)
}

/** Deletes closed cases whose retention has passed; returns how many. */
export async function purgeExpired(store: CaseStore, today: string, months = DEFAULT_RETENTION_MONTHS): Promise<number> {
  const expired = (await store.index()).filter((c) => c.status === 'closed' && c.closedAt && retentionEnds(c.closedAt, months) < today)
  for (const c of expired) await store.remove(c.id, { keepCounts: true })
  return expired.length
}

/**
 * not-a-backup: not our file; bad-settings: our format, but key-derivation settings outside the
 * bounds (a crafted file, refused before any work); wrong-passphrase; damaged; and for a new
 * backup a passphrase that is too short, too long or too weak.
 */
export class BackupError extends Error {
  constructor(readonly code: 'not-a-backup' | 'bad-settings' | 'wrong-passphrase' | 'damaged' | PassphraseProblem) {
    super(code)
  }
}

/** A new backup: version 2, the key from Argon2id of a passphrase that passes the vault's strength rule. */
export async function createBackup(store: CaseStore, passphrase: string, derive: DeriveKek, identity: KpiIdentity = localKpiIdentity): Promise<string> {
  const problem = await passphraseProblem(passphrase)
  if (problem) throw new BackupError(problem)
  const records = await store.all()
  // The counting identity travels along, so a new phone takes over this one's counts instead of adding to them.
  // So do the cases' facts for the steering measures, opened here and sealed again under the new
  // phone's vault at restore: those of removed cases (retained) keep counting like countedCases,
  // those of the cases in the file keep the days their essentials were first seen met.
  const counting = { kpiDeviceId: identity.get(), countedCases: await store.countedCases(), facts: await store.storedFacts() }
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const key = await derive(passphrase, { algorithm: 'argon2id', salt, ...ARGON2ID_DEFAULTS }, 'encrypt')
  const plain = new TextEncoder().encode(JSON.stringify({ records, counting }))
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: backupAad(2) }, key, plain))
  return JSON.stringify({ format: BACKUP_FORMAT, version: 2, createdAt: new Date().toISOString(), kdf: { algorithm: 'argon2id', ...ARGON2ID_DEFAULTS, salt: toBase64(salt) }, iv: toBase64(iv), ciphertext: toBase64(ciphertext) })
}

/** Reads a backup file's envelope; its settings are checked against their bounds before any key is derived. */
function parseBackup(text: string) {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new BackupError('not-a-backup')
  }
  const parsed = backupFileSchema.safeParse(json)
  if (parsed.success) return parsed.data
  const ours = typeof json === 'object' && json !== null && (json as { format?: unknown }).format === BACKUP_FORMAT
  const settings = parsed.error.issues.some((i) => i.path[0] === 'kdf' || i.path[0] === 'iterations' || i.path[0] === 'salt')
  throw new BackupError(ours && settings ? 'bad-settings' : 'not-a-backup')
}

/**
 * What a backup file holds once opened. `counting` came with issue 11 and its `facts` with issue 18:
 * a file without them restores the cases (the facts are made again from them when counts go out).
 */
const backupContentSchema = z.object({
  records: z.array(storedCaseRecordSchema),
  counting: z
    .object({
      kpiDeviceId: z.guid(),
      countedCases: z.array(countedCaseSchema),
      facts: z.array(z.strictObject({ id: z.guid(), retained: z.boolean(), facts: caseFactsSchema })).optional(),
    })
    .optional(),
})

/** Restores every case of a backup, or none: all are checked and sealed before one write. */
export async function restoreBackup(text: string, passphrase: string, vault: Vault, db: CaseDb, derive: DeriveKek, identity: KpiIdentity = localKpiIdentity): Promise<number> {
  const file = parseBackup(text)
  const params: KdfParams =
    file.version === 1
      ? { algorithm: 'pbkdf2-sha256', salt: fromBase64(file.salt), iterations: file.iterations }
      : { algorithm: 'argon2id', salt: fromBase64(file.kdf.salt), memoryKiB: file.kdf.memoryKiB, iterations: file.kdf.iterations, parallelism: file.kdf.parallelism }
  const key = await derive(passphrase, params, 'encrypt')
  let plain: ArrayBuffer
  try {
    plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(file.iv), additionalData: backupAad(file.version) }, key, fromBase64(file.ciphertext))
  } catch {
    throw new BackupError('wrong-passphrase')
  }
  const content = backupContentSchema.safeParse(JSON.parse(new TextDecoder().decode(plain)))
  if (!content.success) throw new BackupError('damaged')
  const sealed = await Promise.all(content.data.records.map((r: CaseRecord) => vault.seal(r)))
  const counting = content.data.counting
  // The facts sealed under this phone's vault (the old phone's key stays behind). Those of a case
  // that is not in the file (removed while the backup was made) have nothing to belong to.
  const restoredIds = new Set(sealed.map((c) => c.id))
  const facts = (counting?.facts ?? []).filter((f) => f.retained || restoredIds.has(f.id))
  const sealedFacts = await Promise.all(facts.map((f) => sealFacts(vault, f.id, f.facts, f.retained)))
  // A phone without cases of its own takes over the old phone's counting identity: its counts replace the
  // old phone's instead of adding to them. A phone that already holds cases keeps its own.
  const fresh = (await db.cases.count()) === 0 && (await db.countedCases.count()) === 0
  await db.transaction('rw', [db.cases, db.countedCases, db.caseFacts, db.outbox], async () => {
    await db.cases.bulkPut(sealed)
    if (counting) await db.countedCases.bulkPut(counting.countedCases)
    await db.caseFacts.bulkPut(sealedFacts)
    const periods = new Set<string>(periodsOfFacts(facts.map((f) => f.facts)))
    for (const c of [...sealed, ...(counting?.countedCases ?? [])]) for (const d of [c.referredAt, c.includedAt, c.completedAt]) if (d) periods.add(periodOf(d))
    await markPeriodsChanged(db.outbox, periods)
  })
  if (counting && fresh) identity.adopt(counting.kpiDeviceId)
  return sealed.length
}
