/**
 * Phones that update keep what waited: the KPI outbox of cases database version 3 becomes rows of
 * the one outbox (src/app/sync/outbox.ts) in version 4, with its revisions and refusal codes; a
 * referral the server refused before the update is held for the person in referrals version 5.
 */
import 'fake-indexeddb/auto'
import { Dexie } from 'dexie'
import { describe, expect, it } from 'vitest'
import { CaseDb } from '../../src/app/features/cases/caseDb'
import { countsOutbox } from '../../src/app/features/cases/kpiSyncCore'
import { REFERRAL_DB_NAME, referralDb } from '../../src/app/features/referrals/referralDb'

describe('the cases database after the update to the one outbox', () => {
  it('keeps every waiting period, its revision and its refusal, and sends them as before', async () => {
    const name = 'outbox-upgrade-cases'
    const old = new Dexie(name)
    old.version(1).stores({ keys: 'name', cases: 'id, status, pathway, updatedAt, closedAt' })
    old.version(2).stores({ kpiOutbox: 'period' })
    old.version(3).stores({ countedCases: 'id' })
    await old.table('kpiOutbox').bulkPut([
      { period: '2026-H1', attempts: 2, nextAttemptAt: 5, revision: 3, refused: 'implausible-counts' },
      { period: '2026-H2', attempts: 0, nextAttemptAt: 0, revision: 1 },
    ])
    old.close()

    const db = new CaseDb(name)
    const rows = await db.outbox.orderBy('id').toArray()
    expect(rows).toEqual([
      expect.objectContaining({ id: 'kpi-snapshot:2026-H1', kind: 'kpi-snapshot', period: '2026-H1', attempts: 2, nextAttemptAt: 5, revision: 3, problem: { status: 400, code: 'implausible-counts' }, held: false }),
      expect.objectContaining({ id: 'kpi-snapshot:2026-H2', kind: 'kpi-snapshot', period: '2026-H2', attempts: 0, nextAttemptAt: 0, revision: 1 }),
    ])
    expect(db.tables.map((t) => t.name)).not.toContain('kpiOutbox')
    // Both still go out (a refused period retries with back-off, docs/outbox.md).
    const sent: string[] = []
    const identity = { counterId: crypto.randomUUID(), organisationId: crypto.randomUUID(), nextVersion: () => 1, raiseVersion: () => {}, sign: async () => `${'x'.repeat(86)}==` }
    const outbox = countsOutbox(db.outbox, async () => [], identity, async (s) => (sent.push(s.period), { status: 'stored' }), (e) => {
      throw e
    }, () => 10)
    expect(await outbox.flush()).toEqual({ sent: 2 })
    expect(sent).toEqual(['2026-H1', '2026-H2'])
    db.close()
  })
})

describe('the referrals database after the update to the one outbox', () => {
  it('holds a referral refused before the update for the person, and keeps one that waited for a connection', async () => {
    const old = new Dexie(REFERRAL_DB_NAME)
    old.version(1).stores({ outbox: 'id, referralId, createdAt', directory: 'key' })
    old.version(2).stores({ lists: 'key' })
    old.version(3).stores({ keys: 'referralId' })
    old.version(4).stores({ sentTo: 'referralId' })
    await old.table('outbox').bulkPut([
      { id: 'refused', createdAt: '2026-11-01T10:00:00.000Z', attempts: 1, nextAttemptAt: 9, problem: { status: 403, code: 'device-required' } },
      { id: 'changed', createdAt: '2026-11-01T10:00:01.000Z', attempts: 1, nextAttemptAt: 9, problem: { status: 409, code: 'recipients-changed' } },
      { id: 'waiting', createdAt: '2026-11-01T10:00:02.000Z', attempts: 0, nextAttemptAt: 0 },
    ])
    old.close()
    const rows = await referralDb.outbox.orderBy('createdAt').toArray()
    expect(rows.map((r) => [r.id, r.held ?? false, r.revision])).toEqual([
      ['refused', true, 1],
      ['changed', true, 1],
      ['waiting', false, 1],
    ])
    referralDb.close()
  })
})
