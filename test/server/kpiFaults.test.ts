/**
 * The fault test of issue 6, made able to fail (issue 13): 10,000 sync attempts from devices that
 * keep changing their cases, through a network that drops requests, loses answers, delivers twice,
 * holds messages back and delivers them late and out of order, and a gateway that turns requests
 * away with 5xx, while the server restarts with requests under way. Afterwards the server's totals
 * equal a count made without the app's code (kpiFaults/reference.ts), exactly: the inclusion counts
 * and, since issue 18, the steering measures the snapshots carry beside them (signed as v2), per
 * organisation.
 *
 * The devices run the app's own sync code: each is an approved phone with its session bound to it,
 * asks the server for its counting id through the same bad network (ensureCounter), and signs every
 * snapshot (issue 11). Each phone's outbox is the app's own (src/app/sync/outbox.ts over a Dexie
 * database in fake-indexeddb), filled and flushed by the app's own KPI code (kpiSyncCore.ts); the
 * failures reach it as the app's API client throws them, and the app's own classifier (kpiSync.ts
 * `classify`) and back-off (src/app/sync/backoff.ts) decide what happens, against a phone clock that
 * moves on between rounds. Only the cases themselves, and each case's facts for the measures
 * beside it, are kept in memory; the measures are counted from the facts by the app's own code.
 */
import 'fake-indexeddb/auto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { periodMeasures, periodTotals } from '../../src/server/kpi/ingest'
import { ensureCounter, flushCounts } from '../../src/app/features/cases/kpiSyncCore'
import { classify } from '../../src/app/features/cases/kpiSync'
import { MAX_DELAY_MS } from '../../src/app/sync/backoff'
import { today } from '../../src/app/core/clock'
import type { CountSnapshot, SnapshotAnswer } from '../../src/shared/kpi/snapshot'
import type { DatabaseTarget } from '../../src/server/db/database'
import { Agent, Clock, PASSWORD, signedIn } from './agent'
import { counterAt, totpAt } from '../../src/server/auth/totp'
import { approvedBoundDevice } from './devices'
import { migratedPglite, TEST_DATABASE_URL } from './helpers'
import { Device, rng } from './kpiFaults/device'
import { FlakyNetwork } from './kpiFaults/network'
import { halfYearsBetween, measureKeyOf, referenceMeasures, referenceTotals, type ReferenceMeasureRow, type ReferenceRow } from './kpiFaults/reference'
import { RestartingServer } from './kpiFaults/server'

/**
 * 10,000 on PGlite, the run that proves the property; the PostgreSQL pass repeats the same test at a
 * quarter of the attempts (still with restarts, every fault kind and the exact totals) to check the
 * same SQL on the other database within the CI budget.
 */
const ATTEMPTS = TEST_DATABASE_URL ? 2_500 : 10_000
const RESTART_EVERY = TEST_DATABASE_URL ? 500 : 1_000
/** How far the phones' clock moves on between two rounds (the first back-off is 30–60 s). */
const ROUND_SECONDS = 60

const cellKey = (r: ReferenceRow) => `${r.intervention}|${r.municipality}|${r.referrerType}`
const byCell = (a: ReferenceRow, b: ReferenceRow) => (cellKey(a) < cellKey(b) ? -1 : cellKey(a) > cellKey(b) ? 1 : 0)
const byMeasureKey = (a: ReferenceMeasureRow, b: ReferenceMeasureRow) => (measureKeyOf(a) < measureKeyOf(b) ? -1 : measureKeyOf(a) > measureKeyOf(b) ? 1 : 0)

