import { readFileSync } from 'node:fs'
import { Ajv } from 'ajv'
import draft6 from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' }
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { MeasureReport } from '../../src/shared/kpi/measureReport'
import { SignInGuard } from '../../src/server/auth/signIn'
import { createApp } from '../../src/server/app'
import type { Database } from '../../src/server/db/database'
import { silentLogger } from '../../src/server/log'
import { Clock, signedIn } from './agent'
import { testDatabase, TEST_SERVER_KEY } from './helpers'

let db: Database
let close: () => Promise<void>
let app: ReturnType<typeof createApp>
const clock = new Clock()

beforeEach(async () => {
  ;({ db, close } = await testDatabase())
  app = createApp(db, { serverKey: TEST_SERVER_KEY, logger: silentLogger(), guard: new SignInGuard(clock.now) })
})
afterEach(async () => {
  await close()
})

const DEVICE = '5b2d6c3e-1f4a-4b5c-8d6e-7f8091a2b3c4'
const row = (included: number) => ({ intervention: 'wor', municipality: 'Oss', referrerType: 'huisarts', referred: included + 1, included, completed: 0, includedCumulative: included })

describe('inclusion counts upstream', () => {
  it('counts a resent snapshot once, lets a newer one replace it, and ignores an older one arriving late', async () => {
    const worker = await signedIn(app, db, clock, 'sociaal-werker')
    const programme = await signedIn(app, db, clock, 'programma')
    const send = (version: number, included: number) => worker.agent.call('POST', '/api/kpi/snapshots', { snapshotVersion: version, deviceId: DEVICE, organisationId: worker.organisationId, period: '2026-H2', rows: [row(included)] })
    const totals = async () => ((await (await programme.agent.call('GET', '/api/kpi/totals?period=2026-H2')).json()) as { rows: { included: number }[] }).rows

    expect(await (await send(1, 3)).json()).toEqual({ status: 'stored' })
    expect(await (await send(1, 3)).json()).toEqual({ status: 'unchanged' })
    expect((await totals())[0]!.included).toBe(3)
    await send(3, 5)
    await send(2, 4)
    expect((await totals())[0]!.included).toBe(5)
  })

  it('adds up the devices of the region', async () => {
    const a = await signedIn(app, db, clock, 'sociaal-werker')
    const b = await signedIn(app, db, clock, 'sociaal-werker')
    const programme = await signedIn(app, db, clock, 'programma')
    await a.agent.call('POST', '/api/kpi/snapshots', { snapshotVersion: 1, deviceId: DEVICE, organisationId: a.organisationId, period: '2026-H2', rows: [row(2)] })
    await b.agent.call('POST', '/api/kpi/snapshots', { snapshotVersion: 1, deviceId: '6c3e7d4f-2a5b-4c6d-9e7f-8091a2b3c4d5', organisationId: b.organisationId, period: '2026-H2', rows: [row(4)] })
    const { rows } = (await (await programme.agent.call('GET', '/api/kpi/totals?period=2026-H2')).json()) as { rows: { included: number; referred: number }[] }
    expect(rows).toEqual([{ intervention: 'wor', municipality: 'Oss', referrerType: 'huisarts', referred: 8, included: 6, completed: 0, includedCumulative: 6 }])
  })

  it('refuses anything but counts, and counts for another organisation', async () => {
    const worker = await signedIn(app, db, clock, 'sociaal-werker')
    const base = { snapshotVersion: 1, deviceId: DEVICE, organisationId: worker.organisationId, period: '2026-H2', rows: [row(1)] }
    expect((await worker.agent.call('POST', '/api/kpi/snapshots', { ...base, residentName: 'Maria' })).status).toBe(400)
    expect((await worker.agent.call('POST', '/api/kpi/snapshots', { ...base, rows: [{ ...row(1), caseId: DEVICE }] })).status).toBe(400)
    expect((await worker.agent.call('POST', '/api/kpi/snapshots', { ...base, organisationId: '7d4f8e5a-3b6c-4d7e-8f9a-0b1c2d3e4f5a' })).status).toBe(403)
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM kpi_counts')).rows[0]!.n).toBe(0)
  })

  it('marks a figure for a period that has ended as a correction', async () => {
    const worker = await signedIn(app, db, clock, 'sociaal-werker')
    await worker.agent.call('POST', '/api/kpi/snapshots', { snapshotVersion: 1, deviceId: DEVICE, organisationId: worker.organisationId, period: '2025-H1', rows: [row(1)] })
    expect((await db.query<{ correction: boolean }>('SELECT correction FROM kpi_snapshots')).rows).toEqual([{ correction: true }])
  })

  it('keeps the programme team\'s targets per intervention and period', async () => {
    const programme = await signedIn(app, db, clock, 'programma')
    expect((await programme.agent.call('PUT', '/api/kpi/targets', { period: '2026-H2', targets: { wor: 120, sa: 30 } })).status).toBe(200)
    expect((await programme.agent.call('PUT', '/api/kpi/targets', { period: '2026-H2', targets: { wor: 150 } })).status).toBe(200)
    expect((await programme.agent.call('PUT', '/api/kpi/targets', { period: '2030-H1', targets: { wor: 1 } })).status).toBe(400)
    const { targets } = (await (await programme.agent.call('GET', '/api/kpi/targets')).json()) as { targets: unknown[] }
    expect(targets).toEqual([
      { period: '2026-H2', intervention: 'sa', target: 30 },
      { period: '2026-H2', intervention: 'wor', target: 150 },
    ])
  })
})

