import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { BackupError, createBackup, purgeExpired, restoreBackup, retentionEnds } from '../../src/app/features/cases/caseArchive'
import { CaseDb } from '../../src/app/features/cases/caseDb'
import { CaseStore } from '../../src/app/features/cases/caseStore'
import { deriveKek, Vault } from '../../src/app/features/cases/vault'
import { openFacts } from '../../src/app/features/cases/caseFactsStore'
import { BACKUP_AAD, backupAad, toBase64 } from '../../src/shared/crypto/backup'
import { ARGON2ID_DEFAULTS } from '../../src/shared/crypto/envelope'
import { newCase, type CaseRecord } from '../../src/shared/cases/v2'
import { countMeasures } from '../../src/shared/kpi/measureCounts'
import type { Period } from '../../src/shared/kpi/period'
import { softwarePrf } from './softwarePrf'

// Real Argon2id (64 MiB, 3 passes) and PBKDF2-600k run in these tests, several per test: on a
// busy two-core CI machine one test can take longer than Vitest's default five seconds.
vi.setConfig({ testTimeout: 30_000 })

// Real Argon2id and PBKDF2, each input derived once and reused.
const cache = new Map<string, Promise<CryptoKey>>()
const calls = { n: 0 }
const derive: typeof deriveKek = (p, params, purpose = 'wrap') => {
  calls.n++
  const k = `${p}|${JSON.stringify({ ...params, salt: Buffer.from(params.salt).toString('hex') })}|${purpose}`
  if (!cache.has(k)) cache.set(k, deriveKek(p, params, purpose))
  return cache.get(k)!
}

let dbs: CaseDb[] = []
let n = 0
/** A phone whose vault opens with its platform authenticator (cheap: no passphrase derivation). */
async function device() {
  const db = new CaseDb(`archive-${n++}`)
  dbs.push(db)
  const vault = new Vault(db, derive, Date.now, () => undefined, softwarePrf())
  await vault.setUp({ mode: 'prf' })
  return { db, vault, store: new CaseStore(db, vault) }
}
const PASSPHRASE = 'zomer in de polder 2026'

/** A version 1 backup as the app wrote it before issue 11: PBKDF2-SHA256, 600,000 rounds. */
async function versionOneBackup(records: CaseRecord[], passphrase: string, iterations = 600_000) {
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, ['deriveKey'])
  const key = await crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material, { name: 'AES-GCM', length: 256 }, false, ['encrypt'])
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: BACKUP_AAD }, key, new TextEncoder().encode(JSON.stringify({ records }))))
  return JSON.stringify({ format: 'samenwerkwijze-casussen-backup', version: 1, createdAt: '2026-10-01T08:00:00.000Z', iterations, salt: toBase64(salt), iv: toBase64(iv), ciphertext: toBase64(ciphertext) })
}
/** A version 2 file around any content, as createBackup seals it (to hand-make older or crafted ones). */
async function versionTwoBackup(content: unknown, passphrase: string) {
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const key = await derive(passphrase, { algorithm: 'argon2id', salt, ...ARGON2ID_DEFAULTS }, 'encrypt')
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: backupAad(2) }, key, new TextEncoder().encode(JSON.stringify(content))))
  return JSON.stringify({ format: 'samenwerkwijze-casussen-backup', version: 2, createdAt: '2026-11-22T08:00:00.000Z', kdf: { algorithm: 'argon2id', ...ARGON2ID_DEFAULTS, salt: toBase64(salt) }, iv: toBase64(iv), ciphertext: toBase64(ciphertext) })
}
beforeEach(() => {
  dbs = []
})
afterEach(() => dbs.forEach((d) => d.close()))

const make = (id: string, name: string, closedAt?: string): CaseRecord => ({
  ...newCase(id, 'samenwerkwijze', new Date('2026-01-05T10:00:00Z')),
  resident: { name },
  ...(closedAt ? { status: 'closed' as const, closedAt } : {}),
})
const memory = { get: () => '3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b', adopt: () => undefined }
const A = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'
const B = '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e'

