import { describe, expect, it } from 'vitest'
import type { CaseIndex } from '../../src/shared/cases/caseIndex'
import { countInclusions, periodsOf, suppress, type CountRow } from '../../src/shared/kpi/counts'
import { periodEnd } from '../../src/shared/kpi/period'
import { periodsBetween } from '../../src/shared/kpi/period'
import { countSnapshotSchema, snapshotMessage } from '../../src/shared/kpi/snapshot'
import { implausibleCounts, MAX_CUMULATIVE_PER_CELL, MAX_PER_CELL, MAX_PER_DEVICE } from '../../src/shared/kpi/plausibility'

let n = 0
const idx = (over: Partial<CaseIndex>): CaseIndex => ({
  id: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  schemaVersion: 1,
  status: 'open',
  currentStep: 'signaleren',
  pathway: 'wor',
  updatedAt: '2026-01-01T00:00:00Z',
  ...over,
})

describe('inclusion counts', () => {
  const cases = [
    idx({ pathway: 'wor', municipality: 'Oss', referrerType: 'huisarts', referredAt: '2026-02-01', includedAt: '2026-02-10' }),
    idx({ pathway: 'wor', municipality: 'Oss', referrerType: 'huisarts', referredAt: '2026-06-20', includedAt: '2026-07-02', completedAt: '2026-09-01' }),
    idx({ pathway: 'wor', municipality: 'Oss', referrerType: 'huisarts', referredAt: '2026-03-01' }),
    idx({ pathway: 'samenwerkwijze', municipality: 'Boekel', referredAt: '2026-08-01', includedAt: '2026-08-15' }),
  ]

  it('counts referred, new inclusions and completions per half-year, and inclusions so far', () => {
    expect(countInclusions(cases, '2026-H1')).toEqual([
      { intervention: 'wor', municipality: 'Oss', referrerType: 'huisarts', referred: 3, included: 1, completed: 0, includedCumulative: 1 },
    ])
    expect(countInclusions(cases, '2026-H2')).toEqual([
      { intervention: 'samenwerkwijze', municipality: 'Boekel', referrerType: 'onbekend', referred: 1, included: 1, completed: 0, includedCumulative: 1 },
      { intervention: 'wor', municipality: 'Oss', referrerType: 'huisarts', referred: 0, included: 1, completed: 1, includedCumulative: 2 },
    ])
  })

  it('knows the periods and their last days', () => {
    expect(periodsOf(cases)).toEqual(['2026-H1', '2026-H2'])
    expect(periodEnd('2026-H1')).toBe('2026-06-30')
    expect(periodEnd('2026-H2')).toBe('2026-12-31')
  })

  it('walks the half-years between two periods', () => {
    expect(periodsBetween('2025-H2', '2027-H1')).toEqual(['2025-H2', '2026-H1', '2026-H2', '2027-H1'])
    expect(periodsBetween('2026-H1', '2026-H1')).toEqual(['2026-H1'])
  })

  it('shows small cells as "<5"', () => {
    expect([0, 1, 4, 5, 12].map(suppress)).toEqual([0, '<5', '<5', 5, 12])
  })
})

