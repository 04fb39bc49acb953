/**
 * Cases as documents on the device (src/app/features/caseSync/caseDocs.ts, docStore.ts): a save
 * survives opening the database again, nothing of the case is readable in the stored rows,
 * compaction keeps the content, two tabs writing at once both keep what they typed (and it goes
 * out), a save never undoes what another device did, and a case synced here is counted once.
 */
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CaseDb } from '../../src/app/features/cases/caseDb'
import { CaseStore } from '../../src/app/features/cases/caseStore'
import { Vault } from '../../src/app/features/cases/vault'
import { COMPACT_AFTER, compactDoc } from '../../src/app/features/caseSync/docStore'
import { fromBase64 } from '../../src/shared/crypto/backup'
import { readRecord, writeRecord } from '../../src/shared/caseSync/recordDoc'
import { newCase, type CaseRecord } from '../../src/shared/cases/v2'
import { softwarePrf } from './softwarePrf'

const PHONE = '11111111-1111-4111-8111-111111111111'
const LAPTOP = '22222222-2222-4222-8222-222222222222'
let db: CaseDb
let vault: Vault
let n = 0
beforeEach(async () => {
  db = new CaseDb(`case-docs-${n++}`)
  vault = new Vault(db, undefined, Date.now, () => undefined, softwarePrf())
  await vault.setUp({ mode: 'prf' })
})
afterEach(() => db.close())

const store = (device = PHONE) => new CaseStore(db, vault, async () => device)
function sample(): CaseRecord {
  const c = newCase(crypto.randomUUID(), 'wor', new Date('2026-03-02T09:00:00Z'))
  c.resident = { name: 'Geertruida Zwanenburg', birthYear: 1948, municipality: 'Oss', contact: '06 12345678' }
  c.questions = { wil: 'Weer samen fietsen langs de Maas', kan: 'Koken', nodig: 'Vervoer' }
  return c
}

/** Every byte of every stored row, as text in the forms a reader would try. */
async function storedText(): Promise<string> {
  const out: string[] = []
  const walk = (v: unknown) => {
    if (v instanceof Uint8Array) out.push(Buffer.from(v).toString('latin1'), Buffer.from(v).toString('utf8'), Buffer.from(v).toString('utf16le'))
    else if (typeof v === 'string') out.push(v)
    else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x)
  }
  for (const t of [db.cases, db.docUpdates, db.docSync, db.docKeys, db.outbox]) walk(await (t as typeof db.cases).toArray())
  return out.join('\n')
}

