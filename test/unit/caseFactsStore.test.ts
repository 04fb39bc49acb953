/**
 * Each case's facts for the steering measures on the phone (issue 18; docs/kpi.md "Where they are
 * computed"): sealed under the vault beside the case, written with it, kept after its retention
 * period, dropped with a removal by hand, made for cases stored before them, and the half-years
 * they touch sent again — also when only days pass. Real Dexie (fake-indexeddb), real vault.
 */
import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import { CaseDb } from '../../src/app/features/cases/caseDb'
import { CaseStore } from '../../src/app/features/cases/caseStore'
import { Vault } from '../../src/app/features/cases/vault'
import { periodsDueToTime } from '../../src/app/features/cases/caseFactsStore'
import { newCase, type CaseRecord } from '../../src/shared/cases/v2'
import { countMeasures } from '../../src/shared/kpi/measureCounts'
import { softwarePrf } from './softwarePrf'

const PHONE = '11111111-1111-4111-8111-111111111111'
let n = 0
const opened: CaseDb[] = []
afterEach(() => opened.splice(0).forEach((db) => db.close()))

async function phone() {
  const db = new CaseDb(`case-facts-${n++}`)
  opened.push(db)
  const vault = new Vault(db, undefined, Date.now, () => undefined, softwarePrf())
  await vault.setUp({ mode: 'prf' })
  return { db, vault, store: new CaseStore(db, vault, async () => PHONE) }
}

const RESIDENT = 'Hendrika van Dinther'
function withPlan(): CaseRecord {
  const c = newCase(crypto.randomUUID(), 'samenwerkwijze', new Date('2026-03-02T09:00:00Z'))
  c.resident = { name: RESIDENT, birthYear: 2001, municipality: 'Oss', contact: '' }
  c.referral = { date: '2026-03-02', referrerType: 'huisarts' }
  c.consultation = {
    date: '2026-03-10',
    residentPresent: true,
    participants: [],
    actions: [{ id: crypto.randomUUID(), what: 'Schuldhulp bellen', owner: 'Anna' }],
    evaluationDate: '2026-09-15',
  }
  return c
}
const periods = async (db: CaseDb) => (await db.outbox.filter((e) => e.kind === 'kpi-snapshot').toArray()).map((e) => (e as { period: string }).period).sort()
const clearOutbox = (db: CaseDb) => db.outbox.clear()

describe('case facts on the phone', () => {
  it('are sealed beside the case and count in the measures', async () => {
    const { db, store } = await phone()
    const c = withPlan()
    await store.save(c)
    const row = await db.caseFacts.get(c.id)
    expect(row).toBeDefined()
    // Sealed: nothing of the case readable in the stored row.
    const raw = JSON.stringify(row, (_k, v: unknown) => (v instanceof Uint8Array ? new TextDecoder('latin1').decode(v) : v))
    expect(raw).not.toMatch(/2026-0[39]|samenwerkwijze|Oss|huisarts/)
    const facts = await store.countingFacts()
    expect(facts).toHaveLength(1)
    const plan = countMeasures(facts, '2026-H1', '2026-04-01').filter((r) => r.measure === 'plan')
    expect(plan.map((r) => [r.bucket, r.ageBand, r.count])).toEqual([['with-plan', '18-30', 1]])
  })

  it('send a half-year again when only a measure changed (the evaluation held), not the inclusion', async () => {
    const { db, store } = await phone()
    const c = withPlan()
    await store.save(c)
    await clearOutbox(db)
    // Held after its date, in the second half-year: the index does not change, the measures do.
    const held = structuredClone(c)
    held.consultation!.evaluationHeldOn = '2026-09-20'
    await store.save(held)
    expect(await periods(db)).toEqual(['2026-H2'])
    const facts = await store.countingFacts()
    expect(countMeasures(facts, '2026-H2', '2026-10-01').filter((r) => r.measure === 'evaluation').map((r) => [r.bucket, r.count])).toEqual([['late', 1]])
    // Saved again unchanged: nothing goes out.
    await clearOutbox(db)
    await store.save(held)
    expect(await periods(db)).toEqual([])
  })

  it('outlive a case removed after its retention period, and go with a case removed by hand', async () => {
    const { db, store } = await phone()
    const kept = withPlan()
    const erased = withPlan()
    await store.save(kept)
    await store.save(erased)
    await clearOutbox(db)
    await store.remove(kept.id, { keepCounts: true })
    expect(await periods(db)).toEqual([])
    await store.remove(erased.id, { keepCounts: false })
    expect(await periods(db)).toContain('2026-H1')
    expect(await db.caseFacts.count()).toBe(1)
    const facts = await store.countingFacts()
    expect(facts).toHaveLength(1)
    expect(countMeasures(facts, '2026-H1', '2026-04-01').find((r) => r.measure === 'plan')?.count).toBe(1)
  })

  it('of a case another device counts stay out, even when their row says retained (review of issue 18)', async () => {
    const { db, store } = await phone()
    const c = withPlan()
    await store.save(c)
    // The lead (and the counting) went to a colleague's device; someone flips the plain flag.
    const sync = await db.docSync.get(c.id)
    expect(sync).toBeDefined()
    await db.docSync.put({ ...sync!, countingDeviceId: '22222222-2222-4222-8222-222222222222' })
    await db.caseFacts.update(c.id, { retained: true })
    expect(await store.countingFacts()).toEqual([])
  })

  it('are made for a case stored before them, the first time counts go out', async () => {
    const { db, store } = await phone()
    const c = withPlan()
    await store.save(c)
    // As an app from before issue 18 left it: the case, no facts.
    await db.caseFacts.clear()
    expect(await store.countingFacts()).toHaveLength(1)
    expect(await db.caseFacts.count()).toBe(1)
  })

  it('name the half-year of an evaluation whose date passed unheld, from the day after', () => {
    const f = { evaluationOn: '2026-06-30' } as Parameters<typeof periodsDueToTime>[0][number]
    expect([...periodsDueToTime([f], '2026-06-29', '2026-06-30')]).toEqual([])
    expect([...periodsDueToTime([f], '2026-06-29', '2026-07-01')]).toEqual(['2026-H1'])
    expect([...periodsDueToTime([f], '2026-07-01', '2026-07-02')]).toEqual([])
    expect([...periodsDueToTime([{ ...f, evaluationHeldOn: '2026-06-30' }], '2026-06-01', '2026-07-02')]).toEqual([])
  })
})
