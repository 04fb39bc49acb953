import { z } from 'zod'
/** Accountability periods are half-years: "2026-H1" is January–June 2026 (domain.md). */
export type Period = `${number}-H${1 | 2}`

/** A period as it arrives from outside (a body, a query string). */
export const periodSchema = z
  .string()
  .regex(/^20\d{2}-H[12]$/, 'must be a half-year like 2026-H1')
  .transform((p) => p as Period)

/** The first and the last day of a half-year period. */
export function periodStart(period: Period): string {
  const [year, half] = period.split('-H') as [string, string]
  return `${year}-${half === '1' ? '01' : '07'}-01`
}
export function periodEnd(period: Period): string {
  const [year, half] = period.split('-H') as [string, string]
  return half === '1' ? `${year}-06-30` : `${year}-12-31`
}

export function periodOf(date: string): Period {
  const year = Number(date.slice(0, 4))
  const month = Number(date.slice(5, 7))
  return `${year}-H${month <= 6 ? 1 : 2}` as Period
}

/** Every period from `from` to `to`, both included, in order. */
export function periodsBetween(from: Period, to: Period): Period[] {
  const out: Period[] = []
  let [year, half] = from.split('-H').map(Number) as [number, number]
  const [endYear, endHalf] = to.split('-H').map(Number) as [number, number]
  while (year < endYear || (year === endYear && half <= endHalf)) {
    out.push(`${year}-H${half}` as Period)
    if (half === 2) {
      year++
      half = 1
    } else half = 2
  }
  return out
}