describe('the FHIR MeasureReport and the trend', () => {
  const fhirSchema = JSON.parse(readFileSync(new URL('../fixtures/fhir/fhir-r4-subset.schema.json', import.meta.url), 'utf8')) as object
  const ajv = new Ajv({ strict: false, allErrors: true })
  ajv.addMetaSchema(draft6)
  const validate = ajv.compile(fhirSchema)

  async function filled() {
    const a = await signedIn(app, db, clock, 'sociaal-werker')
    const programme = await signedIn(app, db, clock, 'programma')
    const rows = [
      { ...row(7), municipality: 'Oss' },
      { ...row(3), municipality: 'Boekel' },
      { ...row(6), intervention: 'vg', municipality: 'Bernheze', referrerType: 'praktijkondersteuner' },
    ]
    await a.agent.call('POST', '/api/kpi/snapshots', { snapshotVersion: 1, deviceId: DEVICE, organisationId: a.organisationId, period: '2026-H1', rows })
    await a.agent.call('POST', '/api/kpi/snapshots', { snapshotVersion: 1, deviceId: DEVICE, organisationId: a.organisationId, period: '2026-H2', rows: [row(2)] })
    return programme
  }

  it('is valid FHIR R4: a summary with a group per intervention, three populations, strata per municipality, small cells masked', async () => {
    const programme = await filled()
    const res = await programme.agent.call('GET', '/api/kpi/measure-report?period=2026-H1')
    expect(res.headers.get('Content-Type')).toContain('application/fhir+json')
    const report = (await res.json()) as MeasureReport
    expect(validate(report), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true)
    expect(report).toMatchObject({ resourceType: 'MeasureReport', type: 'summary', status: 'complete', period: { start: '2026-01-01', end: '2026-06-30' } })
    expect(report.group.map((g) => g.code.coding[0]!.code)).toEqual(['wor', 'vg', 'sa', 'samenwerkwijze'])
    const wor = report.group[0]!
    // 7 + 3 included in WoR: the total shows, Boekel's 3 is masked, Oss's 7 shows.
    expect(wor.population.map((p) => [p.code.coding[0]!.code, p.count])).toEqual([['referred', 12], ['included', 10], ['completed', 0]])
    const byMunicipality = wor.stratifier.find((s) => s.code[0]!.coding[0]!.code === 'gemeente')!
    const boekel = byMunicipality.stratum.find((s) => s.value.text === 'Boekel')!.population.find((p) => p.code.coding[0]!.code === 'included')!
    expect(boekel.count).toBeUndefined()
    expect(boekel.extension).toEqual([{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'masked' }])
    expect(byMunicipality.stratum.find((s) => s.value.text === 'Oss')!.population.find((p) => p.code.coding[0]!.code === 'included')!.count).toBe(7)
    // Nothing under five survives anywhere in the report.
    const counts = JSON.stringify(report).match(/"count":\s*\d+/g)!.map((m) => Number(m.split(':')[1]))
    expect(counts.filter((n) => n > 0 && n < 5)).toEqual([])
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
