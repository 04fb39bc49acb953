/**
 * The KPI catalogue (issue 18 points 1 and 4; src/shared/kpi/kpis.ts): values per intervention
 * and accountability period from the inclusion totals and the measure rows, the verdict at 75 %
 * of the target, and which targets can be stored.
 */
import { describe, expect, it } from 'vitest'
import { DEFAULT_ACCOUNTABILITY_PERIODS as PLAN } from '../../src/shared/kpi/accountability'
import type { MeasureId } from '../../src/shared/kpi/measures'
import { KPIS, kpiValue, targetProblem, targetsBodySchema, verdictOf, type HalfYearFigures } from '../../src/shared/kpi/kpis'

const [p1, p2] = PLAN as [(typeof PLAN)[number], (typeof PLAN)[number]]
const counts = (intervention: 'wor' | 'vg', referred: number, included: number, completed: number) => ({ intervention, referred, included, completed })
const m = (measure: MeasureId, bucket: string, count: number, intervention: 'wor' | 'vg' = 'wor') => ({ measure, bucket, intervention, count })

const FIGURES: HalfYearFigures[] = [
  { halfYear: '2024-H2', counts: [counts('wor', 4, 3, 1)], measures: [m('first-contact', 'within-14-days', 3), m('first-contact', 'later', 1)] },
  { halfYear: '2025-H1', counts: [counts('wor', 6, 5, 2), counts('wor', 1, 1, 0), counts('vg', 2, 2, 2)], measures: [m('first-contact', 'within-14-days', 4), m('gp-feedback', 'given', 1, 'vg'), m('gp-feedback', 'not-given', 3, 'vg')] },
  // Period 2: never in period 1's figures.
  { halfYear: '2025-H2', counts: [counts('wor', 50, 50, 50)], measures: [m('first-contact', 'later', 50), m('evaluation', 'on-time', 2), m('evaluation', 'late', 1), m('evaluation', 'not-held', 1)] },
]

describe('KPI values per accountability period', () => {
  it('adds the counts of every half-year the period covers, and only those', () => {
    expect(kpiValue('included', 'wor', p1, FIGURES)).toBe(9)
    expect(kpiValue('referred', 'wor', p1, FIGURES)).toBe(11)
    expect(kpiValue('completed', 'vg', p1, FIGURES)).toBe(2)
    expect(kpiValue('included', 'wor', p2, FIGURES)).toBe(50)
    expect(kpiValue('included', 'vg', p2, FIGURES)).toBe(0)
  })

  it('computes the process KPIs as shares of the cases their measure counts', () => {
    // 7 of 8 first contacts within 14 days in period 1; in period 2 none of 50.
    expect(kpiValue('first-contact', 'wor', p1, FIGURES)).toBe(87.5)
    expect(kpiValue('first-contact', 'wor', p2, FIGURES)).toBe(0)
    expect(kpiValue('gp-feedback', 'vg', p1, FIGURES)).toBe(25)
    // Late and not held count against on time.
    expect(kpiValue('evaluation-on-time', 'wor', p2, FIGURES)).toBe(50)
    // No case counted: no value (not 0 %).
    expect(kpiValue('samenwerkplan', 'wor', p1, FIGURES)).toBeUndefined()
  })

  it('has no share without measures from the server, and still counts', () => {
    const none = FIGURES.map((f) => ({ ...f, measures: undefined }))
    expect(kpiValue('first-contact', 'wor', p1, none)).toBeUndefined()
    expect(kpiValue('included', 'wor', p1, none)).toBe(9)
  })

  it('names every KPI in Dutch and English, with ids that are unique', () => {
    expect(new Set(KPIS.map((k) => k.id)).size).toBe(KPIS.length)
    for (const k of KPIS) expect(k.nl && k.en).toBeTruthy()
    expect(KPIS.map((k) => k.nl).join(' ')).not.toMatch(/geïncludeerd/i)
  })
})

describe('the verdict', () => {
  it('is met from 75 % of the target, with the line and the share of the target', () => {
    expect(verdictOf(30, 40)).toEqual({ value: 30, target: 40, line: 30, met: true, ofTarget: 75 })
    expect(verdictOf(29, 40)).toMatchObject({ met: false, line: 30 })
    expect(verdictOf(7, 10)).toMatchObject({ met: false, line: 7.5 })
    expect(verdictOf(undefined, 10)).toMatchObject({ met: undefined, ofTarget: undefined })
  })
})

describe('targets', () => {
  it('refuses a negative, broken, fractional, too large or inapplicable target', () => {
    expect(targetProblem('included', 'wor', -1)).toBe('negative')
    expect(targetProblem('included', 'wor', Number.NaN)).toBe('not-a-number')
    expect(targetProblem('included', 'wor', '40')).toBe('not-a-number')
    expect(targetProblem('included', 'wor', 4.5)).toBe('not-whole')
    expect(targetProblem('included', 'wor', 1_000_001)).toBe('too-large')
    expect(targetProblem('first-contact', 'wor', 101)).toBe('over-100')
    expect(targetProblem('first-contact', 'vg', 90)).toBe('not-applicable')
    expect(targetProblem('included', 'wor', 0)).toBeUndefined()
  })

  it('the PUT body takes numbers and nulls (removals), each key once', () => {
    const ok = targetsBodySchema.safeParse({ targets: [{ period: 'p1', kpi: 'included', intervention: 'wor', target: 40 }, { period: 'p1', kpi: 'included', intervention: 'vg', target: null }] })
    expect(ok.success).toBe(true)
    const negative = targetsBodySchema.safeParse({ targets: [{ period: 'p1', kpi: 'included', intervention: 'wor', target: -5 }] })
    expect(negative.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['targets.0.target', 'the target may not be negative']])
    expect(targetsBodySchema.safeParse({ targets: [{ period: 'p1', kpi: 'included', intervention: 'wor' }] }).success).toBe(false)
    expect(targetsBodySchema.safeParse({ targets: [{ period: 'p1', kpi: 'included', intervention: 'wor', target: '40' }] }).success).toBe(false)
    const twice = { period: 'p1', kpi: 'included', intervention: 'wor', target: 1 }
    expect(targetsBodySchema.safeParse({ targets: [twice, twice] }).success).toBe(false)
    expect(targetsBodySchema.safeParse({ targets: [] }).success).toBe(false)
    expect(targetsBodySchema.safeParse({ targets: [{ ...twice, kpi: 'happiness' }] }).success).toBe(false)
  })
})
