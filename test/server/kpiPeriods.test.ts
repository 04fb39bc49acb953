/**
 * Accountability periods and targets per KPI on the server (issue 18 points 3 and 4; docs/kpi.md
 * "Periods and targets"): migration 018 seeds the plan's periods and moves the half-year targets to
 * them; only the region's programme office reads and changes them; a change of the list keeps it in
 * order without gaps or overlaps and never drops a period that has targets; targets are all or
 * nothing and a negative one is refused with its reason.
 */
import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { addMember, createOrganisation } from '../../src/server/auth/accounts'
import { counterAt, totpAt } from '../../src/server/auth/totp'
import { migrationFiles, splitStatements } from '../../src/server/db/migrate'
import type { Database, Queryable } from '../../src/server/db/types'
import { DEFAULT_ACCOUNTABILITY_PERIODS as PLAN, type AccountabilityPeriod } from '../../src/shared/kpi/accountability'
import { Agent, Clock, PASSWORD, regionOrganisation, signedIn } from './agent'
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

const json = <T>(res: Response) => res.json() as Promise<T>
const target = (period: string, intervention: string, value: number | null, kpi = 'included') => ({ period, kpi, intervention, target: value })
const storedTargets = async () => (await db.query('SELECT period_id, kpi, intervention, target FROM kpi_targets ORDER BY period_id, kpi, intervention')).rows
const storedPeriods = async () => (await db.query<{ id: string }>('SELECT id FROM kpi_periods ORDER BY position')).rows.map((r) => r.id)

describe('migration 018', () => {
  it('seeds the periods of the plan', async () => {
    const programme = await signedIn(app, db, clock, 'programma')
    const res = await programme.agent.call('GET', '/api/kpi/periods')
    expect(res.status).toBe(200)
    expect((await json<{ periods: AccountabilityPeriod[] }>(res)).periods).toEqual(PLAN)
  })

  it('moves the targets kept per half-year to the period the half-year falls in, as the KPI "included"', async () => {
    const dir = new URL('../../src/server/db/migrations/', import.meta.url)
    const run = async (tx: Queryable, name: string) => {
      for (const statement of splitStatements(readFileSync(new URL(name, dir), 'utf8'))) await tx.query(statement)
    }
    const rolledBack = new Error('roll back')
    // In a schema of its own, inside one transaction that is rolled back: migrations 001–017, targets as the old dashboard stored them, then 018.
    const seen = await db
      .transaction(async (tx) => {
        await tx.query('CREATE SCHEMA before_018')
        await tx.query('SET LOCAL search_path TO before_018')
        for (const name of migrationFiles().filter((n) => n < '018')) await run(tx, name)
        await tx.query(`INSERT INTO kpi_targets (period, intervention, target) VALUES ('2025-H1', 'wor', 100), ('2025-H1', 'vg', 20), ('2026-H2', 'wor', 120), ('2027-H1', 'sa', 7)`)
        await run(tx, '018_kpi_periods.sql')
        const targets = await tx.query('SELECT period_id, kpi, intervention, target FROM kpi_targets ORDER BY period_id, intervention')
        // The foreign key holds: a target for a period that is not in the list is refused.
        const orphan = await tx.query("INSERT INTO kpi_targets (period_id, kpi, intervention, target) VALUES ('p9', 'included', 'wor', 1)").then(
          () => 'stored',
          () => 'refused',
        )
        throw Object.assign(rolledBack, { seen: { targets: targets.rows, orphan } })
      })
      .catch((e: unknown) => {
        if (e !== rolledBack) throw e
        return (e as Error & { seen: { targets: unknown[]; orphan: string } }).seen
      })
    expect(seen.targets).toEqual([
      { period_id: 'p1', kpi: 'included', intervention: 'vg', target: 20 },
      { period_id: 'p1', kpi: 'included', intervention: 'wor', target: 100 },
      { period_id: 'p4', kpi: 'included', intervention: 'wor', target: 120 },
      { period_id: 'p5', kpi: 'included', intervention: 'sa', target: 7 },
    ])
    expect(seen.orphan).toBe('refused')
  })
})

