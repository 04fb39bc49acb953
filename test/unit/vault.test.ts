import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { CaseDb } from '../../src/app/features/cases/caseDb'
import { CaseStore } from '../../src/app/features/cases/caseStore'
import { deriveKek, passcodeDelay, Vault } from '../../src/app/features/cases/vault'
import { PassphraseError } from '../../src/app/core/vault/strength'
import { PrfError } from '../../src/app/core/vault/prf'
import { ARGON2ID_DEFAULTS, associatedData, keyRecordSchema, PBKDF2_ITERATIONS, type KeyRecord } from '../../src/shared/crypto/envelope'
import { caseIndexOf } from '../../src/shared/cases/caseIndex'
import { newCase, type CaseRecord } from '../../src/shared/cases/v2'
import { softwarePrf } from './softwarePrf'

// Real Argon2id (64 MiB, 3 passes) and PBKDF2-600k run in these tests, several per test: on a
// busy two-core CI machine one test can take longer than Vitest's default five seconds.
vi.setConfig({ testTimeout: 30_000 })

// Fewer rounds or less memory in tests would change what is tested; instead derive once per input and reuse.
const kekCache = new Map<string, Promise<CryptoKey>>()
const calls = { n: 0 }
const cachedDerive: typeof deriveKek = (passcode, params, purpose = 'wrap') => {
  calls.n++
  const key = `${passcode}|${JSON.stringify({ ...params, salt: Buffer.from(params.salt).toString('hex') })}|${purpose}`
  if (!kekCache.has(key)) kekCache.set(key, deriveKek(passcode, params, purpose))
  return kekCache.get(key)!
}

const STRONG = 'zomer in de polder 2026'
let db: CaseDb
let n = 0
let clock = 0
beforeEach(() => {
  db = new CaseDb(`vault-test-${n++}`)
  clock = Date.UTC(2026, 10, 22)
  calls.n = 0
})
afterEach(() => db.close())

const vault = (prf = softwarePrf()) => new Vault(db, cachedDerive, () => clock, () => undefined, prf)
const ID = '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d'
function sample(): CaseRecord {
  const c = newCase(ID, 'wor', new Date('2026-03-02T09:00:00Z'))
  c.resident = { name: 'Maria Verhoeven', birthYear: 1948, municipality: 'Oss', contact: '06 00000000' }
  c.questions = { wil: 'Weer mensen zien', kan: 'Koken', nodig: 'Vervoer naar de stad' }
  return c
}

/** The attacker's side: a copied key record, PBKDF2 and AES-KW unwrap in a loop, no counter, no delay. */
async function guessPinOffline(record: { salt: Uint8Array; iterations: number; wrappedKey: Uint8Array }, guesses: string[]) {
  for (const pin of guesses) {
    const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveKey'])
    const kek = await crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(record.salt), iterations: record.iterations }, material, { name: 'AES-KW', length: 256 }, false, ['unwrapKey'])
    try {
      await crypto.subtle.unwrapKey('raw', new Uint8Array(record.wrappedKey), kek, 'AES-KW', 'AES-GCM', true, ['decrypt'])
      return pin
    } catch {
      // next guess
    }
  }
  return undefined
}

/** The attacker's side once the PIN is found: the old data key out of the copied record. */
async function unwrapWithPin(record: { salt: Uint8Array; iterations: number; wrappedKey: Uint8Array }, pin: string) {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveKey'])
  const kek = await crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(record.salt), iterations: record.iterations }, material, { name: 'AES-KW', length: 256 }, false, ['unwrapKey'])
  return crypto.subtle.unwrapKey('raw', new Uint8Array(record.wrappedKey), kek, 'AES-KW', 'AES-GCM', false, ['decrypt'])
}

/** Decrypts a stored case row with a key, as the attacker would: the plain JSON. */
async function openWith(key: CryptoKey, row: { id: string; schemaVersion: number; iv: Uint8Array; ciphertext: Uint8Array }) {
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: new Uint8Array(row.iv), additionalData: associatedData(row.id, row.schemaVersion) }, key, new Uint8Array(row.ciphertext))
  return new TextDecoder().decode(plain)
}