describe('a case as a document on the device', () => {
  it('survives opening the database again, with its outbox row, and nothing of it is readable at rest', async () => {
    const c = sample()
    await store().save(c)
    const again = new CaseDb(db.name)
    const reopened = await new CaseStore(again, vault, async () => PHONE).load(c.id)
    expect(reopened?.questions.wil).toBe('Weer samen fietsen langs de Maas')
    expect(reopened?.resident.name).toBe('Geertruida Zwanenburg')
    expect(await again.docUpdates.where('docId').equals(c.id).count()).toBeGreaterThan(0)
    expect(await again.outbox.get(`case-sync:${c.id}`)).toMatchObject({ kind: 'case-sync', docId: c.id })
    // The case row the lists read opens as before (its clear index unchanged).
    expect((await new CaseStore(again, vault, async () => PHONE).all()).map((x) => x.resident.name)).toEqual(['Geertruida Zwanenburg'])
    again.close()
    const text = await storedText()
    for (const secret of ['Geertruida', 'Zwanenburg', 'fietsen', 'Maas', '12345678']) expect(text).not.toContain(secret)
    // The scan can see: the clear index of the case row is there.
    expect(text).toContain(c.id)
  })

  it('leaves nothing of a synced case after a wipe', async () => {
    await store().save(sample())
    await vault.wipe()
    for (const t of [db.cases, db.docUpdates, db.docSync, db.docKeys, db.outbox, db.userKeys]) expect(await (t as typeof db.cases).count()).toBe(0)
  })

  it('merges many rows into one and keeps the content', async () => {
    const s = store()
    const c = sample()
    for (let i = 0; i < COMPACT_AFTER + 10; i++) {
      c.questions.kan = `Koken ${i}`
      await s.save(c)
    }
    // The store compacts by itself every few writes; this call does the rest.
    await compactDoc(db, vault, c.id)
    expect(await db.docUpdates.where('docId').equals(c.id).count()).toBeLessThan(12)
    const read = await new CaseStore(db, vault, async () => PHONE).load(c.id)
    expect(read?.questions.kan).toBe(`Koken ${COMPACT_AFTER + 9}`)
    expect(read?.resident.name).toBe('Geertruida Zwanenburg')
  })

  it('keeps what two tabs write at the same time, and all of it waits to go out', async () => {
    const c = sample()
    await store().save(c)
    const tabA = store()
    const tabB = store()
    const a = (await tabA.load(c.id))!
    const b = (await tabB.load(c.id))!
    a.questions.kan = 'Koken voor de buren'
    b.questions.nodig = 'Een fiets met drie wielen'
    await Promise.all([tabA.save(a), tabB.save(b)])
    const fresh = await (await store().caseDocs()).ready(c.id)
    const read = readRecord(fresh!.replica.doc).record as CaseRecord
    expect(read.questions.kan).toBe('Koken voor de buren')
    expect(read.questions.nodig).toBe('Een fiets met drie wielen')
    // Nothing was sent yet: what waits to go out holds both tabs' words.
    const unsent = new Y.Doc()
    for (const u of fresh!.replica.exportState().unsent) Y.applyUpdateV2(unsent, fromBase64(u))
    const out = readRecord(unsent).record as CaseRecord
    expect([out.questions.kan, out.questions.nodig]).toEqual(['Koken voor de buren', 'Een fiets met drie wielen'])
  })

  it('never undoes an edit that came from another device while a draft was open', async () => {
    const c = sample()
    const docs = await store().caseDocs()
    await docs.save(c)
    const base = docs.baseOf(c.id)!
    // The laptop's edit arrives (as a pull would apply it).
    const laptop = new Y.Doc()
    Y.applyUpdateV2(laptop, base)
    writeRecord(laptop, { ...c, questions: { ...c.questions, nodig: 'Vervoer en een maatje' } })
    Y.applyUpdateV2((await docs.ready(c.id))!.replica.doc, Y.encodeStateAsUpdateV2(laptop, Y.encodeStateVectorFromUpdateV2(base)))
    // The draft, still on the old record, saves the resident's wish.
    const m = docs.merge(c.id, { ...c, questions: { ...c.questions, wil: 'Weer samen fietsen langs de Maas en de Aa' } }, base)
    expect(m.merged).toBe(true)
    const read = m.read.record as CaseRecord
    expect(read.questions).toMatchObject({ wil: 'Weer samen fietsen langs de Maas en de Aa', nodig: 'Vervoer en een maatje' })
  })

  it('makes no update for a save that changes nothing but the time (two open drafts do not ping-pong)', async () => {
    const c = sample()
    const docs = await store().caseDocs()
    await docs.save(c)
    const rows = await db.docUpdates.count()
    const m = docs.merge(c.id, { ...c, updatedAt: '2026-04-01T10:00:00.000Z' }, docs.baseOf(c.id))
    await docs.persist(c.id)
    expect(m.merged).toBe(false)
    expect(await db.docUpdates.count()).toBe(rows)
    docs.merge(c.id, { ...c, questions: { ...c.questions, kan: 'Taart bakken' }, updatedAt: '2026-04-01T10:00:00.000Z' }, docs.baseOf(c.id))
    await docs.persist(c.id)
    expect(await db.docUpdates.count()).toBeGreaterThan(rows)
    expect((await docs.load(c.id))?.record).toMatchObject({ updatedAt: '2026-04-01T10:00:00.000Z', questions: { kan: 'Taart bakken' } })
  })

  it('counts a case once: on the device that made it, not on another device of the worker', async () => {
    const c = sample()
    c.wor = { ...c.wor, intakeDate: '2026-03-05' } as CaseRecord['wor']
    await store(LAPTOP).save(c)
    const ids = async (device: string) => (await store(device).countingIndex()).map((x) => (x as { id?: string }).id)
    expect(await ids(LAPTOP)).toContain(c.id)
    expect(await ids(PHONE)).not.toContain(c.id)
  })
})
