/**
 * Case vault figures: unlock (PBKDF2 600,000 rounds) plus listing 1,000 encrypted cases, and
 * saving one changed field, against the same work on plain, unencrypted Dexie as the peer.
 * Runs in Node with fake-indexeddb (the same Dexie code; IndexedDB in memory) and Node's
 * WebCrypto, so the ratio is the cost of the encryption, not of a browser's disk.
 */
import 'fake-indexeddb/auto'
import { Dexie, type EntityTable } from 'dexie'
import { CaseDb } from '../src/app/features/cases/caseDb'
import { CaseStore } from '../src/app/features/cases/caseStore'
import { Vault } from '../src/app/features/cases/vault'
import { newCase, type CaseRecord } from '../src/shared/cases/v1'
import { countInclusions, periodsOf } from '../src/shared/kpi/counts'

class PlainDb extends Dexie {
  cases!: EntityTable<CaseRecord, 'id'>
  constructor(name: string) {
    super(name)
    this.version(1).stores({ cases: 'id, status, updatedAt' })
  }
}

function sampleCase(i: number): CaseRecord {
  const c = newCase(crypto.randomUUID(), (['samenwerkwijze', 'wor', 'vg', 'sa'] as const)[i % 4]!, new Date(Date.UTC(2026, 0, 1 + (i % 300))))
  c.resident = { name: `Inwoner ${i}`, birthYear: 1940 + (i % 60), municipality: 'Oss', contact: '06 00000000' }
  c.questions = { wil: 'Weer mensen ontmoeten en erbij horen '.repeat(3), kan: 'Koken, luisteren, fietsen '.repeat(3), nodig: 'Vervoer en iemand die meegaat '.repeat(3) }
  c.steps = Array.from({ length: 4 }, (_, k) => ({ id: crypto.randomUUID(), what: `Stap ${k} samen zetten met de buurvrouw`, who: 'inwoner' as const, done: k < 2 }))
  return c
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const round = (n: number) => Math.round(n * 100) / 100

export async function vaultBench(count = 1_000, runs = 5) {
  const cases = Array.from({ length: count }, (_, i) => sampleCase(i))

  // Encrypted: fill once, then measure unlock + list (decrypt all) several times.
  const db = new CaseDb(`bench-vault-${Date.now()}`)
  const vault = new Vault(db)
  await vault.setUp('482913')
  const store = new CaseStore(db, vault)
  await db.cases.bulkPut(await Promise.all(cases.map((c) => vault.seal(c))))
  const unlockList: number[] = []
  const unlockOnly: number[] = []
  for (let r = 0; r < runs; r++) {
    vault.lock()
    const t0 = performance.now()
    await vault.unlock('482913')
    const t1 = performance.now()
    const listed = await store.all()
    unlockList.push(performance.now() - t0)
    unlockOnly.push(t1 - t0)
    if (listed.length !== count) throw new Error('not every case listed')
  }
  const saveEncrypted: number[] = []
  for (let r = 0; r < 50; r++) {
    const c = cases[r]!
    c.questions.wil = `Weer mensen ontmoeten (${r})`
    const t = performance.now()
    await store.save(c)
    saveEncrypted.push(performance.now() - t)
  }

  // Peer: the same on plain Dexie, nothing encrypted.
  const plain = new PlainDb(`bench-plain-${Date.now()}`)
  await plain.cases.bulkPut(cases)
  const listPlain: number[] = []
  for (let r = 0; r < runs; r++) {
    const t = performance.now()
    const rows = await plain.cases.orderBy('updatedAt').reverse().toArray()
    listPlain.push(performance.now() - t)
    if (rows.length !== count) throw new Error('not every case listed')
  }
  const savePlain: number[] = []
  for (let r = 0; r < 50; r++) {
    const c = cases[r]!
    c.questions.wil = `Weer mensen ontmoeten (${r})`
    const t = performance.now()
    await plain.cases.put({ ...c, updatedAt: new Date().toISOString() })
    savePlain.push(performance.now() - t)
  }
  db.close()
  plain.close()

  const result = {
    cases: count,
    unlock_and_list_ms: round(median(unlockList)),
    of_which_unlock_ms: round(median(unlockOnly)),
    aim_unlock_and_list_ms: 300,
    plain_list_ms: round(median(listPlain)),
    save_field_ms: round(median(saveEncrypted)),
    aim_save_field_ms: 10,
    plain_save_ms: round(median(savePlain)),
  }
  return {
    ...result,
    ratio_list_encrypted_vs_plain_excluding_unlock: round((result.unlock_and_list_ms - result.of_which_unlock_ms) / result.plain_list_ms),
    ratio_save_encrypted_vs_plain: round(result.save_field_ms / result.plain_save_ms),
  }
}

/**
 * Counting on the device (issue 6): the counts for every period from the clear index of 10,000
 * cases, against reading that index from IndexedDB (the peer: what every count needs first).
 */
export async function countBench(count = 10_000, runs = 5) {
  const db = new CaseDb(`bench-count-${Date.now()}`)
  const vault = new Vault(db)
  await vault.setUp('482913')
  const store = new CaseStore(db, vault)
  const sealed = await Promise.all(
    Array.from({ length: count }, (_, i) => {
      const c = sampleCase(i)
      c.resident.municipality = (['Oss', 'Bernheze', 'Boekel', 'Meierijstad', 'Maashorst'] as const)[i % 5]
      c.referral = { date: `202${5 + (i % 2)}-${String(1 + (i % 12)).padStart(2, '0')}-10`, referrerType: 'huisarts' }
      if (c.pathway === 'wor') c.wor = { matchedServiceIds: [], intakeDate: c.referral.date }
      return vault.seal(c)
    }),
  )
  await db.cases.bulkPut(sealed)
  const read: number[] = []
  const counted: number[] = []
  let rows = 0
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now()
    const index = await store.countingIndex()
    const t1 = performance.now()
    rows = periodsOf(index).reduce((n, p) => n + countInclusions(index, p).length, 0)
    counted.push(performance.now() - t1)
    read.push(t1 - t0)
  }
  db.close()
  const result = { cases: count, rows, count_all_periods_ms: round(median(counted)), aim_count_ms: 100, read_index_ms: round(median(read)) }
  return { ...result, ratio_count_vs_index_read: round(result.count_all_periods_ms / result.read_index_ms) }
}
