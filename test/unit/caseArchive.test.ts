import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BackupError, createBackup, purgeExpired, restoreBackup, retentionEnds } from '../../src/app/features/cases/caseArchive'
import { CaseDb } from '../../src/app/features/cases/caseDb'
import { CaseStore } from '../../src/app/features/cases/caseStore'
import { deriveKek, Vault } from '../../src/app/features/cases/vault'
import { newCase, type CaseRecord } from '../../src/shared/cases/v1'

const cache = new Map<string, CryptoKey>()
const derive: typeof deriveKek = async (p, salt, it, purpose = 'wrap') => {
  const k = `${p}|${Buffer.from(salt).toString('hex')}|${purpose}`
  if (!cache.has(k)) cache.set(k, await deriveKek(p, salt, it, purpose))
  return cache.get(k)!
}

let dbs: CaseDb[] = []
let n = 0
async function device(passcode = '482913') {
  const db = new CaseDb(`archive-${n++}`)
  dbs.push(db)
  const vault = new Vault(db, derive)
  await vault.setUp(passcode)
  return { db, vault, store: new CaseStore(db, vault) }
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
  it('restores every case onto a new device with another passcode', async () => {
    const old = await device('482913')
    await old.store.save(make(A, 'Maria Verhoeven'))
    await old.store.save(make(B, 'Jan de Vries'))
    const file = await createBackup(old.store, 'zomer in de polder 2026', derive)
    expect(file).not.toContain('Maria')
    const fresh = await device('777111')
    expect(await restoreBackup(file, 'zomer in de polder 2026', fresh.vault, fresh.db, derive)).toBe(2)
    expect((await fresh.store.load(A))?.resident.name).toBe('Maria Verhoeven')
  })
  it('refuses a wrong passphrase, a damaged file and something else, writing nothing', async () => {
    const old = await device()
    await old.store.save(make(A, 'Maria Verhoeven'))
    const file = await createBackup(old.store, 'zomer in de polder 2026', derive)
    const fresh = await device('777111')
    await expect(restoreBackup(file, 'winter', fresh.vault, fresh.db, derive)).rejects.toEqual(new BackupError('wrong-passphrase'))
    const parsed = JSON.parse(file) as { ciphertext: string }
    const damaged = JSON.stringify({ ...parsed, ciphertext: parsed.ciphertext.slice(0, -8) + 'AAAAAAA=' })
    await expect(restoreBackup(damaged, 'zomer in de polder 2026', fresh.vault, fresh.db, derive)).rejects.toEqual(new BackupError('wrong-passphrase'))
    await expect(restoreBackup('{"hello":1}', 'x', fresh.vault, fresh.db, derive)).rejects.toEqual(new BackupError('not-a-backup'))
    expect(await fresh.db.cases.count()).toBe(0)
  })
})
