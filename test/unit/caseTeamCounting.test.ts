/**
 * Counted once across a handover (issue 16 point 4; docs/case-sync.md "The team"): Anna's phone
 * leads and counts an included case; Bram's phone holds the same case document. The programme's
 * total for the period — the sum of what each device's count snapshot would carry, made by the real
 * code (CaseStore.countingIndex, countInclusions) — is 1 before the handover and 1 after it, and
 * never 2 at any step in between (for a moment it is 0: nobody counts until Bram's phone syncs).
 */
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CaseDb } from '../../src/app/features/cases/caseDb'
import { CaseStore } from '../../src/app/features/cases/caseStore'
import { Vault } from '../../src/app/features/cases/vault'
import { claimCounting, handOverCounting } from '../../src/app/features/caseSync/teamCounting'
import { purgeExpired } from '../../src/app/features/cases/caseArchive'
import { readMeta } from '../../src/shared/caseSync/recordDoc'
import { newCase, type CaseRecord } from '../../src/shared/cases/v2'
import { countInclusions } from '../../src/shared/kpi/counts'
import type { Period } from '../../src/shared/kpi/period'
import { softwarePrf } from './softwarePrf'

const ANNA = 'a1111111-1111-4111-8111-111111111111'
const BRAM = 'b2222222-2222-4222-8222-222222222222'
const ANNA_PHONE = '11111111-1111-4111-8111-111111111111'
const BRAM_PHONE = '22222222-2222-4222-8222-222222222222'
let n = 0
const opened: CaseDb[] = []
afterEach(() => opened.splice(0).forEach((db) => db.close()))

async function device(id: string) {
  const db = new CaseDb(`case-team-counting-${n++}`)
  opened.push(db)
  const vault = new Vault(db, undefined, Date.now, () => undefined, softwarePrf())
  await vault.setUp({ mode: 'prf' })
  const store = new CaseStore(db, vault, async () => id)
  const sent = new Map<string, number>()
  return { id, db, store, docs: await store.caseDocs(), sent }
}
type Device = Awaited<ReturnType<typeof device>>
let anna: Device
let bram: Device
beforeEach(async () => {
  anna = await device(ANNA_PHONE)
  bram = await device(BRAM_PHONE)
})

function included(): CaseRecord {
  const c = newCase(crypto.randomUUID(), 'wor', new Date('2026-03-02T09:00:00Z'))
  c.resident = { name: 'Hendrika van Dinther', birthYear: 1950, municipality: 'Oss', contact: '' }
  c.wor = { ...c.wor, intakeDate: '2026-03-05' } as CaseRecord['wor']
  return c
}
/** What one device's doc has that the other's has not, applied there as a pull would (stored with the case row). */
async function syncTo(from: Device, to: Device, docId: string) {
  const state = await from.docs.step(docId, (r) => Y.encodeStateAsUpdateV2(r.doc))
  await to.docs.step(docId, (r) => Y.applyUpdateV2(r.doc, state), 'remote')
}
const counted = async (d: Device) => countInclusions(await d.store.countingIndex(), '2026-H1').reduce((sum, r) => sum + r.included, 0)
/**
 * What the server holds: per device, the snapshot it last sent. A device sends a period only when
 * its outbox holds it (kpiSyncCore.ts countsOutbox), the snapshot made of countingIndex at send time;
 * the server keeps the latest per counting id and sums them (src/server/kpi/ingest.ts).
 */
async function send(d: Device) {
  for (const item of await d.db.outbox.filter((e) => e.kind === 'kpi-snapshot').toArray()) {
    const period = (item as { period: Period }).period
    d.sent.set(period, countInclusions(await d.store.countingIndex(), period).reduce((sum, r) => sum + r.included, 0))
    await d.db.outbox.delete(item.id)
  }
}
/** The programme's total for 2026-H1 after both devices sent what their outboxes hold. */
const total = async () => {
  await send(anna)
  await send(bram)
  return (anna.sent.get('2026-H1') ?? 0) + (bram.sent.get('2026-H1') ?? 0)
}

describe('a handover of the lead', () => {
  it('keeps the programme total exact: counted by the old lead before, by the new lead after, never twice', async () => {
    const c = included()
    await anna.store.save(c)
    await syncTo(anna, bram, c.id)
    // Anna's phone leads (and claims nothing new on its own sync); Bram's phone is a member.
    expect(await anna.docs.step(c.id, (r) => claimCounting(r.doc, 'lead', { userId: ANNA, deviceId: ANNA_PHONE, ownDeviceIds: new Set([ANNA_PHONE]) }))).toBe(true)
    expect(await anna.docs.step(c.id, (r) => claimCounting(r.doc, 'lead', { userId: ANNA, deviceId: ANNA_PHONE, ownDeviceIds: new Set([ANNA_PHONE]) }))).toBe(false)
    expect(await bram.docs.step(c.id, (r) => claimCounting(r.doc, 'member', { userId: BRAM, deviceId: BRAM_PHONE, ownDeviceIds: new Set([BRAM_PHONE]) }))).toBe(false)
    await syncTo(anna, bram, c.id)
    expect([await counted(anna), await counted(bram)]).toEqual([1, 0])
    const steps: number[] = [await total()]

    // Anna hands over: her phone stops counting at once.
    await anna.docs.step(c.id, (r) => handOverCounting(r.doc, BRAM))
    steps.push(await total())
    await syncTo(anna, bram, c.id)
    steps.push(await total())
    // Bram's phone syncs as the lead: it takes the counting; Anna's phone gets that.
    expect(await bram.docs.step(c.id, (r) => claimCounting(r.doc, 'lead', { userId: BRAM, deviceId: BRAM_PHONE, ownDeviceIds: new Set([BRAM_PHONE]) }))).toBe(true)
    steps.push(await total())
    await syncTo(bram, anna, c.id)
    steps.push(await total())
    expect([await counted(anna), await counted(bram)]).toEqual([0, 1])
    // What the server holds agrees: each phone sent its period again when the counting moved (else
    // Anna's old snapshot would count the case on, and Bram's next one would count it a second time).
    expect([anna.sent.get('2026-H1'), bram.sent.get('2026-H1')]).toEqual([0, 1])
    expect(await anna.docs.step(c.id, (r) => readMeta(r.doc))).toEqual({ countingDeviceId: BRAM_PHONE, leadUserId: BRAM })
    expect(steps.at(0)).toBe(1)
    expect(steps.at(-1)).toBe(1)
    expect(Math.max(...steps)).toBe(1)
  })
})

