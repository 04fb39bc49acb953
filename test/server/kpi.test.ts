import 'fake-indexeddb/auto'
import { readFileSync } from 'node:fs'
import { migrationFiles, splitStatements } from '../../src/server/db/migrate'
import { Ajv } from 'ajv'
import draft6 from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' }
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { MeasureReport } from '../../src/shared/kpi/measureReport'
import type { Database, Queryable } from '../../src/server/db/database'
import { ECDSA_P256, signMessage } from '../../src/shared/crypto/signatures'
import { snapshotMessage } from '../../src/shared/kpi/snapshot'
import { MEASURE_IDS, type MeasureRow } from '../../src/shared/kpi/measures'
import { Agent, Clock, signedIn, signInAgain } from './agent'
import { approvedBoundDevice, type TestDevice } from './devices'
import { CaseDb } from '../../src/app/features/cases/caseDb'
import { ensureCounter, flushCounts, markPeriodsChanged, resendUnderNewId, type CounterServer, type CounterStore, type SyncIdentity } from '../../src/app/features/cases/kpiSyncCore'
import { classifyFailure } from '../../src/app/sync/outbox'
import type { Countable } from '../../src/shared/kpi/counts'
import { setupServerTest, type TestApp } from './fixture'

let db: Database
let close: () => Promise<void>
let app: TestApp
const clock = new Clock()

beforeEach(async () => {
  ;({ db, close, app } = await setupServerTest({ clock }))
})
afterEach(async () => {
  await close()
})

const DEVICE = '5b2d6c3e-1f4a-4b5c-8d6e-7f8091a2b3c4'
const row = (included: number) => ({ intervention: 'wor' as const, municipality: 'Oss', referrerType: 'huisarts', referred: included + 1, included, completed: 0, includedCumulative: included })
type Row = ReturnType<typeof row>
const json = <T = Record<string, unknown>>(res: Response) => res.json() as Promise<T>

/** A snapshot signed as the app signs it (docs/device-trust.md), by the device's signing key unless told otherwise. */
async function signed(device: TestDevice, s: { counterId: string; period: string; snapshotVersion: number; rows: Row[] }, key: CryptoKey = device.keys.signing.privateKey) {
  return { ...s, signature: await signMessage(key, await snapshotMessage({ ...s, organisationId: device.organisationId })) }
}

/** A sociaal-werker on an approved phone bound to the session, with the counting id the server issued to it. */
async function countingWorker(opts: { organisationId?: string; admin?: Agent } = {}) {
  const worker = await signedIn(app, db, clock, 'sociaal-werker', opts.organisationId ? { organisationId: opts.organisationId } : {})
  const admin = opts.admin ?? (await signedIn(app, db, clock, 'beheerder', { organisationId: worker.organisationId })).agent
  const phone = await approvedBoundDevice(worker.agent, admin, worker.organisationId)
  const issued = await worker.agent.call('POST', '/api/kpi/counters', { organisationId: worker.organisationId })
  expect(issued.status).toBe(201)
  const { counterId } = await json<{ counterId: string }>(issued)
  const send = async (period: string, snapshotVersion: number, rows: Row[], over: { counterId?: string; agent?: Agent; device?: TestDevice } = {}) =>
    (over.agent ?? worker.agent).call('POST', '/api/kpi/snapshots', await signed(over.device ?? phone, { counterId: over.counterId ?? counterId, period, snapshotVersion, rows }))
  return { ...worker, admin, phone, counterId, send }
}

describe('inclusion counts upstream', () => {
  it('counts a resent snapshot once, lets a newer one replace it, and ignores an older one arriving late', async () => {
    const worker = await countingWorker()
    const programme = await signedIn(app, db, clock, 'programma')
    const send = async (version: number, included: number) => worker.send('2026-H2', version, [row(included)])
    const totals = async () => (await json<{ rows: { included: number }[] }>(await programme.agent.call('GET', '/api/kpi/totals?period=2026-H2'))).rows

    expect(await (await send(1, 3)).json()).toEqual({ status: 'stored' })
    expect(await (await send(1, 3)).json()).toEqual({ status: 'unchanged' })
    expect((await totals())[0]!.included).toBe(3)
    await send(3, 5)
    // An older version arriving late changes nothing; the answer names the version that counts.
    expect(await (await send(2, 4)).json()).toEqual({ status: 'outdated', storedVersion: 3 })
    expect((await totals())[0]!.included).toBe(5)
  })

  it('adds up the devices of the region', async () => {
    const a = await countingWorker()
    const b = await countingWorker()
    const programme = await signedIn(app, db, clock, 'programma')
    await a.send('2026-H2', 1, [row(2)])
    await b.send('2026-H2', 1, [row(4)])
    const { rows } = await json<{ rows: { included: number; referred: number }[] }>(await programme.agent.call('GET', '/api/kpi/totals?period=2026-H2'))
    expect(rows).toEqual([{ intervention: 'wor', municipality: 'Oss', referrerType: 'huisarts', referred: 8, included: 6, completed: 0, includedCumulative: 6 }])
  })

  it('refuses anything but counts, and counts for another organisation', async () => {
    const worker = await countingWorker()
    const base = await signed(worker.phone, { counterId: worker.counterId, period: '2026-H2', snapshotVersion: 1, rows: [row(1)] })
    expect((await worker.agent.call('POST', '/api/kpi/snapshots', { ...base, residentName: 'Maria' })).status).toBe(400)
    expect((await worker.agent.call('POST', '/api/kpi/snapshots', { ...base, rows: [{ ...row(1), caseId: DEVICE }] })).status).toBe(400)
    expect((await worker.agent.call('POST', '/api/kpi/snapshots', { ...base, organisationId: '7d4f8e5a-3b6c-4d7e-8f9a-0b1c2d3e4f5a' })).status).toBe(400)
    // A counting id for another organisation than the device's is not handed out.
    const other = await signedIn(app, db, clock, 'sociaal-werker')
    const res = await worker.agent.call('POST', '/api/kpi/counters', { organisationId: other.organisationId })
    expect(res.status).toBe(403)
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM kpi_counts')).rows[0]!.n).toBe(0)
  })

  it('marks a figure for a period that has ended as a correction', async () => {
    const worker = await countingWorker()
    await worker.send('2025-H1', 1, [row(1)])
    expect((await db.query<{ correction: boolean }>('SELECT correction FROM kpi_snapshots')).rows).toEqual([{ correction: true }])
  })

  it("keeps the programme team's targets per accountability period, KPI and intervention", async () => {
    const programme = await signedIn(app, db, clock, 'programma')
    const target = (period: string, intervention: string, value: number | null, kpi = 'included') => ({ period, kpi, intervention, target: value })
    expect((await programme.agent.call('PUT', '/api/kpi/targets', { targets: [target('p4', 'wor', 120), target('p4', 'sa', 30)] })).status).toBe(200)
    expect((await programme.agent.call('PUT', '/api/kpi/targets', { targets: [target('p4', 'wor', 150)] })).status).toBe(200)
    // A period that is not in the list, and a half-year instead of a period id: refused.
    expect((await programme.agent.call('PUT', '/api/kpi/targets', { targets: [target('p9', 'wor', 1)] })).status).toBe(400)
    expect((await programme.agent.call('PUT', '/api/kpi/targets', { targets: [target('2026-H2', 'wor', 1)] })).status).toBe(400)
    const { targets } = (await (await programme.agent.call('GET', '/api/kpi/targets')).json()) as { targets: unknown[] }
    expect(targets).toEqual([target('p4', 'sa', 30), target('p4', 'wor', 150)])
  })
})