describe('retention', () => {
  it('ends twelve months after closing', () => {
    expect(retentionEnds('2026-03-15', 12)).toBe('2027-03-15')
  })
  it('deletes closed cases past their retention, and keeps open and recent ones', async () => {
    const { store } = await device()
    await store.save(make(A, 'Oud', '2025-01-10'))
    await store.save(make(B, 'Lopend'))
    expect(await purgeExpired(store, '2026-11-22')).toBe(1)
    expect((await store.index()).map((c) => c.id)).toEqual([B])
  })
})

describe('the encrypted backup file', () => {
  it('restores every case onto a new device, from a version 2 file under Argon2id', async () => {
    const old = await device()
    await old.store.save(make(A, 'Maria Verhoeven'))
    await old.store.save(make(B, 'Jan de Vries'))
    const file = await createBackup(old.store, PASSPHRASE, derive, memory)
    expect(file).not.toContain('Maria')
    expect(JSON.parse(file)).toMatchObject({ version: 2, kdf: { algorithm: 'argon2id', memoryKiB: 65536, iterations: 3, parallelism: 1 } })
    const fresh = await device()
    expect(await restoreBackup(file, PASSPHRASE, fresh.vault, fresh.db, derive, memory)).toBe(2)
    expect((await fresh.store.load(A))?.resident.name).toBe('Maria Verhoeven')
  })
  it('refuses a wrong passphrase, a damaged file and something else, writing nothing', async () => {
    const old = await device()
    await old.store.save(make(A, 'Maria Verhoeven'))
    const file = await createBackup(old.store, PASSPHRASE, derive, memory)
    const fresh = await device()
    await expect(restoreBackup(file, 'winter', fresh.vault, fresh.db, derive)).rejects.toEqual(new BackupError('wrong-passphrase'))
    const parsed = JSON.parse(file) as { ciphertext: string }
    const damaged = JSON.stringify({ ...parsed, ciphertext: parsed.ciphertext.slice(0, -8) + 'AAAAAAA=' })
    await expect(restoreBackup(damaged, PASSPHRASE, fresh.vault, fresh.db, derive)).rejects.toEqual(new BackupError('wrong-passphrase'))
    await expect(restoreBackup('{"hello":1}', 'x', fresh.vault, fresh.db, derive)).rejects.toEqual(new BackupError('not-a-backup'))
    await expect(restoreBackup('niet eens json', 'x', fresh.vault, fresh.db, derive)).rejects.toEqual(new BackupError('not-a-backup'))
    expect(await fresh.db.cases.count()).toBe(0)
  })
  it('refuses a weak, short or numeric backup passphrase before writing anything', async () => {
    const old = await device()
    await old.store.save(make(A, 'Maria Verhoeven'))
    calls.n = 0
    await expect(createBackup(old.store, '482913', derive, memory)).rejects.toEqual(new BackupError('too-short'))
    await expect(createBackup(old.store, 'wachtwoord1234', derive, memory)).rejects.toEqual(new BackupError('weak'))
    await expect(createBackup(old.store, '123456789012', derive, memory)).rejects.toEqual(new BackupError('weak'))
    expect(calls.n).toBe(0)
  })
  it('attack: refuses a crafted file with huge key-derivation settings at once, before deriving anything', async () => {
    // Before issue 11 a version 1 file with 40,000,000 PBKDF2 rounds held the key worker for about 13 s here (any larger number: longer).
    const fresh = await device()
    const zeros = (n: number) => toBase64(new Uint8Array(n))
    const base = { format: 'samenwerkwijze-casussen-backup', createdAt: '2026-11-30T00:00:00Z', iv: zeros(12), ciphertext: zeros(32) }
    const kdf = { algorithm: 'argon2id', memoryKiB: 65536, iterations: 3, parallelism: 1, salt: zeros(16) }
    calls.n = 0
    for (const crafted of [
      { ...base, version: 1, iterations: 40_000_000, salt: zeros(16) },
      { ...base, version: 1, iterations: 1_000, salt: zeros(16) },
      { ...base, version: 2, kdf: { ...kdf, memoryKiB: 8 * 1024 * 1024 } },
      { ...base, version: 2, kdf: { ...kdf, iterations: 1_000_000 } },
      { ...base, version: 2, kdf: { ...kdf, parallelism: 64 } },
    ]) {
      const t0 = performance.now()
      await expect(restoreBackup(JSON.stringify(crafted), PASSPHRASE, fresh.vault, fresh.db, derive)).rejects.toEqual(new BackupError('bad-settings'))
      expect(performance.now() - t0).toBeLessThan(100)
    }
    expect(calls.n).toBe(0)
  })
  it('still restores a version 1 file (PBKDF2) made before issue 11', async () => {
    const file = await versionOneBackup([make(A, 'Maria Verhoeven')], 'winter op de hei')
    const fresh = await device()
    expect(await restoreBackup(file, 'winter op de hei', fresh.vault, fresh.db, derive, memory)).toBe(1)
    expect((await fresh.store.load(A))?.resident.name).toBe('Maria Verhoeven')
  })
})