describe('the upstream snapshot', () => {
  const snapshot = {
    snapshotVersion: 3,
    counterId: '5b2d6c3e-1f4a-4b5c-8d6e-7f8091a2b3c4',
    period: '2026-H1',
    rows: countInclusions([idx({ pathway: 'vg', municipality: 'Maashorst', referredAt: '2026-01-05' })], '2026-H1'),
    signature: `${'A'.repeat(86)}==`,
  }
  it('accepts counts and refuses anything more, such as a name or a record id', () => {
    expect(countSnapshotSchema.safeParse(snapshot).success).toBe(true)
    expect(snapshot.rows).toHaveLength(1)
    expect(countSnapshotSchema.safeParse({ ...snapshot, residentName: 'Maria' }).success).toBe(false)
    expect(countSnapshotSchema.safeParse({ ...snapshot, rows: [{ intervention: 'wor', municipality: 'Oss', referrerType: 'huisarts', referred: 1, included: 0, completed: 0, includedCumulative: 0, caseId: 'x' }] }).success).toBe(false)
    expect(countSnapshotSchema.safeParse({ ...snapshot, rows: [{ intervention: 'wor', municipality: 'Oss', referrerType: 'huisarts', referred: -1, included: 0, completed: 0, includedCumulative: 0 }] }).success).toBe(false)
    // Unsigned, or naming its own device id as before issue 11: refused.
    expect(countSnapshotSchema.safeParse({ ...snapshot, signature: undefined }).success).toBe(false)
    expect(countSnapshotSchema.safeParse({ ...snapshot, deviceId: snapshot.counterId }).success).toBe(false)
  })

  it('signs the counting id, organisation, period, version and the rows, whatever order their keys came in', async () => {
    const base = { counterId: snapshot.counterId, organisationId: '6c3e7d4f-2a5b-4c6d-9e7f-8091a2b3c4d5', period: '2026-H1', snapshotVersion: 3, rows: snapshot.rows }
    const message = new TextDecoder().decode(await snapshotMessage(base))
    expect(message).toMatch(/^samenwerkwijze\|kpi-snapshot\/v1\|5b2d6c3e-1f4a-4b5c-8d6e-7f8091a2b3c4\|6c3e7d4f-2a5b-4c6d-9e7f-8091a2b3c4d5\|2026-H1\|3\|[0-9a-f]{64}$/)
    const reordered = snapshot.rows.map((r) => Object.fromEntries(Object.entries(r).reverse()) as typeof r)
    expect(new TextDecoder().decode(await snapshotMessage({ ...base, rows: reordered }))).toBe(message)
    for (const change of [{ snapshotVersion: 4 }, { period: '2026-H2' }, { organisationId: snapshot.counterId }, { rows: [{ ...snapshot.rows[0]!, referred: 2 }] }]) {
      expect(new TextDecoder().decode(await snapshotMessage({ ...base, ...change }))).not.toBe(message)
    }
  })
})

describe('plausible counts', () => {
  const cell = (over: Partial<CountRow> = {}): CountRow => ({ intervention: 'wor', municipality: 'Oss', referrerType: 'huisarts', referred: 10, included: 8, completed: 2, includedCumulative: 20, ...over })
  it('lets what a real social worker counts through', () => {
    expect(implausibleCounts([cell(), cell({ municipality: 'Boekel' })])).toBeNull()
    expect(implausibleCounts([cell({ referred: MAX_PER_CELL, included: MAX_PER_CELL, completed: MAX_PER_CELL, includedCumulative: MAX_CUMULATIVE_PER_CELL })])).toBeNull()
  })
  it('refuses a cell, a device or a cumulative figure past its bound, and included above cumulative', () => {
    expect(implausibleCounts([cell({ referred: 1_000_000 })])).toMatch(/referred 1000000 in wor\/Oss\/huisarts/)
    expect(implausibleCounts([cell({ includedCumulative: MAX_CUMULATIVE_PER_CELL + 1 })])).toMatch(/includedCumulative/)
    expect(implausibleCounts([cell({ included: 21 })])).toMatch(/more than includedCumulative/)
    const three = ['Oss', 'Boekel', 'Bernheze'].map((municipality) => cell({ municipality, completed: 200 }))
    expect(implausibleCounts(three)).toMatch(/completed 600 in all cells together .*at most 500/)
    // What the device's other counting ids hold for the period adds up.
    expect(implausibleCounts([cell()], { referred: MAX_PER_DEVICE - 10, included: 0, completed: 0, includedCumulative: 0 })).toBeNull()
    expect(implausibleCounts([cell()], { referred: MAX_PER_DEVICE - 9, included: 0, completed: 0, includedCumulative: 0 })).toMatch(/referred 501/)
  })
})