/**
 * Issue 11 finding 6 (and 7's counting part): counting ids and versions were the client's choice.
 * Each test first performs the attack as it worked before (a plain session, the id and version of
 * its choosing) and then as a device of the person would try it now.
 */
describe('forged figures are refused (issue 11)', () => {
  const MILLION = { intervention: 'wor' as const, municipality: 'Oss', referrerType: 'huisarts', referred: 1_000_000, included: 1_000_000, completed: 1_000_000, includedCumulative: 1_000_000 }
  let programme: Agent | undefined
  beforeEach(() => {
    programme = undefined
  })
  const totals = async (period = '2026-H2') => {
    programme ??= (await signedIn(app, db, clock, 'programma')).agent
    return (await json<{ rows: Row[] }>(await programme.call('GET', `/api/kpi/totals?period=${period}`))).rows
  }

  it('a million per cell under a made-up id, frozen with version MAX_SAFE_INTEGER', async () => {
    const worker = await signedIn(app, db, clock, 'sociaal-werker')
    const attack = await worker.agent.call('POST', '/api/kpi/snapshots', { snapshotVersion: Number.MAX_SAFE_INTEGER, deviceId: DEVICE, organisationId: worker.organisationId, period: '2026-H2', rows: [MILLION] })
    expect(attack.status).not.toBe(200)
    expect(await totals()).toEqual([])

    // With an approved phone of their own, each part is refused with its own code.
    const me = await countingWorker()
    const madeUp = await me.send('2026-H2', 1, [row(1)], { counterId: DEVICE })
    expect([madeUp.status, (await json(madeUp)).code]).toEqual([403, 'counter-not-bound'])
    const million = await me.send('2026-H2', 1, [MILLION])
    expect([million.status, (await json(million)).code]).toEqual([422, 'implausible-counts'])
    expect((await json(await me.send('2026-H2', 1, [{ ...row(1), included: 251, includedCumulative: 251 }]))).error).toMatch(/included 251 in wor\/Oss\/huisarts .*at most 250/)
    const frozen = await me.send('2026-H2', Number.MAX_SAFE_INTEGER, [row(1)])
    expect([frozen.status, (await json(frozen)).code]).toEqual([422, 'version-in-future'])
    expect((await me.send('2026-H2', Date.now() + 60 * 60 * 1000, [row(1)])).status).toBe(422)
    // Many cells that are each plausible but together more than one person counts in a half-year.
    const cells = ['Oss', 'Maashorst', 'Meierijstad'].map((municipality) => ({ ...row(200), municipality, referred: 200 }))
    const spread = await me.send('2026-H2', 1, cells)
    expect([spread.status, (await json(spread)).code]).toEqual([422, 'implausible-counts'])
    expect(await totals()).toEqual([])
    // What a real device sends still counts, with its clock as the version.
    expect((await me.send('2026-H2', Date.now(), [row(3)])).status).toBe(200)
    expect((await totals()).map((r) => r.included)).toEqual([3])
  })

  it('a restored backup cannot take over another person\'s counting id', async () => {
    // Before: whoever named an id (from a backup file) replaced that device's figures.
    const victimPlain = await signedIn(app, db, clock, 'sociaal-werker')
    const thiefPlain = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: victimPlain.organisationId })
    await victimPlain.agent.call('POST', '/api/kpi/snapshots', { snapshotVersion: 1, deviceId: DEVICE, organisationId: victimPlain.organisationId, period: '2026-H2', rows: [row(7)] })
    await thiefPlain.agent.call('POST', '/api/kpi/snapshots', { snapshotVersion: 2, deviceId: DEVICE, organisationId: thiefPlain.organisationId, period: '2026-H2', rows: [row(0)] })
    expect((await totals()).map((r) => r.included)).toEqual([])

    const victim = await countingWorker()
    const thief = await countingWorker({ organisationId: victim.organisationId, admin: victim.admin })
    expect((await victim.send('2026-H2', 1, [row(7)])).status).toBe(200)
    const move = await thief.agent.call('POST', `/api/kpi/counters/${victim.counterId}/move`)
    expect([move.status, (await json(move)).code]).toEqual([403, 'counter-not-yours'])
    const takeover = await thief.send('2026-H2', 2, [row(0)], { counterId: victim.counterId })
    expect([takeover.status, (await json(takeover)).code]).toEqual([403, 'counter-not-bound'])
    expect((await json(await thief.agent.call('POST', `/api/kpi/counters/${DEVICE}/move`))).code).toBe('counter-unknown')
    expect((await totals()).map((r) => r.included)).toEqual([7])
    expect((await db.query<{ device_id: string }>('SELECT device_id FROM kpi_counters WHERE id = $1', [victim.counterId])).rows).toEqual([{ device_id: victim.phone.id }])
  })

  it('a snapshot forged without the device\'s key', async () => {
    // Before: any signed-in sociaal-werker's session could send figures; no device signed them.
    const plain = await signedIn(app, db, clock, 'sociaal-werker')
    const unsigned = await plain.agent.call('POST', '/api/kpi/snapshots', { snapshotVersion: 1, deviceId: DEVICE, organisationId: plain.organisationId, period: '2026-H2', rows: [row(9)] })
    expect(unsigned.status).not.toBe(200)
    expect(await totals()).toEqual([])

    const me = await countingWorker()
    // Signed by a key the server does not know for this device (the server or a copied session forging).
    const stranger = (await crypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify'])) as CryptoKeyPair
    const forged = await me.agent.call('POST', '/api/kpi/snapshots', await signed(me.phone, { counterId: me.counterId, period: '2026-H2', snapshotVersion: 1, rows: [row(9)] }, stranger.privateKey))
    expect([forged.status, (await json(forged)).code]).toEqual([403, 'bad-signature'])
    // Signed by the device, then changed on the way.
    const good = await signed(me.phone, { counterId: me.counterId, period: '2026-H2', snapshotVersion: 2, rows: [row(1)] })
    const changed = await me.agent.call('POST', '/api/kpi/snapshots', { ...good, rows: [row(9)] })
    expect([changed.status, (await json(changed)).code]).toEqual([403, 'bad-signature'])
    expect((await me.agent.call('POST', '/api/kpi/snapshots', { ...good, period: '2026-H1' })).status).toBe(403)
    // A session without a bound device gets no counting id and sends nothing.
    const unbound = await plain.agent.call('POST', '/api/kpi/counters', { organisationId: plain.organisationId })
    expect([unbound.status, (await json(unbound)).code]).toEqual([403, 'device-required'])
    expect(await totals()).toEqual([])
    expect((await me.agent.call('POST', '/api/kpi/snapshots', good)).status).toBe(200)
    expect((await totals()).map((r) => r.included)).toEqual([1])
  })
})