describe('a recovery onto a new device', () => {
  /**
   * The server keeps the last snapshot per counting id (src/server/kpi/ingest.ts). Anna's lost phone
   * counted under `lost`; the recovered device first counts under its own id, and the lost one's
   * moves to it (POST /api/kpi/counters/:id/move keeps its figures until the next snapshot replaces them, and drops the fresh id's).
   */
  it('takes the counting over only under the lost phone\'s counting id, so the total stays exact', async () => {
    const server = new Map<string, number>()
    const counter = { lost: 'c0000000-0000-4000-8000-00000000000a', fresh: 'c0000000-0000-4000-8000-00000000000b', now: 'c0000000-0000-4000-8000-00000000000b' }
    const sendUnder = async (d: Device, id: string) => {
      await send(d)
      server.set(id, d.sent.get('2026-H1') ?? 0)
    }
    const sum = () => [...server.values()].reduce((a, b) => a + b, 0)
    const c = included()
    await anna.store.save(c)
    await sendUnder(anna, counter.lost)
    // The recovered device (played by `bram`'s store, Anna's new phone) gets the case; it names the lost phone.
    await syncTo(anna, bram, c.id)
    await sendUnder(bram, counter.now)
    expect(sum()).toBe(1)

    const adopted: string[] = []
    const self = { userId: ANNA, deviceId: BRAM_PHONE, ownDeviceIds: new Set([BRAM_PHONE]), lost: new Map([[ANNA_PHONE, counter.lost]]), counterId: () => counter.now, adopt: (id: string) => void adopted.push(id) }
    // Before the lost phone's counting id is here, this device only asks for it: counting now would add to the lost phone's figures.
    expect(await bram.docs.step(c.id, (r) => claimCounting(r.doc, 'lead', self))).toBe(false)
    expect(adopted).toEqual([counter.lost])
    await sendUnder(bram, counter.now)
    expect(sum()).toBe(1)

    // The move is done (the fresh id retired, its figures dropped: src/server/kpi/counters.ts moveCounter): now it counts, under the lost phone's id.
    counter.now = counter.lost
    server.delete(counter.fresh)
    expect(await bram.docs.step(c.id, (r) => claimCounting(r.doc, 'lead', self))).toBe(true)
    await sendUnder(bram, counter.now)
    expect(await counted(bram)).toBe(1)
    expect(server.get(counter.lost)).toBe(1)
    expect(sum()).toBe(1)
    expect(await bram.docs.step(c.id, (r) => readMeta(r.doc).countingDeviceId)).toBe(BRAM_PHONE)
  })

  it("asks for a second lost phone's id once it counts under the first, and only from that phone", async () => {
    const c = included()
    await anna.store.save(c)
    await syncTo(anna, bram, c.id)
    const adopted: [string, string][] = []
    const first = 'c0000000-0000-4000-8000-00000000000c'
    const second = 'c0000000-0000-4000-8000-00000000000a'
    const self = { userId: ANNA, deviceId: BRAM_PHONE, ownDeviceIds: new Set([BRAM_PHONE]), lost: new Map([[ANNA_PHONE, second], ['99999999-9999-4999-8999-999999999999', first]]), counterId: () => first, adopt: (id: string, from: string) => void adopted.push([id, from]) }
    // This device counts under the other lost phone's id already: the move of this one follows (its
    // figures replace, the device sends everything again under it); the server moves it only from Anna's lost phone.
    expect(await bram.docs.step(c.id, (r) => claimCounting(r.doc, 'lead', self))).toBe(false)
    expect(adopted).toEqual([[second, ANNA_PHONE]])
  })
})

describe('the retention purge', () => {
  it('keeps the counts of a case only on the device that counts it', async () => {
    const c = included()
    Object.assign(c, { status: 'closed', closedAt: '2026-04-01' })
    await anna.store.save(c)
    await syncTo(anna, bram, c.id)
    expect([await counted(anna), await counted(bram)]).toEqual([1, 0])
    // A year after closing, both phones delete the case; what it counted stays counted, once.
    expect(await purgeExpired(bram.store, '2027-06-01')).toBe(1)
    expect([await counted(anna), await counted(bram)]).toEqual([1, 0])
    expect(await purgeExpired(anna.store, '2027-06-01')).toBe(1)
    expect([await counted(anna), await counted(bram)]).toEqual([1, 0])
  })
})
