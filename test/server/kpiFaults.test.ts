/**
 * The fault test of issue 6: 10,000 sync attempts from devices that keep changing their cases,
 * through a network that drops requests, loses answers, delivers twice, holds messages back and
 * delivers them late and out of order, while the server restarts now and then. Afterwards the
 * server's totals equal what the devices hold, exactly. The devices run the app's own sync code:
 * each is an approved phone with its session bound to it, asks the server for its counting id
 * through the same bad network, and signs every snapshot (issue 11). Each phone's outbox is the app's
 * own (src/app/sync/outbox.ts over a Dexie database in fake-indexeddb), filled and flushed by the
 * app's own KPI code (kpiSyncCore.ts); only the cases themselves are kept in memory.
 */
import 'fake-indexeddb/auto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/server/app'
import { SignInGuard } from '../../src/server/auth/signIn'
import { openDatabase, type Database, type DatabaseTarget } from '../../src/server/db/database'
import { silentLogger } from '../../src/server/log'
import { periodTotals } from '../../src/server/kpi/ingest'
import { touchedPeriods } from '../../src/app/features/cases/caseStore'
import { CaseDb } from '../../src/app/features/cases/caseDb'
import { ensureCounter, flushCounts, markPeriodsChanged, type CounterServer, type CounterStore, type SyncIdentity } from '../../src/app/features/cases/kpiSyncCore'
import { signMessage } from '../../src/shared/crypto/signatures'
import { countInclusions, type Countable, type CountRow } from '../../src/shared/kpi/counts'
import { periodOf, type Period } from '../../src/shared/kpi/period'
import type { CountSnapshot } from '../../src/shared/kpi/snapshot'
import { MUNICIPALITIES } from '../../src/shared/socialMap/places'
import { Agent, Clock, PASSWORD, signedIn } from './agent'
import { counterAt, totpAt } from '../../src/server/auth/totp'
import { approvedBoundDevice, type TestDevice } from './devices'
import { TEST_DATABASE_URL, TEST_SERVER_KEY } from './helpers'

const ATTEMPTS = 10_000
const PERIODS: Period[] = ['2025-H2', '2026-H1', '2026-H2']
const DAYS = ['2025-08-14', '2025-11-03', '2026-02-10', '2026-05-27', '2026-07-09', '2026-10-30']

/** A seeded generator, so a failure can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const random = rng(20261122)
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!

class Offline extends Error {}

class Device {
  readonly cases = new Map<number, Countable>()
  /** The phone's database: its outbox table is the one the app sends from. */
  readonly db = new CaseDb(`kpi-faults-${randomUUID()}`)
  private version = 0
  private nextCase = 0
  /** Where the phone keeps its counting id (localStorage in the app). */
  private counter: { counterId: string; deviceId?: string } | null = null
  constructor(readonly agent: Agent, readonly organisationId: string, readonly phone: TestDevice) {}

  /** What a social worker does between syncs: a new case, an intake, a close, a correction. */
  async change() {
    const existing = [...this.cases.keys()]
    const id = existing.length > 0 && random() < 0.6 ? pick(existing) : this.nextCase++
    const before = this.cases.get(id)
    const after: Countable = before ? { ...before } : { pathway: pick(['wor', 'vg', 'sa', 'samenwerkwijze'] as const), municipality: pick(MUNICIPALITIES), referrerType: 'huisarts', referredAt: pick(DAYS) }
    const r = random()
    if (r < 0.4) after.includedAt = pick(DAYS)
    else if (r < 0.6 && after.includedAt) after.completedAt = pick(DAYS.filter((d) => d >= after.includedAt!))
    else if (r < 0.8) after.municipality = pick(MUNICIPALITIES)
    else if (r < 0.9) delete after.includedAt
    this.cases.set(id, after)
    const periods = touchedPeriods(before, after)
    await this.db.transaction('rw', this.db.outbox, () => markPeriodsChanged(this.db.outbox, periods))
  }

  waiting(): Promise<number> {
    return this.db.outbox.count()
  }

  store(): CounterStore {
    return {
      current: () => this.counter,
      pendingMove: () => null,
      bind: (counterId, deviceId) => {
        this.counter = { counterId, deviceId }
      },
      dropPendingMove: () => {},
    }
  }

  raiseVersion(atLeast: number) {
    this.version = Math.max(this.version, atLeast)
  }

  identity(counterId: string): SyncIdentity {
    return {
      counterId,
      organisationId: this.organisationId,
      nextVersion: () => ++this.version,
      raiseVersion: (v) => this.raiseVersion(v),
      sign: (message) => signMessage(this.phone.keys.signing.privateKey, message),
    }
  }
}