describe('a counting id moves with a restored backup', () => {
  it("replaces the old phone's figures on the new phone, refuses the old phone's later snapshots, and is written down", async () => {
    const worker = await countingWorker()
    expect((await worker.send('2026-H2', 1_000, [row(4)])).status).toBe(200)
    // The same person on a new phone: a second session bound to a second approved device.
    const newAgent = await signInAgain(app, clock, worker)
    const newPhone = await approvedBoundDevice(newAgent, worker.admin, worker.organisationId, 'Nieuwe telefoon')
    // The person's own devices list which counting id each sends under (a recovered device finds the lost phone's there).
    const listed = async () => (await json<{ devices: { id: string; counterId: string | null }[] }>(await newAgent.call('GET', '/api/devices'))).devices.map((d) => [d.id === newPhone.id, d.counterId])
    expect(await listed()).toEqual(expect.arrayContaining([[false, worker.counterId], [true, null]]))
    const moved = await newAgent.call('POST', `/api/kpi/counters/${worker.counterId}/move`)
    expect(moved.status).toBe(200)
    expect(await json(moved)).toMatchObject({ counterId: worker.counterId })
    expect(await listed()).toEqual(expect.arrayContaining([[false, null], [true, worker.counterId]]))
    // Asked again (a lost answer): the same, nothing new.
    expect((await newAgent.call('POST', `/api/kpi/counters/${worker.counterId}/move`)).status).toBe(200)
    // The new phone's counts replace the old phone's, they do not add to them.
    expect((await worker.send('2026-H2', 2_000, [row(6)], { agent: newAgent, device: newPhone })).status).toBe(200)
    const old = await worker.send('2026-H2', 3_000, [row(9)])
    expect([old.status, (await json(old)).code]).toEqual([409, 'counter-moved'])
    const programme = await signedIn(app, db, clock, 'programma')
    const { rows } = await json<{ rows: Row[] }>(await programme.agent.call('GET', '/api/kpi/totals?period=2026-H2'))
    expect(rows.map((r) => r.included)).toEqual([6])
    // The new phone asking for a counting id gets the moved one, not another.
    expect(await json(await newAgent.call('POST', '/api/kpi/counters', { organisationId: worker.organisationId }))).toMatchObject({ counterId: worker.counterId })
    const audit = await db.query<{ action: string }>("SELECT action FROM audit_log WHERE entity = 'kpi_counter' AND entity_id = $1 ORDER BY id", [worker.counterId])
    expect(audit.rows.map((r) => r.action)).toEqual(['kpi-counter-issue', 'kpi-counter-move'])
  })

  it('one person cannot pass the half-year bound by moving counting ids between two phones (review finding 4)', async () => {
    const worker = await countingWorker()
    const d1 = { agent: worker.agent, device: worker.phone }
    const d2Agent = await signInAgain(app, clock, worker)
    const d2 = { agent: d2Agent, device: await approvedBoundDevice(d2Agent, worker.admin, worker.organisationId, 'Tweede telefoon') }
    const programme = await signedIn(app, db, clock, 'programma')
    const included = async () => (await json<{ rows: Row[] }>(await programme.agent.call('GET', '/api/kpi/totals?period=2026-H2'))).rows.reduce((s, r) => s + r.included, 0)
    const full = [0, 1].map((i) => ({ ...row(250), municipality: ['Oss', 'Maashorst'][i]!, referred: 250 }))
    const counterOf = async (phone: typeof d1) => (await json<{ counterId: string }>(await phone.agent.call('POST', '/api/kpi/counters', { organisationId: worker.organisationId }))).counterId

    // The loop from the finding: D1 gets a counting id, sends the most one person counts, D2 moves it over; again.
    let version = 1_000
    const answers: number[] = []
    const seen: number[] = []
    for (let round = 0; round < 5; round++) {
      const counterId = await counterOf(d1)
      answers.push((await worker.send('2026-H2', ++version, full, { counterId, ...d1 })).status)
      expect((await d2.agent.call('POST', `/api/kpi/counters/${counterId}/move`)).status).toBe(200)
      seen.push(await included())
    }
    // Before the fix every round was stored: 2500 counted against a bound of 500. A move drops the
    // figures of the id it retires on D2 (D2 sends its own again under the moved one), so a round
    // after such a drop is taken — the total never passes the bound.
    expect(answers).toEqual([200, 422, 200, 422, 200])
    expect(seen).toEqual([500, 0, 500, 0, 500])
    // Nor from D2, under the id it holds now: one more than the bound.
    const d2Counter = await counterOf(d2)
    const fromD2 = await worker.send('2026-H2', version + 1, [...full, { ...row(1), municipality: 'Bernheze' }], { counterId: d2Counter, ...d2 })
    expect([fromD2.status, (await json(fromD2)).code]).toEqual([422, 'implausible-counts'])
    expect(await included()).toBe(500)
    // Another person of the organisation counts under their own bound.
    const colleague = await countingWorker({ organisationId: worker.organisationId, admin: worker.admin })
    expect((await colleague.send('2026-H2', 1, full)).status).toBe(200)
    expect(await included()).toBe(1000)
  })

  it('a restore onto a new phone still replaces the figures under the bound (review finding 4)', async () => {
    const worker = await countingWorker()
    expect((await worker.send('2026-H2', 1_000, [{ ...row(250), referred: 250 }, { ...row(200), municipality: 'Maashorst', referred: 200 }])).status).toBe(200)
    const newAgent = await signInAgain(app, clock, worker)
    const newPhone = await approvedBoundDevice(newAgent, worker.admin, worker.organisationId, 'Nieuwe telefoon')
    // The new phone got an id of its own first (and counted a little), then the backup moved the old one there.
    const own = (await json<{ counterId: string }>(await newAgent.call('POST', '/api/kpi/counters', { organisationId: worker.organisationId }))).counterId
    expect((await worker.send('2026-H2', 1_500, [row(10)], { counterId: own, agent: newAgent, device: newPhone })).status).toBe(200)
    expect((await newAgent.call('POST', `/api/kpi/counters/${worker.counterId}/move`)).status).toBe(200)
    // Its snapshot replaces the old figures (450 → 480); the 10 under the retired id were dropped by
    // the move (the phone sends its own cases again under the moved id): 480 of 500.
    const restored = [{ ...row(250), referred: 250 }, { ...row(230), municipality: 'Maashorst', referred: 230 }]
    expect((await worker.send('2026-H2', 2_000, restored, { agent: newAgent, device: newPhone })).status).toBe(200)
    // One more than the person's bound is refused, whichever id it comes under.
    const over = [{ ...row(250), referred: 250 }, { ...row(250), municipality: 'Maashorst', referred: 250 }, { ...row(0), municipality: 'Bernheze' }]
    const refused = await worker.send('2026-H2', 3_000, over, { agent: newAgent, device: newPhone })
    expect([refused.status, (await json(refused)).error]).toEqual([422, expect.stringMatching(/referred 501 .*one person .*at most 500/)])
  })

  it('keeps the figures of a counting id from before issue 11, and lets its phone claim it once', async () => {
    const worker = await countingWorker()
    // A legacy id with figures, as migration 008 leaves it.
    await db.query('INSERT INTO kpi_counters (id, organisation_id, legacy) VALUES ($1, $2, true)', [DEVICE, worker.organisationId])
    await db.query("INSERT INTO kpi_snapshots (counter_id, period, organisation_id, snapshot_version) VALUES ($1, '2026-H2', $2, $3)", [DEVICE, worker.organisationId, Number.MAX_SAFE_INTEGER])
    await db.query("INSERT INTO kpi_counts (counter_id, period, intervention, municipality, referrer_type, referred, included, completed, included_cumulative) VALUES ($1, '2026-H2', 'wor', 'Oss', 'huisarts', 3, 2, 0, 2)", [DEVICE])
    const programme = await signedIn(app, db, clock, 'programma')
    const totals = async () => (await json<{ rows: Row[] }>(await programme.agent.call('GET', '/api/kpi/totals?period=2026-H2'))).rows.map((r) => r.included)
    expect(await totals()).toEqual([2])
    // Nobody may send under it before claiming it.
    expect((await worker.send('2026-H2', 5, [row(1)], { counterId: DEVICE })).status).toBe(403)
    // Someone of another organisation cannot claim it.
    const stranger = await countingWorker()
    expect((await stranger.agent.call('POST', `/api/kpi/counters/${DEVICE}/move`)).status).toBe(403)
    // Its phone claims it; the frozen version is clamped, so a real one replaces the old figure.
    expect((await worker.agent.call('POST', `/api/kpi/counters/${DEVICE}/move`)).status).toBe(200)
    expect((await worker.send('2026-H2', Date.now(), [row(5)], { counterId: DEVICE })).status).toBe(200)
    expect(await totals()).toEqual([5])
    // The counting id it had before was retired; its (empty) figures stay, it takes no more.
    expect((await json(await worker.send('2026-H2', Date.now(), [row(1)]))).code).toBe('counter-moved')
    // Claimed once: now it belongs to this person only.
    expect((await stranger.agent.call('POST', `/api/kpi/counters/${DEVICE}/move`)).status).toBe(403)
  })
})