describe('counts survive what happens to cases', () => {
  const included = (id: string, name: string, closedAt?: string): CaseRecord => {
    const c = make(id, name, closedAt)
    return { ...c, pathway: 'wor', resident: { ...c.resident, municipality: 'Oss' }, wor: { matchedServiceIds: [], intakeDate: '2026-02-10' } }
  }
  const memoryIdentity = (id: string) => ({ id, get() { return this.id }, adopt(next: string) { this.id = next } })

  it('keeps what a case counted after its retention has passed, but not after a manual delete', async () => {
    const { store } = await device()
    await store.save(included(A, 'Oud', '2025-01-10'))
    await store.save(included(B, 'Vergissing'))
    expect(await purgeExpired(store, '2026-11-22')).toBe(1)
    await store.remove(B, { keepCounts: false })
    expect(await store.index()).toEqual([])
    const counted = await store.countingIndex()
    expect(counted).toEqual([{ id: A, pathway: 'wor', municipality: 'Oss', includedAt: '2026-02-10', completedAt: '2025-01-10', referredAt: expect.any(String) as string }])
    expect(JSON.stringify(counted)).not.toContain('Oud')
  })

  it('leaves nothing of the cases after a wipe, and starts counting under a new id so the counts already sent stay', async () => {
    const db = new CaseDb(`archive-${n++}`)
    dbs.push(db)
    let forgotten = false
    const vault = new Vault(db, derive, Date.now, () => (forgotten = true), softwarePrf())
    await vault.setUp({ mode: 'prf' })
    const store = new CaseStore(db, vault)
    await store.save(included(A, 'Maria Verhoeven'))
    await store.save(included(B, 'Oud', '2025-01-10'))
    await purgeExpired(store, '2026-11-22')
    await vault.wipe()
    expect(await store.countingIndex()).toEqual([])
    expect(await db.outbox.count()).toBe(0)
    expect(forgotten).toBe(true)
  })

  it('lets a new phone take over the old phone\'s counting id, so its counts replace the old ones instead of doubling them', async () => {
    const old = await device()
    await old.store.save(included(A, 'Maria Verhoeven'))
    const file = await createBackup(old.store, PASSPHRASE, derive, memoryIdentity('5b2d6c3e-1f4a-4b5c-8d6e-7f8091a2b3c4'))
    const fresh = await device()
    const identity = memoryIdentity('6c3e7d4f-2a5b-4c6d-9e7f-8091a2b3c4d5')
    await restoreBackup(file, PASSPHRASE, fresh.vault, fresh.db, derive, identity)
    expect(identity.id).toBe('5b2d6c3e-1f4a-4b5c-8d6e-7f8091a2b3c4')
    // The restored periods are queued, so the new phone sends its (equal) counts under the old id.
    expect((await fresh.db.outbox.toArray()).map((o) => o.period)).toContain('2026-H1')

    // A phone that already holds cases keeps its own id.
    const busy = await device()
    await busy.store.save(make(B, 'Jan de Vries'))
    const own = memoryIdentity('7d4f8e5a-3b6c-4d7e-8f9a-0b1c2d3e4f5a')
    await restoreBackup(file, PASSPHRASE, busy.vault, busy.db, derive, own)
    expect(own.id).toBe('7d4f8e5a-3b6c-4d7e-8f9a-0b1c2d3e4f5a')
  })

  describe('the steering measures in the backup (issue 18)', () => {
    const byId = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => (a.id < b.id ? -1 : 1))
    const measures = async (store: CaseStore, period: Period) => countMeasures(await store.countingFacts(), period, '2026-11-22')
    /** A removed case (A, closed 2025-01-10, past its retention) whose facts are retained, and a kept one (B). */
    async function oldPhone() {
      const old = await device()
      await old.store.save({ ...included(A, 'Oud', '2025-01-10'), closeCategory: 'doel-bereikt', satisfaction: { start: 6, end: 9 } })
      await old.store.save(included(B, 'Maria Verhoeven'))
      expect(await purgeExpired(old.store, '2026-11-22')).toBe(1)
      return old
    }

    it("carries every case's facts, the removed cases' too, and seals them again under the new phone's vault: it counts the same measures", async () => {
      const old = await oldPhone()
      const kept = byId(await old.store.storedFacts())
      expect(kept.map((f) => [f.id, f.retained])).toEqual([[A, true], [B, false]])
      const file = await createBackup(old.store, PASSPHRASE, derive, memory)
      expect(file).not.toContain('doel-bereikt')

      const fresh = await device()
      expect(await restoreBackup(file, PASSPHRASE, fresh.vault, fresh.db, derive, memory)).toBe(1)
      const rows = byId(await fresh.db.caseFacts.toArray())
      expect(rows.map((r) => [r.id, !!r.retained])).toEqual([[A, true], [B, false]])
      // Sealed under the new phone's vault key: it opens them, the old phone's vault does not.
      for (const row of rows) {
        expect(await openFacts(fresh.vault, row)).toBeDefined()
        expect(await openFacts(old.vault, row)).toBeUndefined()
      }
      expect(byId(await fresh.store.storedFacts())).toEqual(kept)
      // The removed case still counts where it closed (2025-H1), with its reason and satisfaction; every measure as on the old phone.
      const closed = await measures(fresh.store, '2025-H1')
      expect(closed.map((r) => [r.measure, r.bucket, r.count])).toEqual(expect.arrayContaining([['close-reason', 'doel-bereikt', 1], ['satisfaction-end', '9-10', 1]]))
      for (const period of ['2025-H1', '2026-H1'] as const) expect(await measures(fresh.store, period), period).toEqual(await measures(old.store, period))
      // Their half-years are queued, so the new phone sends them under the old phone's counting id.
      expect((await fresh.db.outbox.toArray()).map((o) => o.period)).toEqual(expect.arrayContaining(['2025-H1', '2026-H1']))
    })

    it('restores a file made before the facts travelled: the cases come back and their facts are made from them', async () => {
      const file = await versionTwoBackup({ records: [included(B, 'Maria Verhoeven')], counting: { kpiDeviceId: memory.get(), countedCases: [] } }, PASSPHRASE)
      const fresh = await device()
      expect(await restoreBackup(file, PASSPHRASE, fresh.vault, fresh.db, derive, memory)).toBe(1)
      expect(await fresh.db.caseFacts.count()).toBe(0)
      expect((await measures(fresh.store, '2026-H1')).map((r) => r.measure)).toContain('referral-to-intake')
    })

    it('refuses facts that are not facts (a name, a bad date) as damaged, writing nothing', async () => {
      const old = await oldPhone()
      const [facts] = await old.store.storedFacts()
      const fresh = await device()
      for (const bad of [{ ...facts!.facts, name: 'Maria Verhoeven' }, { ...facts!.facts, closedOn: '10-01-2025' }]) {
        const file = await versionTwoBackup({ records: [], counting: { kpiDeviceId: memory.get(), countedCases: [], facts: [{ id: A, retained: true, facts: bad }] } }, PASSPHRASE)
        await expect(restoreBackup(file, PASSPHRASE, fresh.vault, fresh.db, derive, memory)).rejects.toEqual(new BackupError('damaged'))
      }
      expect([await fresh.db.caseFacts.count(), await fresh.db.cases.count(), await fresh.db.outbox.count()]).toEqual([0, 0, 0])
    })
  })
})