describe.sequential('count sync under faults', () => {
  const devices: Device[] = []
  let dir = ''
  let target: DatabaseTarget
  let db: Database
  let app: ReturnType<typeof createApp>
  const clock = new Clock()
  const server = { request: ((...args: Parameters<typeof app.request>) => app.request(...args)) as typeof app.request }

  async function start() {
    db = await openDatabase(target)
    app = createApp(db, { serverKey: TEST_SERVER_KEY, logger: silentLogger(), guard: new SignInGuard(clock.now) })
  }

  beforeAll(async () => {
    if (TEST_DATABASE_URL) target = { kind: 'postgres', url: TEST_DATABASE_URL, schema: `t_${randomUUID().replace(/-/g, '').slice(0, 16)}` }
    else {
      dir = mkdtempSync(join(tmpdir(), 'swz-faults-'))
      target = { kind: 'pglite', dataDir: dir }
    }
    await start()
  })
  afterAll(async () => {
    for (const d of devices) d.db.close()
    if (target.kind === 'postgres') await db.exec(`DROP SCHEMA ${target.schema} CASCADE`)
    await db.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('ends with the server totals equal to what the devices hold: nothing lost, nothing counted twice', async () => {
    // Four social workers with three approved phones each; every phone has its own session bound to it.
    for (let w = 0; w < 4; w++) {
      const worker = await signedIn(server, db, clock, 'sociaal-werker')
      const admin = await signedIn(server, db, clock, 'beheerder', { organisationId: worker.organisationId })
      for (let d = 0; d < 3; d++) {
        let agent = worker.agent
        if (d > 0) {
          agent = new Agent(server)
          const res = await agent.call('POST', '/api/auth/sign-in', { email: worker.email, password: PASSWORD })
          agent.csrf = ((await res.json()) as { csrfToken: string }).csrfToken
          clock.advance(30)
          expect((await agent.call('POST', '/api/auth/totp', { code: totpAt(worker.secret, counterAt(clock.now())) })).status).toBe(200)
        }
        devices.push(new Device(agent, worker.organisationId, await approvedBoundDevice(agent, admin.agent, worker.organisationId, `Telefoon ${d}`)))
      }
    }

    let attempts = 0
    let restarts = 0
    const limbo: { device: Device; snapshot: CountSnapshot }[] = []
    const tally = { dropped: 0, lostAnswer: 0, duplicated: 0, heldBack: 0, late: 0, counterLost: 0 }
    const deliver = async (device: Device, snapshot: CountSnapshot) => {
      const res = await device.agent.call('POST', '/api/kpi/snapshots', snapshot)
      if (res.status !== 200) throw new Error(`server said ${res.status}: ${await res.text()}`)
    }
    const flaky = (device: Device) => async (snapshot: CountSnapshot) => {
      attempts++
      // Sometimes the case changes while the snapshot is on its way.
      if (random() < 0.05) await device.change()
      const r = random()
      if (r < 0.1) {
        tally.dropped++
        throw new Offline()
      }
      if (r < 0.2) {
        tally.heldBack++
        limbo.push({ device, snapshot })
        throw new Offline()
      }
      await deliver(device, snapshot)
      if (r < 0.3) {
        tally.lostAnswer++
        throw new Offline()
      }
      if (r < 0.35) {
        tally.duplicated++
        await deliver(device, snapshot)
      }
    }
    const releaseSome = async (all: boolean) => {
      // Held-back messages arrive late, in shuffled order.
      limbo.sort(() => random() - 0.5)
      const n = all ? limbo.length : Math.floor(random() * limbo.length)
      for (const m of limbo.splice(0, n)) {
        tally.late++
        await deliver(m.device, m.snapshot)
      }
    }
    // Asking for the counting id goes through the same network: dropped, or the answer lost (asked again, the same id comes back).
    const counters = (d: Device, flakyNetwork: boolean): CounterServer => ({
      issue: async (organisationId) => {
        if (flakyNetwork && random() < 0.1) throw new Offline()
        const res = await d.agent.call('POST', '/api/kpi/counters', { organisationId })
        if (res.status !== 200 && res.status !== 201) throw new Error(`server said ${res.status}: ${await res.text()}`)
        if (flakyNetwork && random() < 0.3) {
          tally.counterLost++
          throw new Offline()
        }
        return (await res.json()) as { counterId: string; serverTime: number }
      },
      move: () => Promise.reject(new Error('no phone here restores a backup')),
    })
    const round = (send: (d: Device) => (s: CountSnapshot) => Promise<void>, flakyNetwork = send === flaky) =>
      Promise.all(
        devices.map(async (d) => {
          let counterId: string
          try {
            counterId = await ensureCounter(d.store(), counters(d, flakyNetwork), { id: d.phone.id, organisationId: d.organisationId }, (v) => d.raiseVersion(v))
          } catch (e) {
            if (e instanceof Offline) return
            throw e
          }
          await flushCounts(d.db.outbox, async () => [...d.cases.values()], d.identity(counterId), send(d), () => ({ kind: 'later' }), () => 0)
        }),
      )

    let nextRestart = 1_000
    while (attempts < ATTEMPTS) {
      for (const d of devices) if (random() < 0.5) await d.change()
      await round(flaky)
      if (random() < 0.3) await releaseSome(false)
      if (attempts >= nextRestart) {
        nextRestart += 1_000
        await db.close()
        await start()
        restarts++
      }
    }
    // The network heals: everything held back arrives, and the devices sync until nothing waits.
    await releaseSome(true)
    // Last, every device changes a case while its first snapshot of the round is under way: that change must still go out.
    const changedInFlight = new Set<Device>()
    await round((d) => async (s) => {
      if (!changedInFlight.has(d)) {
        changedInFlight.add(d)
        await d.change()
      }
      await deliver(d, s)
    })
    const waiting = async () => Promise.all(devices.map((d) => d.waiting()))
    for (let i = 0; i < 10 && (await waiting()).some((n) => n > 0); i++) await round((d) => (s) => deliver(d, s))
    expect((await waiting()).every((n) => n === 0)).toBe(true)

    const key = (r: CountRow) => `${r.intervention}|${r.municipality}|${r.referrerType}`
    for (const period of PERIODS) {
      const expected = new Map<string, CountRow>()
      for (const d of devices) {
        for (const r of countInclusions([...d.cases.values()], period)) {
          const sum = expected.get(key(r)) ?? { ...r, referred: 0, included: 0, completed: 0, includedCumulative: 0 }
          expected.set(key(r), { ...sum, referred: sum.referred + r.referred, included: sum.included + r.included, completed: sum.completed + r.completed, includedCumulative: sum.includedCumulative + r.includedCumulative })
        }
      }
      expect(await periodTotals(db, period), period).toEqual([...expected.values()].sort((a, b) => key(a).localeCompare(key(b))))
    }
    // The faults really happened, many times each.
    expect(attempts).toBeGreaterThanOrEqual(ATTEMPTS)
    expect(restarts).toBeGreaterThanOrEqual(9)
    for (const [fault, n] of Object.entries(tally)) if (fault !== 'counterLost') expect(n, fault).toBeGreaterThan(300)
    // Lost answers to "give me a counting id" happened, and every phone still counts under one id only.
    expect(tally.counterLost).toBeGreaterThan(0)
    const perDevice = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM kpi_counters GROUP BY device_id')
    expect(perDevice.rows.map((r) => r.n)).toEqual(devices.map(() => 1))
    expect(DAYS.map(periodOf).every((p) => PERIODS.includes(p))).toBe(true)
  }, 600_000)
})