/** A vault as the app made it before issue 11: PBKDF2-600k of a 6-digit PIN wrapping the data key, with one case in it. */
async function legacyVault(pin: string) {
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveKey'])
  const kek = await crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: PBKDF2_ITERATIONS }, material, { name: 'AES-KW', length: 256 }, false, ['wrapKey'])
  const dataKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt'])
  const wrappedKey = new Uint8Array(await crypto.subtle.wrapKey('raw', dataKey, kek, 'AES-KW'))
  const record: KeyRecord = { name: 'data-key', salt, iterations: PBKDF2_ITERATIONS, wrappedKey, failedAttempts: 0 }
  await db.keys.put(record)
  const c = sample()
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: associatedData(c.id, c.schemaVersion) }, dataKey, new TextEncoder().encode(JSON.stringify(c))))
  await db.cases.put({ ...caseIndexOf(c), iv, ciphertext })
}

describe('the case vault', () => {
  it('attack: a copied key record of a 6-digit-PIN vault cannot be opened offline by trying PINs', async () => {
    // Before issue 11 the PIN was accepted and the copied record gave it away in three tries,
    // with the failure counter untouched (the counter lives in the record the attacker copies).
    const v = vault()
    let accepted = true
    try {
      await v.setUp('482913')
    } catch {
      accepted = false
    }
    const copied = structuredClone(await db.keys.get('data-key')) as unknown as { salt: Uint8Array; iterations: number; wrappedKey: Uint8Array } | undefined
    const found = copied && 'salt' in copied ? await guessPinOffline(copied, ['000000', '123456', '482913']) : undefined
    expect(found, 'the attacker found the PIN without touching the failure counter').toBeUndefined()
    expect(accepted, 'a 6-digit PIN was accepted at set-up').toBe(false)
  })

  it('refuses a numeric PIN, a short passphrase and a weak one at set-up, and writes nothing', async () => {
    for (const [passphrase, code] of [
      ['482913', 'too-short'],
      ['123456789012', 'weak'],
      ['kort', 'too-short'],
      ['wachtwoord1234', 'weak'],
      ['482913482913', 'weak'],
    ] as const) {
      await expect(vault().setUp(passphrase)).rejects.toEqual(new PassphraseError(code))
    }
    expect(await vault().isSetUp()).toBe(false)
    expect(calls.n).toBe(0)
  })

  it('round-trips a case under a passphrase, and stores nothing personal in clear', async () => {
    const v = vault()
    await v.setUp(STRONG)
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

  it('keeps bounded Argon2id parameters in a passphrase record, and no PBKDF2', async () => {
    await vault().setUp(STRONG)
    const record = await db.keys.get('data-key')
    expect(record).toMatchObject({ mode: 'passphrase', kdf: { algorithm: 'argon2id', ...ARGON2ID_DEFAULTS }, failedAttempts: 0 })
    expect(record).not.toHaveProperty('iterations')
    expect(keyRecordSchema.safeParse(record).success).toBe(true)
    // The bounds themselves: a record one step outside them does not parse.
    const kdf = (record as { kdf: object }).kdf
    for (const outside of [{ memoryKiB: 256 * 1024 + 1 }, { iterations: 9 }, { parallelism: 5 }, { memoryKiB: 19 * 1024, iterations: 1 }, { salt: new Uint8Array(8) }]) {
      expect(keyRecordSchema.safeParse({ ...record, kdf: { ...kdf, ...outside } }).success).toBe(false)
    }
  })

  it('unlocks with the passphrase after a restart, and the key stays non-extractable', async () => {
    const first = vault()
    await first.setUp(STRONG)
    await new CaseStore(db, first).save(sample())
    const second = vault()
    expect(second.isUnlocked).toBe(false)
    await expect(new CaseStore(db, second).load(ID)).rejects.toThrow(/locked/)
    expect(await second.mode()).toBe('passphrase')
    expect(await second.unlock(STRONG)).toEqual({ ok: true })
    expect((await new CaseStore(db, second).load(ID))?.questions.wil).toBe('Weer mensen zien')
    const key = (second as unknown as { key: CryptoKey }).key
    expect(key.extractable).toBe(false)
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow()
  })

  it('refuses a tampered record, and a record moved to another id', async () => {
    const v = vault()
    await v.setUp(STRONG)
    const store = new CaseStore(db, v)
    await store.save(sample())
    const raw = (await db.cases.get(ID))!
    const flipped = new Uint8Array(raw.ciphertext)
    flipped[5] = flipped[5]! ^ 1
    await expect(v.open({ ...raw, ciphertext: flipped })).rejects.toThrow()
    await expect(v.open({ ...raw, id: '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e' })).rejects.toThrow()
  })

  it('slows down after wrong passphrases and wipes the cases after ten', async () => {
    const v = vault()
    await v.setUp(STRONG)
    await new CaseStore(db, v).save(sample())
    v.lock()
    const results = []
    for (let i = 0; i < 9; i++) {
      clock += passcodeDelay(i) * 1000 + 1
      results.push(await v.unlock('winter op de hei'))
    }
    expect(results[0]).toEqual({ ok: false, reason: 'wrong', attemptsLeft: 9 })
    expect(await v.unlock('winter op de hei')).toMatchObject({ ok: false, reason: 'wait' })
    clock += 10 * 60 * 1000
    expect(await v.unlock('winter op de hei')).toEqual({ ok: false, reason: 'wiped' })
    expect(await db.cases.count()).toBe(0)
    expect(await v.isSetUp()).toBe(false)
  })

  it('refuses a crafted record with huge key-derivation settings at once, without deriving', async () => {
    const v = vault()
    await v.setUp(STRONG)
    const stored = (await db.keys.get('data-key')) as unknown as { kdf: object; mode?: string }
    const { kdf } = stored
    const common: Record<string, unknown> = { ...stored }
    delete common.kdf
    delete common.mode
    const derive = vi.fn(cachedDerive)
    const victim = new Vault(db, derive, () => clock)
    for (const crafted of [
      { ...common, mode: 'passphrase', kdf: { ...kdf, memoryKiB: 4 * 1024 * 1024 } },
      { ...common, mode: 'passphrase', kdf: { ...kdf, iterations: 100_000 } },
      // An old-style record with PBKDF2 rounds that would take minutes.
      { ...common, salt: new Uint8Array(16), iterations: 40_000_000 },
    ]) {
      await db.keys.put(crafted as never)
      const t0 = performance.now()
      expect(await victim.unlock(STRONG)).toEqual({ ok: false, reason: 'wiped' })
      expect(performance.now() - t0).toBeLessThan(200)
    }
    expect(derive).not.toHaveBeenCalled()
    // The key worker's entry point refuses them too, whoever calls it.
    await expect(deriveKek(STRONG, { algorithm: 'argon2id', salt: new Uint8Array(16), memoryKiB: 4 * 1024 * 1024, iterations: 3, parallelism: 1 })).rejects.toThrow(/out of bounds/)
    await expect(deriveKek(STRONG, { algorithm: 'pbkdf2-sha256', salt: new Uint8Array(16), iterations: 40_000_000 })).rejects.toThrow(/out of bounds/)
  })

  it('puts the periods a saved case touches in the KPI outbox, in the same write, and nothing for an unchanged count', async () => {
    const v = vault()
    await v.setUp(STRONG)
    const store = new CaseStore(db, v)
    const c = sample()
    c.referral = { date: '2026-03-02' }
    await store.save(c)
    // The case's own sync row (kind case-sync, features/caseSync) waits beside the periods.
    const kpiRows = async () => (await db.outbox.toArray()).filter((o) => o.kind === 'kpi-snapshot')
    const periods = (await kpiRows()).map((o) => o.period)
    expect(periods[0]).toBe('2026-H1')
    expect(periods).toContain('2026-H2')
    await db.outbox.clear()
    c.questions.wil = 'Iets anders'
    await store.save(c)
    expect(await kpiRows()).toEqual([])
  })
})

describe('the prf mode', () => {
  it('wraps the data key under the authenticator\'s PRF output: nothing in the record to guess, and another authenticator cannot open it', async () => {
    const phone = softwarePrf()
    const v = vault(phone)
    await v.setUp({ mode: 'prf' })
    await new CaseStore(db, v).save(sample())
    const record = await db.keys.get('data-key')
    expect(record).toMatchObject({ mode: 'prf', failedAttempts: 0 })
    expect(Object.keys(record!).sort()).toEqual(['credentialId', 'failedAttempts', 'hkdfSalt', 'mode', 'name', 'prfSalt', 'wrappedKey'])
    expect(calls.n).toBe(0)

    const again = vault(phone)
    expect(await again.mode()).toBe('prf')
    expect(await again.unlock()).toEqual({ ok: true })
    expect((await new CaseStore(db, again).load(ID))?.resident.name).toBe('Maria Verhoeven')

    // The same record on another phone (a copied IndexedDB): its authenticator has no such credential.
    const copy = vault(softwarePrf())
    await expect(copy.unlock()).rejects.toEqual(new PrfError('cancelled'))
    expect(copy.isUnlocked).toBe(false)
  })

  it('stays shut when the person cancels the fingerprint, without counting it as a wrong attempt', async () => {
    const phone = softwarePrf()
    await vault(phone).setUp({ mode: 'prf' })
    phone.cancelNext = true
    const v = vault(phone)
    await expect(v.unlock()).rejects.toBeInstanceOf(PrfError)
    expect(v.isUnlocked).toBe(false)
    expect((await db.keys.get('data-key'))?.failedAttempts).toBe(0)
    expect(await v.unlock()).toEqual({ ok: true })
  })
})

describe('an old vault (PBKDF2 and a PIN)', () => {
  it('opens once with its old PIN, stays shut until upgraded to a new mode, and keeps its cases', async () => {
    await legacyVault('482913')
    const v = vault()
    expect(await v.mode()).toBe('legacy')
    expect(await v.unlock('000000')).toEqual({ ok: false, reason: 'wrong', attemptsLeft: 9 })
    expect(await v.unlock('482913')).toEqual({ ok: false, reason: 'upgrade' })
    expect(v.isUnlocked).toBe(false)
    expect(v.awaitsUpgrade).toBe(true)
    await expect(new CaseStore(db, v).load(ID)).rejects.toThrow(/locked/)
    await expect(v.encryptBytes(new Uint8Array(4), 'test')).rejects.toThrow(/locked/)
    expect((await db.keys.get('data-key'))?.failedAttempts).toBe(0)

    // The new passphrase follows the same rule.
    await expect(v.upgrade({ mode: 'passphrase', passphrase: '482913' })).rejects.toEqual(new PassphraseError('too-short'))
    await v.upgrade({ mode: 'passphrase', passphrase: STRONG })
    expect(v.isUnlocked).toBe(true)
    expect(v.awaitsUpgrade).toBe(false)
    // The case sealed before opens: sealed again under the new data key (see the attack test below).
    expect((await new CaseStore(db, v).load(ID))?.resident.name).toBe('Maria Verhoeven')
    expect(await db.keys.get('data-key')).toMatchObject({ mode: 'passphrase', kdf: { algorithm: 'argon2id' } })
    expect(await db.keys.get('data-key')).not.toHaveProperty('iterations')

    // The old PIN opens nothing any more, and the new passphrase does.
    const later = vault()
    expect(await later.unlock('482913')).toMatchObject({ ok: false, reason: 'wrong' })
    expect(await later.unlock(STRONG)).toEqual({ ok: true })
  })

  it('attack: a copy of the old PIN database opens nothing written after the upgrade (review finding 6)', async () => {
    await legacyVault('482913')
    // The attacker copied the database while the vault was still an old one: the key record and the case.
    const copiedRecord = structuredClone(await db.keys.get('data-key')) as unknown as { salt: Uint8Array; iterations: number; wrappedKey: Uint8Array }
    const copiedCase = structuredClone(await db.cases.get(ID))!

    const v = vault()
    expect(await v.unlock('482913')).toEqual({ ok: false, reason: 'upgrade' })
    await v.upgrade({ mode: 'passphrase', passphrase: STRONG })
    const store = new CaseStore(db, v)
    // Written after the upgrade: the old case changed, a new case, and bytes sealed like the device keys.
    const changed = sample()
    changed.questions.nodig = 'Hulp bij de administratie'
    await store.save(changed)
    const LATER = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f'
    await store.save({ ...newCase(LATER, 'vg', new Date('2026-11-20T09:00:00Z')), resident: { name: 'Kees Jansen', birthYear: 1951, municipality: 'Oss', contact: '' } })
    const sealedKey = await v.encryptBytes(new TextEncoder().encode('private key') as Uint8Array<ArrayBuffer>, 'device-key|signing')

    // The attacker finds the PIN in the copy (as in the attack test above) and with it the old data key.
    expect(await guessPinOffline(copiedRecord, ['000000', '123456', '482913'])).toBe('482913')
    const oldKey = await unwrapWithPin(copiedRecord, '482913')
    // It opens the case as it was copied, which the attacker had anyway...
    expect(await openWith(oldKey, copiedCase)).toContain('Maria Verhoeven')
    // ...but nothing of a later copy: not the cases (re-sealed or new), not the sealed bytes.
    for (const id of [ID, LATER]) await expect(openWith(oldKey, (await db.cases.get(id))!), `case ${id} opened with the old PIN's key`).rejects.toThrow()
    await expect(
      crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealedKey.iv, additionalData: new TextEncoder().encode('samenwerkwijze-vault|device-key|signing') }, oldKey, sealedKey.ciphertext),
    ).rejects.toThrow()

    // The person's own vault opens everything, before and after a restart.
    const later = vault()
    expect(await later.unlock(STRONG)).toEqual({ ok: true })
    expect((await new CaseStore(db, later).load(ID))?.questions.nodig).toBe('Hulp bij de administratie')
    expect((await new CaseStore(db, later).load(LATER))?.resident.name).toBe('Kees Jansen')
    expect(new TextDecoder().decode(await later.decryptBytes(sealedKey, 'device-key|signing'))).toBe('private key')
  })

  it('re-seals every case under the new data key in one write: a case the old key did not open stays as it was', async () => {
    await legacyVault('482913')
    const v = vault()
    expect(await v.unlock('482913')).toEqual({ ok: false, reason: 'upgrade' })
    // A row that no key opens (damaged on the phone before the upgrade).
    const damaged = { ...(await db.cases.get(ID))!, id: '5e6f7a8b-9cad-4ebf-9a2b-3c4d5e6f7a8b' }
    await db.cases.put(damaged)
    const oldRows = await db.cases.toArray()
    // The new passphrase is refused before anything is written: the cases stay under the old key.
    await expect(v.upgrade({ mode: 'passphrase', passphrase: 'kort' })).rejects.toBeInstanceOf(PassphraseError)
    expect(await db.cases.toArray()).toEqual(oldRows)
    expect(await v.mode()).toBe('legacy')

    await v.upgrade({ mode: 'passphrase', passphrase: STRONG })
    // A case written after the upgrade sits beside them.
    const other = { ...sample(), id: '4d5e6f7a-8b9c-4dae-8f1a-2b3c4d5e6f7a' }
    await new CaseStore(db, v).save(other)
    const rows = await db.cases.toArray()
    expect(rows.map((r) => r.id).sort()).toEqual([ID, other.id, damaged.id].sort())
    // Each row has a new iv and ciphertext, except the damaged one, kept unchanged; its clear index is the same.
    const before = new Map(oldRows.map((r) => [r.id, r]))
    const reSealed = rows.find((r) => r.id === ID)!
    expect(Buffer.from(reSealed.ciphertext).equals(Buffer.from(before.get(ID)!.ciphertext))).toBe(false)
    expect({ ...reSealed, iv: undefined, ciphertext: undefined }).toEqual({ ...before.get(ID)!, iv: undefined, ciphertext: undefined })
    expect(rows.find((r) => r.id === damaged.id)).toEqual(damaged)
    expect((await new CaseStore(db, v).load(ID))?.resident.name).toBe('Maria Verhoeven')
    await expect(new CaseStore(db, v).load(damaged.id)).rejects.toThrow()
  })

  it('writes nothing when the vault changed between the old PIN and the upgrade (another tab wiped it)', async () => {
    await legacyVault('482913')
    const v = vault()
    expect(await v.unlock('482913')).toEqual({ ok: false, reason: 'upgrade' })
    await vault().wipe()
    await expect(v.upgrade({ mode: 'passphrase', passphrase: STRONG })).rejects.toThrow(/changed during the upgrade/)
    expect(v.awaitsUpgrade).toBe(false)
    expect(v.isUnlocked).toBe(false)
    expect(await db.keys.count()).toBe(0)
    expect(await db.cases.count()).toBe(0)
  })

  it('can be re-wrapped under the prf mode too; locking before the upgrade drops the opened key', async () => {
    await legacyVault('482913')
    const phone = softwarePrf()
    const v = vault(phone)
    expect(await v.unlock('482913')).toEqual({ ok: false, reason: 'upgrade' })
    v.lock()
    await expect(v.upgrade({ mode: 'prf' })).rejects.toThrow(/no old vault/)
    expect(await v.mode()).toBe('legacy')
    expect(await v.unlock('482913')).toEqual({ ok: false, reason: 'upgrade' })
    await v.upgrade({ mode: 'prf' })
    expect(await v.mode()).toBe('prf')
    const later = vault(phone)
    expect(await later.unlock()).toEqual({ ok: true })
    expect((await new CaseStore(db, later).load(ID))?.questions.kan).toBe('Koken')
  })
})