describe.sequential('count sync under faults', () => {
  /** Faults and restarts draw from one stream; the work done on the phones from its own, so what the cases reach does not shift with the timing of requests. */
  const random = rng(20261122)
  const work = rng(20261201)
  const clock = new Clock()
  /** The phones' clock: the outbox's back-off waits are measured against it, and it moves on instead of anyone sleeping. */
  const phoneClock = new Clock()
  const devices: Device[] = []
  let dir = ''
  let target: DatabaseTarget
  const server = new RestartingServer(() => target, clock, random)
  const network = new FlakyNetwork(server, random, RESTART_EVERY)
  /** Back-off seen in the outboxes before each flush: items left waiting because their time had not come, and items tried again after it. */
  const backoff = { waited: 0, retried: 0 }
  beforeAll(async () => {
    if (TEST_DATABASE_URL) target = { kind: 'postgres', url: TEST_DATABASE_URL, schema: `t_${randomUUID().replace(/-/g, '').slice(0, 16)}` }
    else {
      dir = mkdtempSync(join(tmpdir(), 'swz-faults-'))
      // The compiled PGlite and its migrated image (test/server/helpers.ts): a restart costs an open, not a compile and a migration.
      const { options, image } = await migratedPglite()
      target = { kind: 'pglite', dataDir: dir, loadDataDir: image, options }
      await server.start()
      target = { kind: 'pglite', dataDir: dir, options }
      return
    }
    await server.start()
  })
  afterAll(async () => {
    for (const d of devices) d.db.close()
    if (target.kind === 'postgres') await server.db.exec(`DROP SCHEMA ${target.schema} CASCADE`)
    await server.db.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  /** What the server holds for every counting id and period is one whole snapshot a device signed, counts and measures: never half of one. */
  async function expectWholeSnapshots() {
    const { rows } = await server.db.query<{ counter_id: string; period: string; snapshot_version: string | number; rows: CountSnapshot['rows'] | null; measures: ReferenceMeasureRow[] | null }>(
      `SELECT s.counter_id, s.period, s.snapshot_version,
              (SELECT json_agg(json_build_object('intervention', c.intervention, 'municipality', c.municipality, 'referrerType', c.referrer_type, 'referred', c.referred,
                                                 'included', c.included, 'completed', c.completed, 'includedCumulative', c.included_cumulative))
               FROM kpi_counts c WHERE c.counter_id = s.counter_id AND c.period = s.period) AS rows,
              (SELECT json_agg(json_build_object('measure', m.measure, 'bucket', m.bucket, 'intervention', m.intervention, 'municipality', m.municipality,
                                                 'referrerType', m.referrer_type, 'ageBand', m.age_band, 'count', m.count))
               FROM kpi_measures m WHERE m.counter_id = s.counter_id AND m.period = s.period) AS measures
       FROM kpi_snapshots s`,
    )
    expect(rows.length).toBeGreaterThan(0)
    for (const r of rows) {
      const signed = network.sent.get(`${r.counter_id}|${r.period}|${Number(r.snapshot_version)}`)
      expect(signed, `stored version ${r.snapshot_version} of ${r.period} was never sent`).toBeDefined()
      expect([...(r.rows ?? [])].sort(byCell), `the counts stored with version ${r.snapshot_version} of ${r.period}`).toEqual([...signed!.rows].sort(byCell))
      // Every phone here sends measures (snapshot v2), an empty list included.
      expect(signed!.measures, `version ${r.snapshot_version} of ${r.period} went without measures`).toBeDefined()
      expect([...(r.measures ?? [])].sort(byMeasureKey), `the measures stored with version ${r.snapshot_version} of ${r.period}`).toEqual([...signed!.measures!].sort(byMeasureKey))
    }
  }

  it('ends with the server totals equal to an independent count of the devices’ cases: nothing lost, nothing counted twice', async () => {
    // Four social workers with three approved phones each; every phone has its own session bound to it.
    for (let w = 0; w < 4; w++) {
      const worker = await signedIn(server, server.db, clock, 'sociaal-werker')
      const admin = await signedIn(server, server.db, clock, 'beheerder', { organisationId: worker.organisationId })
      for (let d = 0; d < 3; d++) {
        let agent = worker.agent
        if (d > 0) {
          agent = new Agent(server)
          const res = await agent.call('POST', '/api/auth/sign-in', { email: worker.email, password: PASSWORD })
          agent.csrf = ((await res.json()) as { csrfToken: string }).csrfToken
          clock.advance(30)
          expect((await agent.call('POST', '/api/auth/totp', { code: totpAt(worker.secret, counterAt(clock.now())) })).status).toBe(200)
        }
        devices.push(new Device(agent, worker.organisationId, await approvedBoundDevice(agent, admin.agent, worker.organisationId, `Telefoon ${d}`), rng(20261201 + devices.length + 1)))
      }
    }

    const round = async (send: (d: Device) => (s: CountSnapshot) => Promise<SnapshotAnswer>, flaky: boolean) => {
      await Promise.all(
        devices.map(async (d) => {
          let counterId: string
          try {
            counterId = await ensureCounter(d.store(), network.counters(d, flaky), { id: d.phone.id, organisationId: d.organisationId }, (v) => d.raiseVersion(v))
          } catch (e) {
            // As syncCounts does: no counting id this time, the outbox waits. A refusal would be a bug here.
            expect(classify(e).kind, String(e)).not.toBe('refused')
            return
          }
          for (const item of await d.db.outbox.toArray()) if (item.attempts > 0) backoff[item.nextAttemptAt > phoneClock.now() ? 'waited' : 'retried']++
          // The facts as the app reads them with the cases (CaseStore.countingFacts), counted against the region's date.
          const measures = { facts: async () => [...d.facts.values()], today }
          await flushCounts(d.db.outbox, async () => [...d.cases.values()], d.identity(counterId), send(d), classify, phoneClock.now, measures)
        }),
      )
      // A restart begun in this round is over before anything else looks at the server.
      await server.settled()
    }

    let checkedRestarts = 0
    while (network.attempts < ATTEMPTS) {
      for (const d of devices) if (work() < 0.5) await d.change()
      await round((d) => network.send(d), true)
      if (random() < 0.3) await network.releaseSome(false)
      phoneClock.advance(ROUND_SECONDS)
      // Right after a restart with requests under way, every stored snapshot is whole.
      if (server.restarts > checkedRestarts) {
        checkedRestarts = server.restarts
        await expectWholeSnapshots()
      }
    }
    // The network heals: everything held back arrives, every back-off runs out, and the devices sync until nothing waits.
    await network.releaseSome(true)
    phoneClock.advance(MAX_DELAY_MS / 1000)
    // Last, every device changes a case while its first snapshot of the round is under way: that change must still go out.
    const changedInFlight = new Set<Device>()
    await round(
      (d) => async (s) => {
        if (!changedInFlight.has(d)) {
          changedInFlight.add(d)
          await d.change()
        }
        return network.deliver(d, s)
      },
      false,
    )
    const waiting = async () => Promise.all(devices.map((d) => d.waiting()))
    for (let i = 0; i < 10 && (await waiting()).some((n) => n > 0); i++) {
      phoneClock.advance(MAX_DELAY_MS / 1000)
      await round((d) => (s) => network.deliver(d, s), false)
    }
    expect(await waiting(), 'periods still waiting in the outboxes').toEqual(devices.map(() => 0))

    // The server's totals equal the reference count, in every half-year from the first case date to today's.
    const cases = devices.flatMap((d) => [...d.cases.values()])
    const days = cases.flatMap((c) => [c.referredAt, c.includedAt, c.completedAt, c.firstContactAt, c.intakeAt, c.closedAt].filter((x): x is string => x !== undefined)).sort()
    const periods = halfYearsBetween(days[0]!, [days.at(-1)!, today()].sort().at(-1)!)
    const { rows: held } = await server.db.query<{ period: string }>('SELECT DISTINCT period FROM kpi_counts UNION SELECT DISTINCT period FROM kpi_measures')
    expect(periods).toEqual(expect.arrayContaining(held.map((r) => r.period)))
    for (const period of periods) {
      const expected = referenceTotals(cases, period)
      expect(expected.length, `${period} has figures`).toBeGreaterThan(0)
      expect([...(await periodTotals(server.db, period))].sort(byCell), period).toEqual(expected)
    }
    // And the steering measures, per organisation (each worker's three phones are one organisation's).
    const organisations = [...new Set(devices.map((d) => d.organisationId))]
    const seen = new Map<string, number>()
    for (const period of periods) {
      const stored = await periodMeasures(server.db, period)
      for (const organisationId of organisations) {
        const expected = referenceMeasures(devices.filter((d) => d.organisationId === organisationId).flatMap((d) => [...d.cases.values()]), period)
        const actual = stored.filter((r) => r.organisationId === organisationId).map(({ organisationId: _, ...r }) => r)
        expect(actual.sort(byMeasureKey), `the measures of ${period} for one organisation`).toEqual(expected)
        for (const r of expected) seen.set(`${r.measure}|${r.bucket}`, (seen.get(`${r.measure}|${r.bucket}`) ?? 0) + r.count)
      }
    }
    // Every measure the cases reach, on both sides of each bucket's edge, was there to count several times (10 on PGlite, 2.5 on PostgreSQL's shorter run).
    const buckets = ['first-contact|within-14-days', 'first-contact|later', 'gp-feedback|given', 'gp-feedback|not-given', 'referral-to-intake|1-week', 'referral-to-intake|2-weeks', 'referral-to-intake|4-weeks', 'referral-to-intake|longer', 'plan|with-plan', 'plan|without-plan', 'close-reason|onbekend', 'close-reason|doel-bereikt']
    if (process.env.KPI_FAULTS_COVERAGE) console.log(Object.fromEntries(buckets.map((b) => [b, seen.get(b) ?? 0])))
    for (const b of buckets) expect(seen.get(b) ?? 0, b).toBeGreaterThanOrEqual(ATTEMPTS / 1_000)
    await expectWholeSnapshots()

    // The app's back-off ran: items waited out their time and were tried again after it.
    expect(backoff.waited, 'back-off waits taken').toBeGreaterThan(ATTEMPTS / 200)
    expect(backoff.retried, 'tries after a back-off').toBeGreaterThan(ATTEMPTS / 200)
    // The server restarted with requests under way; some of them lost their connection, some came back answered.
    expect(server.restarts).toBeGreaterThanOrEqual(ATTEMPTS / RESTART_EVERY - 1)
    expect(server.inFlightAtRestart.reduce((a, b) => a + b, 0), 'requests under way at restarts').toBeGreaterThan(server.restarts * 2)
    expect(server.overRestart.cut, 'connections cut by a restart').toBeGreaterThan(0)
    expect(server.overRestart.answered, 'requests answered across a restart').toBeGreaterThan(0)
    // The faults really happened, many times each; the server itself refused nothing.
    const { tally } = network
    expect(network.attempts).toBeGreaterThanOrEqual(ATTEMPTS)
    if (process.env.KPI_FAULTS_COVERAGE) console.log({ ...tally, attempts: network.attempts, restarts: server.restarts })
    // Each fault kind is drawn for at least 4% of the attempts, but the three that happen after delivery (lost answer,
    // gateway timeout, delivered twice) count only when the delivery itself got through a restart: at 2,500 attempts the
    // rarest (4%) came out between 71 and 100 in runs seen, with a spread of about 10. Two percent is far below any run and still "many times".
    for (const fault of ['dropped', 'heldBack', 'late', 'gateway', 'lostAnswer', 'gatewayTimeout', 'duplicated'] as const) expect(tally[fault], fault).toBeGreaterThan(ATTEMPTS * 0.02)
    expect(tally.changedInFlight).toBeGreaterThan(ATTEMPTS / 100)
    expect(network.refusals).toEqual([])
    // Lost answers to "give me a counting id" happened, and every phone still counts under one id only.
    expect(tally.counterLost).toBeGreaterThan(0)
    const perDevice = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM kpi_counters GROUP BY device_id')
    expect(perDevice.rows.map((r) => r.n)).toEqual(devices.map(() => 1))
  }, 600_000)
})