/** A phone running the app's own sync code (kpiSyncCore.ts, its outbox in fake-indexeddb) against this server, with its counting id kept in memory. */
function phoneOf(agent: Agent, phone: TestDevice, restoredCounterId?: string) {
  let counter: { counterId: string; deviceId?: string } | null = null
  let pending = restoredCounterId ?? null
  let pendingFrom: string | null = null
  let version = 0
  const problems: string[] = []
  const phoneDb = new CaseDb(`kpi-phone-${crypto.randomUUID()}`)
  const cases: Countable[] = []
  const store: CounterStore = {
    current: () => counter,
    pendingMove: () => pending,
    pendingMoveFrom: () => pendingFrom,
    bind: (counterId, deviceId) => {
      counter = { counterId, deviceId }
    },
    dropPendingMove: (refused) => {
      pending = null
      pendingFrom = null
      if (refused) problems.push(refused)
    },
  }
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await agent.call(method, path, body)
    const data = (await res.json()) as T & { code?: string }
    if (!res.ok) throw Object.assign(new Error(`${res.status}`), { status: res.status, code: data.code })
    return data
  }
  const server: CounterServer = {
    issue: (organisationId) => call('POST', '/api/kpi/counters', { organisationId }),
    move: (counterId, from) => call('POST', `/api/kpi/counters/${counterId}/move`, from ? { from } : {}),
  }
  return {
    /** The outbox row of a period, as the app keeps it. */
    item: (period: string) => phoneDb.outbox.get(`kpi-snapshot:${period}`),
    problems,
    counterId: () => counter?.counterId,
    /** A lost phone's counting id to move here before the next send (teamCounting.ts claimCounting → kpiSync.ts adoptKpiDeviceId). */
    adopt(counterId: string, from?: string) {
      pending = counterId
      pendingFrom = from ?? null
    },
    /** A case referred and included on `day`: its period goes into the outbox. */
    async add(day: string, n = 1) {
      for (let i = 0; i < n; i++) cases.push({ pathway: 'wor', municipality: 'Oss', referrerType: 'huisarts', referredAt: day, includedAt: day })
      const period = `${day.slice(0, 4)}-H${Number(day.slice(5, 7)) <= 6 ? 1 : 2}`
      await phoneDb.transaction('rw', phoneDb.outbox, () => markPeriodsChanged(phoneDb.outbox, [period]))
    },
    async sync() {
      const before = counter?.counterId
      const counterId = await ensureCounter(store, server, { id: phone.id, organisationId: phone.organisationId }, (v) => (version = Math.max(version, v)))
      // As kpiSync.ts syncCounts: under an id new to this phone, every period its cases reach goes again.
      await resendUnderNewId(phoneDb.outbox, before, counterId, async () => cases, '2026-09-30')
      const identity: SyncIdentity = {
        counterId,
        organisationId: phone.organisationId,
        nextVersion: () => (version = Math.max(version + 1, Date.now())),
        raiseVersion: (v) => (version = Math.max(version, v)),
        sign: (message) => signMessage(phone.keys.signing.privateKey, message),
      }
      return flushCounts(phoneDb.outbox, async () => cases, identity, (snapshot) => call('POST', '/api/kpi/snapshots', snapshot), classifyFailure)
    },
  }
}