describe('who may read and change the periods and targets', () => {
  /**
   * A programma membership outside the region, as one from before issue 10 could be: the database
   * refuses to make one now (trigger memberships_region_roles), so it is planted with the
   * triggers asleep, as an old installation might still hold it.
   */
  async function programmaElsewhere() {
    const other = await createOrganisation(db, 'Welzijn Elders', null)
    const email = `programma.elders.${Math.random().toString(36).slice(2, 8)}@example.org`
    const { userId } = await addMember(db, { email, name: 'Programma Elders', password: PASSWORD }, other, 'sociaal-werker', null)
    await db.transaction(async (tx) => {
      await tx.query('SET LOCAL session_replication_role = replica')
      await tx.query("INSERT INTO memberships (user_id, organisation_id, role) VALUES ($1, $2, 'programma')", [userId, other])
    })
    return signInAs(email)
  }

  /** Password, then the authenticator set-up, as signedIn does for a person it makes itself. */
  async function signInAs(email: string) {
    const agent = new Agent(app)
    const res = await agent.call('POST', '/api/auth/sign-in', { email, password: PASSWORD })
    expect(res.status).toBe(200)
    agent.csrf = (await json<{ csrfToken: string }>(res)).csrfToken
    const { secret } = await json<{ secret: string }>(await agent.call('POST', '/api/auth/totp/setup'))
    clock.advance(30)
    expect((await agent.call('POST', '/api/auth/totp/confirm', { code: totpAt(secret, counterAt(clock.now())) })).status).toBe(200)
    return agent
  }

  it("lets the region's programme office in (200), not a programma elsewhere, a social worker or the region's beheerder (403), nor nobody (401)", async () => {
    const region = await regionOrganisation(db)
    const callers: [string, Agent][] = [
      ['programma of the region', (await signedIn(app, db, clock, 'programma', { organisationId: region })).agent],
      ['programma of another organisation', await programmaElsewhere()],
      ['sociaal-werker', (await signedIn(app, db, clock, 'sociaal-werker')).agent],
      ['beheerder of the region', (await signedIn(app, db, clock, 'beheerder', { organisationId: region })).agent],
      ['nobody', new Agent(app)],
    ]
    const requests: [string, string, unknown?][] = [
      ['GET', '/api/kpi/periods'],
      ['PUT', '/api/kpi/periods', { periods: PLAN }],
      ['GET', '/api/kpi/targets'],
      ['PUT', '/api/kpi/targets', { targets: [target('p4', 'wor', 40)] }],
    ]
    const seen: Record<string, Record<string, number>> = {}
    for (const [who, agent] of callers) {
      seen[who] = {}
      for (const [method, path, body] of requests) {
        clock.advance(61)
        seen[who][`${method} ${path}`] = (await agent.call(method, path, body)).status
      }
    }
    const all = (status: number) => Object.fromEntries(requests.map(([m, p]) => [`${m} ${p}`, status]))
    expect(seen).toEqual({
      'programma of the region': all(200),
      'programma of another organisation': all(403),
      'sociaal-werker': all(403),
      'beheerder of the region': all(403),
      nobody: all(401),
    })
    // Only the region's programme office changed anything.
    expect(await storedTargets()).toEqual([{ period_id: 'p4', kpi: 'included', intervention: 'wor', target: 40 }])
  })
})

