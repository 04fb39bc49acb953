/**
 * The steering measures upstream (issue 18; docs/kpi.md): signed with the counts (snapshot v2),
 * replaced whole per counting id and period, bounded per person, summed per organisation for the
 * programme team, and kept with what the device signed as evidence.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest'
import { CaseDb } from '../../src/app/features/cases/caseDb'
import { flushCounts, markPeriodsChanged, type SyncIdentity } from '../../src/app/features/cases/kpiSyncCore'
import { classifyFailure } from '../../src/app/sync/outbox'
import { newCase } from '../../src/shared/cases/v2'
import { caseIndexOf } from '../../src/shared/cases/caseIndex'
import { factsOf } from '../../src/shared/kpi/caseFacts'
import { totalsOf, verifyEvidence, withDigest, type EvidenceFile } from '../../src/shared/kpi/evidence'
import type { Database } from '../../src/server/db/database'
import { signMessage, verifyMessage } from '../../src/shared/crypto/signatures'
import type { MeasureRow } from '../../src/shared/kpi/measures'
import { snapshotMessage } from '../../src/shared/kpi/snapshot'
import { Agent, Clock, signedIn, signInAgain } from './agent'
import { approvedBoundDevice, type TestDevice } from './devices'
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

const json = <T = Record<string, unknown>>(res: Response) => res.json() as Promise<T>
const countRow = { intervention: 'wor' as const, municipality: 'Oss', referrerType: 'huisarts', referred: 2, included: 1, completed: 0, includedCumulative: 1 }
const m = (measure: MeasureRow['measure'], bucket: string, count: number, over: Partial<MeasureRow> = {}): MeasureRow => ({
  measure,
  bucket,
  intervention: 'wor',
  municipality: 'Oss',
  referrerType: 'huisarts',
  ageBand: '18-30',
  count,
  ...over,
})

interface Snapshot {
  counterId: string
  period: string
  snapshotVersion: number
  rows: (typeof countRow)[]
  measures?: MeasureRow[]
}
async function signed(device: TestDevice, s: Snapshot) {
  return { ...s, signature: await signMessage(device.keys.signing.privateKey, await snapshotMessage({ ...s, organisationId: device.organisationId })) }
}

async function countingWorker(opts: { organisationId?: string; admin?: Agent } = {}) {
  const worker = await signedIn(app, db, clock, 'sociaal-werker', opts.organisationId ? { organisationId: opts.organisationId } : {})
  const admin = opts.admin ?? (await signedIn(app, db, clock, 'beheerder', { organisationId: worker.organisationId })).agent
  const phone = await approvedBoundDevice(worker.agent, admin, worker.organisationId)
  const { counterId } = await json<{ counterId: string }>(await worker.agent.call('POST', '/api/kpi/counters', { organisationId: worker.organisationId }))
  const send = async (snapshotVersion: number, measures: MeasureRow[] | undefined, over: { agent?: Agent; device?: TestDevice; counterId?: string; period?: string } = {}) =>
    (over.agent ?? worker.agent).call(
      'POST',
      '/api/kpi/snapshots',
      await signed(over.device ?? phone, { counterId: over.counterId ?? counterId, period: over.period ?? '2026-H2', snapshotVersion, rows: [countRow], ...(measures ? { measures } : {}) }),
    )
  return { ...worker, admin, phone, counterId, send }
}

type Answer = { rows: (Omit<MeasureRow, 'count'> & { organisationId: string; count: number })[]; contributions: { organisationId: string; organisationName: string; devices: number; corrections: number; lastReceivedAt: string }[] }

describe('steering measures upstream (issue 18)', () => {
  it('stores the measures with the counts, replaces them whole with a newer snapshot, and sums them per organisation', async () => {
    const a = await countingWorker()
    const a2 = await countingWorker({ organisationId: a.organisationId, admin: a.admin })
    const b = await countingWorker()
    const programme = (await signedIn(app, db, clock, 'programma')).agent
    const read = async () => json<Answer>(await programme.call('GET', '/api/kpi/measures?period=2026-H2'))

    expect((await a.send(1, [m('first-contact', 'within-14-days', 3), m('first-contact', 'later', 1), m('satisfaction-end', '7-8', 2)])).status).toBe(200)
    expect((await a2.send(1, [m('first-contact', 'within-14-days', 2)])).status).toBe(200)
    expect((await b.send(1, [m('first-contact', 'within-14-days', 5), m('fidelity', 'kennismaken:met', 7, { intervention: 'samenwerkwijze' })])).status).toBe(200)
    // A resend changes nothing.
    expect(await json(await a.send(1, [m('first-contact', 'within-14-days', 3), m('first-contact', 'later', 1), m('satisfaction-end', '7-8', 2)]))).toEqual({ status: 'unchanged' })

    const first = await read()
    const cell = (measure: string, bucket: string, organisationId: string) => first.rows.find((r) => r.measure === measure && r.bucket === bucket && r.organisationId === organisationId)?.count
    expect(cell('first-contact', 'within-14-days', a.organisationId)).toBe(5)
    expect(cell('first-contact', 'within-14-days', b.organisationId)).toBe(5)
    expect(cell('first-contact', 'later', a.organisationId)).toBe(1)
    expect(cell('fidelity', 'kennismaken:met', b.organisationId)).toBe(7)
    expect(first.contributions.map((c) => [c.organisationId, c.devices, c.corrections])).toEqual(
      expect.arrayContaining([
        [a.organisationId, 2, 0],
        [b.organisationId, 1, 0],
      ]),
    )

    // A's newer snapshot no longer has "later" nor the satisfaction: those cells go.
    expect((await a.send(2, [m('first-contact', 'within-14-days', 4)])).status).toBe(200)
    const second = await read()
    expect(second.rows.filter((r) => r.organisationId === a.organisationId).map((r) => [r.measure, r.bucket, r.count])).toEqual([['first-contact', 'within-14-days', 6]])
    // An app from before the measures sends none: its counting id then holds none for the period.
    expect((await a2.send(2, undefined)).status).toBe(200)
    expect((await read()).rows.filter((r) => r.organisationId === a.organisationId).map((r) => r.count)).toEqual([4])
  })

  it('refuses measures changed or taken off after signing (the signature covers them)', async () => {
    const w = await countingWorker()
    const good = await signed(w.phone, { counterId: w.counterId, period: '2026-H2', snapshotVersion: 1, rows: [countRow], measures: [m('gp-feedback', 'given', 2), m('gp-feedback', 'not-given', 9)] })
    // The attack: a relay (or the app's own bug) that lowers a figure, or strips the measures.
    const lowered = { ...good, measures: [m('gp-feedback', 'given', 2), m('gp-feedback', 'not-given', 1)] }
    const stripped: Partial<typeof good> = { ...good }
    delete stripped.measures
    for (const forged of [lowered, stripped]) {
      const res = await w.agent.call('POST', '/api/kpi/snapshots', forged)
      expect([res.status, (await json(res)).code]).toEqual([403, 'bad-signature'])
    }
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM kpi_measures')).rows[0]!.n).toBe(0)
    expect((await w.agent.call('POST', '/api/kpi/snapshots', good)).status).toBe(200)
  })

  it('refuses a bucket that is not its measure’s, a cell twice, and anything but counts', async () => {
    const w = await countingWorker()
    for (const bad of [
      [m('first-contact', 'given', 1)],
      [m('fidelity', 'Kennismaken:met', 1)],
      [m('domain-change', 'wonen:much-better', 1)],
      [m('plan', 'with-plan', 1), m('plan', 'with-plan', 2)],
      [{ ...m('plan', 'with-plan', 1), caseId: '5b2d6c3e-1f4a-4b5c-8d6e-7f8091a2b3c4' }],
      [m('plan', 'with-plan', 0)],
    ]) {
      expect((await w.send(1, bad as MeasureRow[])).status).toBe(400)
    }
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM kpi_snapshots')).rows[0]!.n).toBe(0)
  })

  it('holds the person’s half-year bound for measures across their phones', async () => {
    const w = await countingWorker()
    // More in one cell than one worker reaches in a half-year.
    const cell = await w.send(1, [m('plan', 'with-plan', 251)])
    expect([cell.status, (await json(cell)).code]).toEqual([422, 'implausible-counts'])
    // 500 plans on the first phone are possible; 1 more on the second is not.
    const full = ['Oss', 'Maashorst'].map((municipality) => m('plan', 'with-plan', 250, { municipality: municipality as MeasureRow['municipality'] }))
    expect((await w.send(2, full)).status).toBe(200)
    const secondAgent = await signInAgain(app, clock, w)
    const second = await approvedBoundDevice(secondAgent, w.admin, w.organisationId, 'Tweede telefoon')
    const { counterId } = await json<{ counterId: string }>(await secondAgent.call('POST', '/api/kpi/counters', { organisationId: w.organisationId }))
    const over = await w.send(1, [m('plan', 'without-plan', 1, { municipality: 'Boekel' })], { agent: secondAgent, device: second, counterId })
    expect([over.status, (await json(over)).code]).toEqual([422, 'implausible-counts'])
    // Another measure has its own bound.
    expect((await w.send(2, [m('evaluation', 'on-time', 3)], { agent: secondAgent, device: second, counterId })).status).toBe(200)
  })

  it('takes a busy worker’s snapshot of thousands of measure rows, above the general body limit', async () => {
    const w = await countingWorker()
    // 3,000 distinct cells: every age band and municipality for many fidelity steps — some 500 KB.
    const municipalities = ['Oss', 'Maashorst', 'Meierijstad', 'Bernheze', 'Boekel'] as const
    const ageBands = ['tot-18', '18-30', '31-64', '65-plus', 'onbekend'] as const
    const many: MeasureRow[] = []
    for (let step = 0; many.length < 3_000; step++) {
      for (const municipality of municipalities) for (const ageBand of ageBands) many.push(m('fidelity', `stap-${step}:met`, 1, { municipality, ageBand }))
    }
    const body = await signed(w.phone, { counterId: w.counterId, period: '2026-H2', snapshotVersion: 1, rows: [countRow], measures: many.slice(0, 3_000) })
    expect(JSON.stringify(body).length).toBeGreaterThan(64 * 1024)
    const res = await w.agent.call('POST', '/api/kpi/snapshots', body)
    expect(res.status, await res.clone().text()).toBe(200)
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM kpi_measures')).rows[0]!.n).toBe(3_000)
  })

  it('keeps what the device signed, so the signature can be checked again later', async () => {
    const w = await countingWorker()
    const measures = [m('close-reason', 'doel-bereikt', 2, { intervention: 'samenwerkwijze' }), m('support-after', 'eigen-netwerk', 1)]
    expect((await w.send(5, measures)).status).toBe(200)
    const { rows } = await db.query<{ signed: { snapshotVersion: number; rows: (typeof countRow)[]; measures: MeasureRow[]; signature: string; deviceId: string; signingKey: JsonWebKey }; organisation_id: string }>(
      'SELECT signed, organisation_id FROM kpi_snapshots',
    )
    const s = rows[0]!.signed
    expect(s.deviceId).toBe(w.phone.id)
    expect(s.measures).toEqual(measures)
    const message = await snapshotMessage({ counterId: w.counterId, organisationId: rows[0]!.organisation_id, period: '2026-H2', snapshotVersion: s.snapshotVersion, rows: s.rows, measures: s.measures })
    expect(await verifyMessage(s.signingKey, message, s.signature)).toBe(true)
    // A figure changed in the stored evidence no longer verifies.
    const tampered = await snapshotMessage({ counterId: w.counterId, organisationId: rows[0]!.organisation_id, period: '2026-H2', snapshotVersion: s.snapshotVersion, rows: s.rows, measures: [{ ...s.measures[0]!, count: 20 }, s.measures[1]!] })
    expect(await verifyMessage(s.signingKey, tampered, s.signature)).toBe(false)
  })

  it('marks measures for a period that has ended as a correction', async () => {
    const w = await countingWorker()
    expect((await w.send(1, [m('satisfaction-start', '9-10', 1)], { period: '2025-H1' })).status).toBe(200)
    const programme = (await signedIn(app, db, clock, 'programma')).agent
    const answer = await json<Answer>(await programme.call('GET', '/api/kpi/measures?period=2025-H1'))
    expect(answer.contributions.map((c) => [c.devices, c.corrections])).toEqual([[1, 1]])
  })
})

describe('the phone sends its measures (kpiSyncCore.ts, issue 18)', () => {
  it('builds, signs and sends the measures of its cases with the counts; the programme team reads them', async () => {
    const w = await countingWorker()
    const c = newCase(crypto.randomUUID(), 'wor', new Date('2026-08-03T09:00:00Z'))
    c.resident = { name: 'Hendrika van Dinther', birthYear: 1950, municipality: 'Bernheze', contact: '' }
    c.referral = { date: '2026-08-03', referrerType: 'praktijkondersteuner' }
    c.wor = { matchedServiceIds: [], firstContactDate: '2026-08-10', intakeDate: '2026-08-12', feedbackDate: '2026-08-20' }
    const phoneDb = new CaseDb(`kpi-measures-${crypto.randomUUID()}`)
    onTestFinished(() => phoneDb.close())
    await phoneDb.transaction('rw', phoneDb.outbox, () => markPeriodsChanged(phoneDb.outbox, ['2026-H2']))
    let version = 0
    const identity: SyncIdentity = {
      counterId: w.counterId,
      organisationId: w.organisationId,
      nextVersion: () => (version = Math.max(version + 1, Date.now())),
      raiseVersion: (v) => (version = Math.max(version, v)),
      sign: (message) => signMessage(w.phone.keys.signing.privateKey, message),
    }
    const post = async (snapshot: unknown) => {
      const res = await w.agent.call('POST', '/api/kpi/snapshots', snapshot)
      if (!res.ok) throw Object.assign(new Error(String(res.status)), { status: res.status })
      return res.json()
    }
    const result = await flushCounts(phoneDb.outbox, async () => [caseIndexOf(c)], identity, post, classifyFailure, Date.now, { facts: async () => [factsOf(c, undefined)], today: () => '2026-09-01' })
    expect(result.sent).toBe(1)
    const programme = (await signedIn(app, db, clock, 'programma')).agent
    const { rows } = await json<Answer>(await programme.call('GET', '/api/kpi/measures?period=2026-H2'))
    const got = rows.map((r) => `${r.measure} ${r.bucket} ${r.municipality} ${r.referrerType} ${r.ageBand} ${r.count}`)
    expect(got).toEqual(
      expect.arrayContaining([
        'first-contact within-14-days Bernheze praktijkondersteuner 65-plus 1',
        'gp-feedback given Bernheze praktijkondersteuner 65-plus 1',
        'referral-to-intake 2-weeks Bernheze praktijkondersteuner 65-plus 1',
      ]),
    )
    // Only anonymous counts arrived: nothing of the resident.
    const stored = JSON.stringify((await db.query('SELECT * FROM kpi_snapshots')).rows) + JSON.stringify((await db.query('SELECT * FROM kpi_measures')).rows)
    expect(stored).not.toMatch(/Hendrika|1950|2026-08-1/)
  })
})

describe('the evidence file (bewijslast, issue 18 point 5)', () => {
  /** The documented command, run as a financier would run it: its exit code and what it printed. */
  const verifyCommand = (file: unknown, ...args: string[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'swz-evidence-'))
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
    const path = join(dir, 'bewijslast.json')
    writeFileSync(path, JSON.stringify(file))
    try {
      return { code: 0, out: execFileSync('npx', ['tsx', 'src/server/cli/verifyEvidence.ts', path, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) }
    } catch (e) {
      const err = e as { status: number; stdout: string; stderr: string }
      return { code: err.status, out: `${err.stdout}${err.stderr}` }
    }
  }

  it('verifies with the documented command, and fails on a tampered file', async () => {
    const a = await countingWorker()
    const b = await countingWorker()
    expect((await a.send(1, [m('plan', 'with-plan', 3), m('plan', 'without-plan', 1)])).status).toBe(200)
    expect((await b.send(1, [m('plan', 'with-plan', 2)])).status).toBe(200)
    const programme = (await signedIn(app, db, clock, 'programma')).agent
    const res = await programme.call('GET', '/api/kpi/evidence?period=2026-H2')
    expect(res.headers.get('content-disposition')).toContain('bewijslast-2026-H2.json')
    const file = (await res.json()) as EvidenceFile
    expect(file.snapshots).toHaveLength(2)
    expect(file.totals.measures.map((x) => [x.bucket, x.count])).toEqual([
      ['with-plan', 5],
      ['without-plan', 1],
    ])
    // Counts only: no names of people in the file.
    expect(JSON.stringify(file)).not.toMatch(/Test sociaal-werker/)

    const good = verifyCommand(file)
    expect(good.code, good.out).toBe(0)
    expect(good.out).toMatch(/OK: 2 signed snapshots/)
    const check = await verifyEvidence(file)
    expect(check.organisations.map((o) => o.fingerprint)).not.toContain(null)

    // The attack: a higher figure in one snapshot, the totals and the digest made to match it.
    const raised = structuredClone(file)
    raised.snapshots[0]!.measures = raised.snapshots[0]!.measures!.map((x) => ({ ...x, count: x.count + 10 }))
    const content: Omit<EvidenceFile, 'digest'> & { digest?: string } = { ...raised }
    delete content.digest
    const recomputed = await withDigest({ ...content, totals: totalsOf([...content.snapshots, ...content.unsigned]) })
    const forged = verifyCommand(recomputed)
    expect(forged.code).toBe(1)
    expect(forged.out).toMatch(/signature does not match/)
    // Totals changed alone, or the digest: refused too.
    const totalsOnly = structuredClone(file)
    totalsOnly.totals.measures[0]!.count += 1
    expect((await verifyEvidence(totalsOnly)).problems.join(' ')).toMatch(/digest does not match/)
    expect((await verifyEvidence(await withDigest({ ...content, snapshots: file.snapshots, totals: totalsOnly.totals }))).problems).toEqual(['The totals are not the sum of the snapshots.'])
    // The certificate is the one the device had when it counted: a re-approval or a deleted device later changes nothing.
    await db.query('UPDATE devices SET certificate = NULL WHERE id = $1', [a.phone.id])
    const later = (await (await programme.call('GET', '/api/kpi/evidence?period=2026-H2')).json()) as EvidenceFile
    expect((await verifyEvidence(later)).problems).toEqual([])
    // A key fingerprint other than the one the organisation confirmed.
    const wrongPin = await verifyEvidence(file, { [a.organisationId]: '00000 00000 00000 00000 00000 00000' })
    expect(wrongPin.ok).toBe(false)
  })
})
