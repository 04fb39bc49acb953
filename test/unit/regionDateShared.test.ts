/**
 * The region's date in src/shared (issue 12): at 00:30 in Oss it is already the next day, while
 * the UTC date still says yesterday. 2026-03-14T23:30Z is 2026-03-15 00:30 in Europe/Amsterdam;
 * 2025-12-31T23:30Z is 2026-01-01 00:30, the first day of 2026-H1.
 */
import { describe, expect, it, vi } from 'vitest'
import { localMoment, regionDate } from '../../src/shared/core/clock'
import { measureReport } from '../../src/shared/kpi/measureReport'
import { caseIndexOf } from '../../src/shared/cases/caseIndex'
import { caseMoments } from '../../src/shared/cases/inclusion'
import { newCase } from '../../src/shared/cases/v2'
import { periodOf } from '../../src/shared/kpi/period'
import { referralContentSchema } from '../../src/shared/referrals/referral'

const HALF_PAST_MIDNIGHT = new Date('2026-03-14T23:30:00Z')
const NEW_YEAR = new Date('2025-12-31T23:30:00Z')

describe("the region's date at 00:30 in Oss", () => {
  it('is already the next day, in winter and summer time', () => {
    expect(regionDate(HALF_PAST_MIDNIGHT)).toBe('2026-03-15')
    expect(localMoment(HALF_PAST_MIDNIGHT)).toEqual({ date: '2026-03-15', minutes: 30 })
    expect(regionDate(new Date('2026-06-30T22:30:00Z'))).toBe('2026-07-01')
    expect(periodOf(regionDate(NEW_YEAR))).toBe('2026-H1')
  })

  it('counts a case made at 00:30 without a referral date as referred that day', () => {
    const c = newCase('3f9c2b9e-8f2d-4c51-9a57-1c1e2d3f4a5b', 'samenwerkwijze', HALF_PAST_MIDNIGHT)
    expect(caseMoments(c).referredAt).toBe('2026-03-15')
    expect(caseIndexOf(newCase('3f9c2b9e-8f2d-4c51-9a57-1c1e2d3f4a5b', 'wor', NEW_YEAR)).referredAt).toBe('2026-01-01')
  })

  it('marks the report of a half-year complete from 00:30 on the first day after it', () => {
    expect(measureReport('2025-H2', [], NEW_YEAR).status).toBe('complete')
    expect(measureReport('2025-H2', [], new Date('2025-12-31T22:30:00Z')).status).toBe('pending')
  })

  it("accepts a birth year of the region's new year at 00:30 on 1 January", () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(NEW_YEAR)
    try {
      const birthYear = referralContentSchema.shape.patient.shape.birthYear
      expect(birthYear.safeParse(2026).success).toBe(true)
      expect(birthYear.safeParse(2027).success).toBe(false)
    } finally {
      vi.useRealTimers()
    }
  })
})