describe('migration 008', () => {
  it('keeps every figure counted before it under a legacy counting id, with a frozen version clamped to its arrival', async () => {
    const dir = new URL('../../src/server/db/migrations/', import.meta.url)
    const run = async (tx: Queryable, name: string) => {
      for (const statement of splitStatements(readFileSync(new URL(name, dir), 'utf8'))) await tx.query(statement)
    }
    const rolledBack = new Error('roll back')
    // In a schema of its own, inside one transaction that is rolled back: migrations 001–007, figures as devices sent them, then 008.
    const seen = await db
      .transaction(async (tx) => {
        await tx.query('CREATE SCHEMA before_008')
        await tx.query('SET LOCAL search_path TO before_008')
        for (const name of migrationFiles().filter((n) => n < '008')) await run(tx, name)
        const org = '7d4f8e5a-3b6c-4d7e-8f9a-0b1c2d3e4f5a'
        const other = '6c3e7d4f-2a5b-4c6d-9e7f-8091a2b3c4d5'
        await tx.query("INSERT INTO organisations (id, name) VALUES ($1, 'Welzijn')", [org])
        await tx.query(
          `INSERT INTO kpi_snapshots (device_id, period, organisation_id, snapshot_version, received_at) VALUES
             ($1, '2026-H1', $3, 1700000000000, '2026-05-01T10:00:00Z'), ($1, '2026-H2', $3, 1788000000000, '2026-09-01T10:00:00Z'), ($2, '2026-H2', $3, $4, '2026-10-01T10:00:00Z')`,
          [DEVICE, other, org, Number.MAX_SAFE_INTEGER],
        )
        await tx.query(
          `INSERT INTO kpi_counts (device_id, period, intervention, municipality, referrer_type, referred, included, completed, included_cumulative) VALUES
             ($1, '2026-H1', 'wor', 'Oss', 'huisarts', 3, 2, 0, 2), ($1, '2026-H2', 'wor', 'Oss', 'huisarts', 4, 3, 1, 5), ($2, '2026-H2', 'wor', 'Oss', 'huisarts', 9, 9, 0, 9)`,
          [DEVICE, other],
        )
        await run(tx, '008_kpi_counters.sql')
        const counters = await tx.query('SELECT id, device_id, organisation_id, user_id, legacy, retired_at FROM kpi_counters ORDER BY id')
        const versions = await tx.query('SELECT counter_id, period, snapshot_version::text AS v FROM kpi_snapshots ORDER BY counter_id, period')
        const totals = await tx.query("SELECT sum(included)::int AS included FROM kpi_counts WHERE period = '2026-H2'")
        throw Object.assign(rolledBack, { seen: { counters: counters.rows, versions: versions.rows, totals: totals.rows } })
      })
      .catch((e: unknown) => {
        if (e !== rolledBack) throw e
        return (e as Error & { seen: Record<string, unknown[]> }).seen
      })
    expect(seen.counters).toEqual([
      { id: DEVICE, device_id: null, organisation_id: '7d4f8e5a-3b6c-4d7e-8f9a-0b1c2d3e4f5a', user_id: null, legacy: true, retired_at: null },
      { id: '6c3e7d4f-2a5b-4c6d-9e7f-8091a2b3c4d5', device_id: null, organisation_id: '7d4f8e5a-3b6c-4d7e-8f9a-0b1c2d3e4f5a', user_id: null, legacy: true, retired_at: null },
    ].sort((a, b) => a.id.localeCompare(b.id)))
    expect(seen.versions).toEqual([
      { counter_id: DEVICE, period: '2026-H1', v: '1700000000000' },
      { counter_id: DEVICE, period: '2026-H2', v: '1788000000000' },
      // Frozen at MAX_SAFE_INTEGER; now its arrival time in ms, so a real snapshot can replace it.
      { counter_id: '6c3e7d4f-2a5b-4c6d-9e7f-8091a2b3c4d5', period: '2026-H2', v: String(Date.parse('2026-10-01T10:00:00Z')) },
    ].sort((a, b) => a.counter_id.localeCompare(b.counter_id) || a.period.localeCompare(b.period)))
    expect(seen.totals).toEqual([{ included: 12 }])
    // Nothing of it is left behind.
    expect((await db.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = 'before_008'")).rows).toEqual([])
  })
})

describe("the phone's sync code against the server", () => {
  it('moves a restored counting id before its next send, keeps a refused period with its reason, and never counts under an id the server did not give it', async () => {
    const worker = await countingWorker()
    const programme = await signedIn(app, db, clock, 'programma')
    const included = async () => (await json<{ rows: Row[] }>(await programme.agent.call('GET', '/api/kpi/totals?period=2026-H2'))).rows.map((r) => r.included)
    const oldPhone = phoneOf(worker.agent, worker.phone)
    await oldPhone.add('2026-08-01', 3)
    expect(await oldPhone.sync()).toEqual({ sent: 1 })
    // The phone got the id the server holds for its device: the one issued in countingWorker().
    expect(oldPhone.counterId()).toBe(worker.counterId)
    expect(await included()).toEqual([3])

    // A backup restored onto a new phone of the same person: the id moves before anything is sent.
    const newAgent = await signInAgain(app, clock, worker)
    const newPhone = phoneOf(newAgent, await approvedBoundDevice(newAgent, worker.admin, worker.organisationId, 'Nieuwe telefoon'), worker.counterId)
    await newPhone.add('2026-08-01', 3)
    await newPhone.add('2026-09-01', 1)
    expect(await newPhone.sync()).toEqual({ sent: 1 })
    expect(newPhone.counterId()).toBe(worker.counterId)
    expect(await included()).toEqual([4])

    // The old phone counts on: refused, and the period stays in its outbox with the reason.
    await oldPhone.add('2026-10-01')
    expect(await oldPhone.sync()).toEqual({ sent: 0, refused: 'counter-moved' })
    expect(await oldPhone.item('2026-H2')).toMatchObject({ problem: { code: 'counter-moved' }, attempts: 1 })
    expect(await included()).toEqual([4])

    // Someone else restoring this person's backup: the move is refused, the phone counts under an id of its own.
    const other = await countingWorker({ organisationId: worker.organisationId, admin: worker.admin })
    const thiefPhone = phoneOf(other.agent, other.phone, worker.counterId)
    await thiefPhone.add('2026-08-01', 2)
    expect(await thiefPhone.sync()).toEqual({ sent: 1 })
    expect(thiefPhone.problems).toEqual(['adopt-refused'])
    expect(thiefPhone.counterId()).toBe(other.counterId)
    expect(await included()).toEqual([6])

    // Counts no social worker reaches stay on the phone with the reason; other periods still go.
    const busy = phoneOf(other.agent, other.phone)
    await busy.add('2026-03-01', 251)
    await busy.add('2026-08-01', 2)
    expect(await busy.sync()).toEqual({ sent: 1 })
    expect(await busy.item('2026-H1')).toMatchObject({ problem: { code: 'implausible-counts' } })
    expect(await busy.item('2026-H2')).toBeUndefined()
  })

  it("counts a device's own cases once when a lost phone's counting id moves onto it (docs/case-sync.md \"Counted once across a recovery\")", async () => {
    const worker = await countingWorker()
    const programme = await signedIn(app, db, clock, 'programma')
    const included = async (period: string) => (await json<{ rows: Row[] }>(await programme.agent.call('GET', `/api/kpi/totals?period=${period}`))).rows.map((r) => r.included)
    // The phone that gets lost counted 3 cases under its id.
    const lostPhone = phoneOf(worker.agent, worker.phone)
    await lostPhone.add('2026-08-01', 3)
    expect(await lostPhone.sync()).toEqual({ sent: 1 })
    // The worker's laptop counted 3 of its own (1 in H1, 2 in H2) under an id of its own.
    const laptopAgent = await signInAgain(app, clock, worker)
    const laptop = phoneOf(laptopAgent, await approvedBoundDevice(laptopAgent, worker.admin, worker.organisationId, 'Laptop'))
    await laptop.add('2026-03-01', 1)
    await laptop.add('2026-07-01', 2)
    expect(await laptop.sync()).toEqual({ sent: 2 })
    expect([await included('2026-H1'), await included('2026-H2')]).toEqual([[1], [5]])
    // The phone is lost: the laptop asks for its id, then takes its 3 cases (their period queued again).
    laptop.adopt(worker.counterId)
    await laptop.add('2026-08-01', 3)
    await laptop.sync()
    expect(laptop.counterId()).toBe(worker.counterId)
    // Every case once: the laptop's own are no longer also in its retired id's figures, and none is dropped.
    expect([await included('2026-H1'), await included('2026-H2')]).toEqual([[1], [5]])
  })

  it("moves a lost phone's counting id only from the lost phone: a second surviving device cannot take it from the first (review)", async () => {
    const worker = await countingWorker()
    const lost = worker.phone.id
    const laptopAgent = await signInAgain(app, clock, worker)
    const laptop = await approvedBoundDevice(laptopAgent, worker.admin, worker.organisationId, 'Laptop')
    const phoneAgent = await signInAgain(app, clock, worker)
    const newPhone = await approvedBoundDevice(phoneAgent, worker.admin, worker.organisationId, 'Nieuwe telefoon')
    // Both asked for it; the laptop's move comes first.
    expect((await laptopAgent.call('POST', `/api/kpi/counters/${worker.counterId}/move`, { from: lost })).status).toBe(200)
    const second = await phoneAgent.call('POST', `/api/kpi/counters/${worker.counterId}/move`, { from: lost })
    expect([second.status, (await json(second)).code]).toEqual([409, 'counter-elsewhere'])
    // The laptop keeps counting under it; the new phone gets an id of its own.
    expect((await worker.send('2026-H2', Date.now(), [row(2)], { agent: laptopAgent, device: laptop })).status).toBe(200)
    expect(await json(await phoneAgent.call('POST', '/api/kpi/counters', { organisationId: worker.organisationId }))).not.toMatchObject({ counterId: worker.counterId })
    // With the app's own code: the new phone asked for it too; its move is refused, dropped without a
    // problem for the person, and it counts under an id of its own.
    const p2 = phoneOf(phoneAgent, newPhone)
    p2.adopt(worker.counterId, lost)
    await p2.add('2026-08-01', 1)
    await p2.sync()
    expect(p2.counterId()).not.toBe(worker.counterId)
    expect(p2.problems).toEqual([])
    // A move with an unknown field is refused.
    expect((await phoneAgent.call('POST', `/api/kpi/counters/${worker.counterId}/move`, { from: lost, extra: 1 })).status).toBe(400)
  })
})

describe('the FHIR MeasureReport and the trend', () => {
  const fhirSchema = JSON.parse(readFileSync(new URL('../fixtures/fhir/fhir-r4-subset.schema.json', import.meta.url), 'utf8')) as object
  const ajv = new Ajv({ strict: false, allErrors: true })
  ajv.addMetaSchema(draft6)
  const validate = ajv.compile(fhirSchema)

  const measure = (m: MeasureRow['measure'], bucket: string, count: number, over: Partial<MeasureRow> = {}): MeasureRow => ({ measure: m, bucket, intervention: 'wor', municipality: 'Oss', referrerType: 'huisarts', ageBand: '18-30', count, ...over })
  /** Counts with steering measures, signed by the worker's phone as the app signs them (snapshot v2). */
  async function sendWithMeasures(w: Awaited<ReturnType<typeof countingWorker>>, period: string, rows: Row[], measures: MeasureRow[]) {
    const unsigned = { counterId: w.counterId, period, snapshotVersion: 1, rows, measures }
    const signature = await signMessage(w.phone.keys.signing.privateKey, await snapshotMessage({ ...unsigned, organisationId: w.organisationId }))
    return w.agent.call('POST', '/api/kpi/snapshots', { ...unsigned, signature })
  }

  async function filled() {
    const a = await countingWorker()
    const b = await countingWorker()
    const programme = await signedIn(app, db, clock, 'programma')
    const rows = [
      { ...row(7), municipality: 'Oss' },
      { ...row(3), municipality: 'Boekel' },
      { ...row(6), intervention: 'vg' as const, municipality: 'Bernheze', referrerType: 'praktijkondersteuner' },
    ] as Row[]
    // Two organisations' phones: their measures add up per cell.
    const measuresA = [
      measure('first-contact', 'within-14-days', 6),
      measure('first-contact', 'within-14-days', 3, { municipality: 'Boekel', ageBand: '31-64' }),
      measure('first-contact', 'within-14-days', 7, { municipality: 'Meierijstad', ageBand: '65-plus' }),
      measure('first-contact', 'later', 5, { ageBand: '65-plus' }),
      measure('fidelity', 'wor-intake:met', 8),
      measure('fidelity', 'wor-intake:missed', 1),
      measure('domain-change', 'geldzaken:better', 6, { intervention: 'samenwerkwijze' }),
      measure('close-reason', 'doel-bereikt', 9, { intervention: 'samenwerkwijze', referrerType: 'sociaal-werker', ageBand: 'onbekend' }),
    ]
    expect((await sendWithMeasures(a, '2026-H1', rows, measuresA)).status).toBe(200)
    expect((await sendWithMeasures(b, '2026-H1', [], [measure('first-contact', 'within-14-days', 2)])).status).toBe(200)
    expect((await a.send('2026-H2', 1, [row(2)])).status).toBe(200)
    return programme
  }
  const code = (x: { code: { coding: { code: string }[] } | { coding: { code: string }[] }[] }) => (Array.isArray(x.code) ? x.code[0]! : x.code).coding[0]!.code
  type Group = MeasureReport['group'][number]
  const countOf = (pops: Group['population'], c: string) => pops.find((p) => code(p) === c)!
  const stratum = (g: Group, by: string, value: string) => g.stratifier.find((s) => code(s) === by)!.stratum.find((s) => s.value.text === value)!

  /**
   * The attack on masking: in every stratifier the strata add up to the group's figure, so what
   * the shown strata leave of a shown total is what the masked ones hold. A remainder from 1 to 4
   * gives away a small cell (one masked stratum: exactly; several: a small number between them).
   */
  function smallRemainders(report: MeasureReport): string[] {
    const found: string[] = []
    for (const g of report.group)
      for (const total of g.population) {
        if (total.count === undefined) continue
        for (const s of g.stratifier) {
          const cells = s.stratum.map((st) => countOf(st.population, code(total)))
          const rest = total.count - cells.reduce((n, p) => n + (p.count ?? 0), 0)
          if (rest > 0 && rest < 5) found.push(`${code(g)} ${code(total)} by ${code(s)}: ${rest}`)
        }
      }
    return found
  }

  it('is valid FHIR R4: a summary with a group per intervention, three populations, strata per municipality, small cells masked', async () => {
    const programme = await filled()
    const res = await programme.agent.call('GET', '/api/kpi/measure-report?period=2026-H1')
    expect(res.headers.get('Content-Type')).toContain('application/fhir+json')
    const report = (await res.json()) as MeasureReport
    expect(validate(report), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true)
    expect(report).toMatchObject({ resourceType: 'MeasureReport', type: 'summary', status: 'complete', period: { start: '2026-01-01', end: '2026-06-30' } })
    expect(report.group.slice(0, 4).map(code)).toEqual(['wor', 'vg', 'sa', 'samenwerkwijze'])
    const wor = report.group[0]!
    // 7 + 3 included in WoR: the total shows, Boekel's 3 is masked, and so is Oss's 7, since 10 − 7 would give Boekel's 3 away.
    expect(wor.population.map((p) => [code(p), p.count])).toEqual([['referred', 12], ['included', 10], ['completed', 0]])
    for (const municipality of ['Boekel', 'Oss']) {
      const included = countOf(stratum(wor, 'gemeente', municipality).population, 'included')
      expect(included.count, municipality).toBeUndefined()
      expect(included.extension).toEqual([{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'masked' }])
    }
    // One referrer type holds them all: the same as the total, shown.
    expect(countOf(stratum(wor, 'verwijzer', 'huisarts').population, 'included').count).toBe(10)
    // Nothing under five survives anywhere in the report, not even as what the shown strata leave of a total.
    const counts = JSON.stringify(report).match(/"count":\s*\d+/g)!.map((m) => Number(m.split(':')[1]))
    expect(counts.filter((n) => n > 0 && n < 5)).toEqual([])
    expect(smallRemainders(report)).toEqual([])
  })

  it('carries the steering measures: a group per measure, a population per bucket, strata per intervention, municipality, referrer and age band, summed over organisations and masked the same way', async () => {
    const programme = await filled()
    const report = (await (await programme.agent.call('GET', '/api/kpi/measure-report?period=2026-H1')).json()) as MeasureReport
    expect(validate(report), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true)
    const measures = report.group.slice(4)
    expect(measures.map(code)).toEqual([...MEASURE_IDS])
    expect(measures.every((g) => g.code.coding[0]!.system === 'https://samenwerkwijze.example.org/fhir/CodeSystem/stuurmaat')).toBe(true)
    const byId = (id: string) => measures.find((g) => code(g) === id)!

    // First contact: 6 + 2 (two organisations, one cell) + 3 + 7 within 14 days, 5 later.
    const first = byId('first-contact')
    expect(first.population.map((p) => [code(p), p.count])).toEqual([['within-14-days', 18], ['later', 5]])
    expect(first.stratifier.map(code)).toEqual(['interventie', 'gemeente', 'verwijzer', 'leeftijd'])
    // Oss holds 8 and Boekel's 3 is masked; Meierijstad's 7 would give it away (18 − 8 − 7 = 3): the smallest shown stratum goes too.
    const places = ['Oss', 'Boekel', 'Meierijstad'].map((m) => countOf(stratum(first, 'gemeente', m).population, 'within-14-days'))
    expect(places.map((p) => p.count)).toEqual([8, undefined, undefined])
    expect(places[1]!.extension?.[0]?.valueCode).toBe('masked')
    // The same by age band: 18-30 (8) shows, 31-64 (3) and 65-plus (7) do not.
    const ages = ['18-30', '31-64', '65-plus'].map((a) => countOf(stratum(first, 'leeftijd', a).population, 'within-14-days').count)
    expect(ages).toEqual([8, undefined, undefined])
    // A stratum holding no case of a bucket shows a zero: no small cell.
    expect(countOf(stratum(first, 'leeftijd', '18-30').population, 'later').count).toBe(0)

    // Fidelity lists only the steps and states the period has; the one missed essential is masked.
    const fidelity = byId('fidelity')
    expect(fidelity.population.map((p) => [code(p), p.count])).toEqual([['wor-intake:met', 8], ['wor-intake:missed', undefined]])
    expect(byId('domain-change').population.map((p) => [code(p), p.count])).toEqual([['geldzaken:better', 6]])
    // A fixed list shows every bucket, zeros too.
    expect(byId('close-reason').population.find((p) => code(p) === 'doel-bereikt')!.count).toBe(9)
    expect(byId('satisfaction-end').population.map((p) => [code(p), p.count])).toEqual([['0-4', 0], ['5-6', 0], ['7-8', 0], ['9-10', 0]])

    const counts = JSON.stringify(report).match(/"count":\s*\d+/g)!.map((m) => Number(m.split(':')[1]))
    expect(counts.filter((n) => n > 0 && n < 5)).toEqual([])
    expect(smallRemainders(report)).toEqual([])

    // A period no device sent measures for has no measure groups: no zeros nobody counted.
    const later = (await (await programme.agent.call('GET', '/api/kpi/measure-report?period=2026-H2')).json()) as MeasureReport
    expect(validate(later), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true)
    expect(later.group.map(code)).toEqual(['wor', 'vg', 'sa', 'samenwerkwijze'])
  })

  it('the schema catches a broken report', async () => {
    const programme = await filled()
    const report = (await (await programme.agent.call('GET', '/api/kpi/measure-report?period=2026-H1')).json()) as Record<string, unknown>
    expect(validate({ ...report, type: 'overview' })).toBe(false)
    expect(validate({ ...report, group: [{ population: [{ count: 'veel' }] }] })).toBe(false)
    expect((await programme.agent.call('GET', '/api/kpi/measure-report?period=H1')).status).toBe(400)
  })

  it('gives the trend over periods per intervention', async () => {
    const programme = await filled()
    const { rows } = (await (await programme.agent.call('GET', '/api/kpi/trend')).json()) as { rows: { period: string; intervention: string; included: number }[] }
    expect(rows.map((r) => [r.period, r.intervention, r.included])).toEqual([
      ['2026-H1', 'vg', 6],
      ['2026-H1', 'wor', 10],
      ['2026-H2', 'wor', 2],
    ])
  })
})
