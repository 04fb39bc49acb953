/**
 * The accountability periods (issue 18 point 3; src/shared/kpi/accountability.ts): which
 * half-years a period covers, the period a half-year falls in, its name as the programme says it,
 * and the checks on a changed list (in order, no gaps or overlaps, reported after it ends).
 */
import { describe, expect, it } from 'vitest'
import {
  accountabilityName,
  accountabilityPeriodOf,
  DEFAULT_ACCOUNTABILITY_PERIODS as PLAN,
  halfYearsOf,
  periodsBodySchema,
  periodsProblems,
  periodSpan,
  reportingName,
  type AccountabilityPeriod,
} from '../../src/shared/kpi/accountability'

const copy = () => PLAN.map((p) => ({ ...p }))

describe('the periods of the plan', () => {
  it('period 1 is everything up to June 2025, periods 2–5 one half-year each, and the backup moment 2027-H2', () => {
    expect(PLAN.map((p) => [p.id, halfYearsOf(p)])).toEqual([
      ['p1', ['2024-H1', '2024-H2', '2025-H1']],
      ['p2', ['2025-H2']],
      ['p3', ['2026-H1']],
      ['p4', ['2026-H2']],
      ['p5', ['2027-H1']],
      ['backup', ['2027-H2']],
    ])
    expect(PLAN.map((p) => p.reportingMonth)).toEqual(['2025-07', '2026-01', '2026-07', '2027-01', '2027-07', '2028-01'])
    expect(periodsProblems(PLAN)).toEqual([])
  })

  it('puts a half-year in its period, and one outside every period in none', () => {
    expect(accountabilityPeriodOf('2024-H2', PLAN)?.id).toBe('p1')
    expect(accountabilityPeriodOf('2025-H1', PLAN)?.id).toBe('p1')
    expect(accountabilityPeriodOf('2025-H2', PLAN)?.id).toBe('p2')
    expect(accountabilityPeriodOf('2027-H2', PLAN)?.id).toBe('backup')
    expect(accountabilityPeriodOf('2023-H2', PLAN)).toBeUndefined()
    expect(accountabilityPeriodOf('2028-H1', PLAN)).toBeUndefined()
  })

  it('names each period the way the programme says it, never "2026-H2"', () => {
    expect(PLAN.map((p) => accountabilityName(p, PLAN))).toEqual([
      'Periode 1 (t/m juni 2025)',
      'Periode 2 (2e helft 2025)',
      'Periode 3 (1e helft 2026)',
      'Periode 4 (2e helft 2026)',
      'Periode 5 (1e helft 2027)',
      'Backupmoment (2e helft 2027)',
    ])
    expect(accountabilityName(PLAN[0]!, PLAN, 'en')).toBe('Period 1 (up to June 2025)')
    expect(accountabilityName(PLAN[5]!, PLAN, 'en')).toBe('Backup moment (2nd half of 2027)')
    expect(reportingName(PLAN[0]!)).toBe('juli 2025')
    // A run of half-years that is not the first period: its months.
    const yearly: AccountabilityPeriod[] = [PLAN[0]!, { id: 'y', first: '2025-H2', last: '2026-H1', reportingMonth: '2026-07', backup: false }]
    expect(periodSpan(yearly[1]!, yearly)).toBe('juli 2025 t/m juni 2026')
  })
})

describe('a changed list', () => {
  it('is refused with a gap, an overlap, a period reported before it ends, and a backup moment that is not last', () => {
    const gap = copy()
    gap[2] = { ...gap[2]!, first: '2026-H2', last: '2026-H2' }
    expect(periodsProblems(gap)).toEqual(expect.arrayContaining([{ code: 'gap', index: 2, expected: '2026-H1' }]))
    const overlap = copy()
    overlap[1] = { ...overlap[1]!, first: '2025-H1' }
    expect(periodsProblems(overlap)).toContainEqual({ code: 'overlap', index: 1, expected: '2025-H2' })
    const early = copy()
    early[0] = { ...early[0]!, reportingMonth: '2025-06' }
    expect(periodsProblems(early)).toEqual([{ code: 'reporting-early', index: 0, earliest: '2025-07' }])
    const backup = copy()
    backup[2] = { ...backup[2]!, backup: true }
    expect(periodsProblems(backup)).toEqual([{ code: 'backup-not-last', index: 2 }])
    const reversed = copy()
    reversed[0] = { ...reversed[0]!, first: '2025-H2' }
    expect(periodsProblems(reversed)).toContainEqual({ code: 'reversed', index: 0 })
    const twice = copy()
    twice[1] = { ...twice[1]!, id: 'p1' }
    expect(periodsProblems(twice)).toEqual([{ code: 'duplicate-id', index: 1, id: 'p1' }])
    expect(periodsProblems([])).toEqual([{ code: 'empty' }])
  })

  it('is refused by the body schema with the reason at the period it is about', () => {
    const gap = copy()
    gap.splice(2, 1)
    const parsed = periodsBodySchema.safeParse({ periods: gap })
    expect(parsed.success).toBe(false)
    expect(parsed.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['periods.2', 'it leaves a gap: it must start at 2026-H1, right after the period before']])
    expect(periodsBodySchema.safeParse({ periods: [{ ...PLAN[0]!, first: '2024-H3' }] }).success).toBe(false)
    expect(periodsBodySchema.safeParse({ periods: [{ ...PLAN[0]!, id: 'Periode 1' }] }).success).toBe(false)
    expect(periodsBodySchema.safeParse({ periods: PLAN }).success).toBe(true)
  })
})