describe('changing the periods', () => {
  it('takes a list in order without gaps or overlaps, and logs who changed it', async () => {
    const programme = await signedIn(app, db, clock, 'programma')
    // Period 1 split: 2024 on its own, then January–June 2025.
    const changed: AccountabilityPeriod[] = [
      { id: 'p0', first: '2024-H1', last: '2024-H2', reportingMonth: '2025-01', backup: false },
      { ...PLAN[0]!, first: '2025-H1' },
      ...PLAN.slice(1),
    ]
    const res = await programme.agent.call('PUT', '/api/kpi/periods', { periods: changed })
    expect(res.status).toBe(200)
    expect((await json<{ periods: AccountabilityPeriod[] }>(res)).periods).toEqual(changed)
    expect(await storedPeriods()).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'backup'])
    const logged = await db.query<{ action: string; actor_id: string; organisation_id: string }>("SELECT action, actor_id, organisation_id FROM audit_log WHERE entity = 'kpi_periods'")
    expect(logged.rows).toEqual([{ action: 'set-periods', actor_id: programme.userId, organisation_id: programme.organisationId }])
  })

  it('refuses a gap or an overlap, saying where, and changes nothing', async () => {
    const programme = await signedIn(app, db, clock, 'programma')
    const gap = PLAN.filter((p) => p.id !== 'p3')
    const refused = await programme.agent.call('PUT', '/api/kpi/periods', { periods: gap })
    expect(refused.status).toBe(400)
    expect((await json<{ error: string; code: string }>(refused)).error).toBe('Invalid request: periods.2: it leaves a gap: it must start at 2026-H1, right after the period before')
    const overlap = PLAN.map((p) => (p.id === 'p2' ? { ...p, first: '2025-H1' } : p))
    const alsoRefused = await programme.agent.call('PUT', '/api/kpi/periods', { periods: overlap })
    expect((await json<{ error: string }>(alsoRefused)).error).toMatch(/periods\.1: it overlaps the period before: it must start at 2025-H2/)
    expect(await storedPeriods()).toEqual(PLAN.map((p) => p.id))
  })

  it('refuses to drop a period that still has targets (409, naming it), and drops it once they are removed', async () => {
    const programme = await signedIn(app, db, clock, 'programma')
    expect((await programme.agent.call('PUT', '/api/kpi/targets', { targets: [target('backup', 'wor', 10), target('backup', 'wor', 80, 'first-contact')] })).status).toBe(200)
    const withoutBackup = PLAN.filter((p) => !p.backup)
    const refused = await programme.agent.call('PUT', '/api/kpi/periods', { periods: withoutBackup })
    expect(refused.status).toBe(409)
    expect(await json(refused)).toEqual({ code: 'conflict', error: 'These periods still have targets and cannot be removed: backup (2 targets). Remove their targets first.' })
    expect(await storedPeriods()).toContain('backup')
    expect((await programme.agent.call('PUT', '/api/kpi/targets', { targets: [target('backup', 'wor', null), target('backup', 'wor', null, 'first-contact')] })).status).toBe(200)
    expect((await programme.agent.call('PUT', '/api/kpi/periods', { periods: withoutBackup })).status).toBe(200)
    expect(await storedPeriods()).toEqual(['p1', 'p2', 'p3', 'p4', 'p5'])
  })
})

describe('saving targets', () => {
  it('refuses a negative target with its reason, and stores nothing of a batch with one bad target', async () => {
    const programme = await signedIn(app, db, clock, 'programma')
    // The attack of issue 18 point 7 (a negative target was refused without the app saying so): the reason comes back.
    const negative = await programme.agent.call('PUT', '/api/kpi/targets', { targets: [target('p4', 'wor', 40), target('p4', 'vg', -5)] })
    expect(negative.status).toBe(400)
    expect(await json(negative)).toEqual({ code: 'bad-request', error: 'Invalid request: targets.1.target: the target may not be negative' })
    const unknown = await programme.agent.call('PUT', '/api/kpi/targets', { targets: [target('p4', 'wor', 40), target('p9', 'vg', 5)] })
    expect(unknown.status).toBe(400)
    expect((await json<{ error: string }>(unknown)).error).toMatch(/Unknown period: p9/)
    const share = await programme.agent.call('PUT', '/api/kpi/targets', { targets: [target('p4', 'wor', 140, 'first-contact')] })
    expect((await json<{ error: string }>(share)).error).toMatch(/is a percentage: at most 100/)
    expect(await storedTargets()).toEqual([])
  })

  it('sets and removes targets, and says how many', async () => {
    const programme = await signedIn(app, db, clock, 'programma')
    const first = await programme.agent.call('PUT', '/api/kpi/targets', { targets: [target('p4', 'wor', 40), target('p4', 'wor', 90, 'first-contact'), target('p1', 'vg', 12)] })
    expect(await json(first)).toEqual({ ok: true, saved: 3, removed: 0 })
    const second = await programme.agent.call('PUT', '/api/kpi/targets', { targets: [target('p4', 'wor', null), target('p1', 'vg', 15), target('p2', 'sa', null)] })
    expect(await json(second)).toEqual({ ok: true, saved: 1, removed: 1 })
    const { targets } = await json<{ targets: unknown[] }>(await programme.agent.call('GET', '/api/kpi/targets'))
    // In the periods' order, then KPI and intervention.
    expect(targets).toEqual([target('p1', 'vg', 15), target('p4', 'wor', 90, 'first-contact')])
  })
})
