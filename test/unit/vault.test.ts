import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CaseDb } from '../../src/app/features/cases/caseDb'
import { CaseStore } from '../../src/app/features/cases/caseStore'
import { deriveKek, passcodeDelay, Vault } from '../../src/app/features/cases/vault'
import { newCase, type CaseRecord } from '../../src/shared/cases/v1'

// Fewer iterations in tests would change what is tested; instead derive once and reuse.
const kekCache = new Map<string, CryptoKey>()
const cachedDerive: typeof deriveKek = async (passcode, salt, iterations) => {
  const key = `${passcode}|${Buffer.from(salt).toString('hex')}|${iterations}`
  if (!kekCache.has(key)) kekCache.set(key, await deriveKek(passcode, salt, iterations))
  return kekCache.get(key)!
}

let db: CaseDb
let n = 0
let clock = 0
beforeEach(() => {
  db = new CaseDb(`vault-test-${n++}`)
  clock = Date.UTC(2026, 10, 22)
})
afterEach(() => db.close())

const vault = () => new Vault(db, cachedDerive, () => clock)
const ID = '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d'
function sample(): CaseRecord {
  const c = newCase(ID, 'wor', new Date('2026-03-02T09:00:00Z'))
  c.resident = { name: 'Maria Verhoeven', birthYear: 1948, municipality: 'Oss', contact: '06 00000000' }
  c.questions = { wil: 'Weer mensen zien', kan: 'Koken', nodig: 'Vervoer naar de stad' }
  return c
}

describe('the case vault', () => {
  it('round-trips a case, and stores nothing personal in clear', async () => {
    const v = vault()
    await v.setUp('482913')
    const store = new CaseStore(db, v)
    await store.save(sample())
    expect((await store.load(ID))?.resident.name).toBe('Maria Verhoeven')
    const raw = await db.cases.get(ID)
    const visible = JSON.stringify({ ...raw, ciphertext: undefined, iv: undefined })
    const bytes = Buffer.from(raw!.ciphertext).toString('latin1')
    for (const secret of ['Maria', 'Verhoeven', '1948', '06 0000', 'mensen', 'Vervoer']) {
      expect(visible).not.toContain(secret)
      expect(bytes).not.toContain(secret)
    }
    expect(raw).toMatchObject({ id: ID, pathway: 'wor', municipality: 'Oss', status: 'open' })
  })

  it('unlocks with the passcode after a restart, and the key stays non-extractable', async () => {
    const first = vault()
    await first.setUp('482913')
    await new CaseStore(db, first).save(sample())
    const second = vault()
    expect(second.isUnlocked).toBe(false)
    await expect(new CaseStore(db, second).load(ID)).rejects.toThrow(/locked/)
    expect(await second.unlock('482913')).toEqual({ ok: true })
    expect((await new CaseStore(db, second).load(ID))?.questions.wil).toBe('Weer mensen zien')
    const key = (second as unknown as { key: CryptoKey }).key
    expect(key.extractable).toBe(false)
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow()
  })

  it('refuses a tampered record, and a record moved to another id', async () => {
    const v = vault()
    await v.setUp('482913')
    const store = new CaseStore(db, v)
    await store.save(sample())
    const raw = (await db.cases.get(ID))!
    const flipped = new Uint8Array(raw.ciphertext)
    flipped[5] = flipped[5]! ^ 1
    await expect(v.open({ ...raw, ciphertext: flipped })).rejects.toThrow()
    await expect(v.open({ ...raw, id: '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e' })).rejects.toThrow()
  })

  it('slows down after wrong passcodes and wipes the cases after ten', async () => {
    const v = vault()
    await v.setUp('482913')
    await new CaseStore(db, v).save(sample())
    v.lock()
    const results = []
    for (let i = 0; i < 9; i++) {
      clock += passcodeDelay(i) * 1000 + 1
      results.push(await v.unlock('000000'))
    }
    expect(results[0]).toEqual({ ok: false, reason: 'wrong', attemptsLeft: 9 })
    expect(await v.unlock('000000')).toMatchObject({ ok: false, reason: 'wait' })
    clock += 10 * 60 * 1000
    expect(await v.unlock('000000')).toEqual({ ok: false, reason: 'wiped' })
    expect(await db.cases.count()).toBe(0)
    expect(await v.isSetUp()).toBe(false)
  })

  it('puts the periods a saved case touches in the KPI outbox, in the same write, and nothing for an unchanged count', async () => {
    const v = vault()
    await v.setUp('482913')
    const store = new CaseStore(db, v)
    const c = sample()
    c.referral = { date: '2026-03-02' }
    await store.save(c)
    const periods = (await db.kpiOutbox.toArray()).map((o) => o.period)
    expect(periods[0]).toBe('2026-H1')
    expect(periods).toContain('2026-H2')
    await db.kpiOutbox.clear()
    c.questions.wil = 'Iets anders'
    await store.save(c)
    expect(await db.kpiOutbox.count()).toBe(0)
  })

  it('refuses a passcode shorter than six digits or ten characters', async () => {
    await expect(vault().setUp('1234')).rejects.toThrow(/too short/)
    await expect(vault().setUp('kort')).rejects.toThrow(/too short/)
  })
})
