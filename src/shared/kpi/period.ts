/** Accountability periods are half-years: "2026-H1" is January–June 2026 (domain.md). */
export type Period = `${number}-H${1 | 2}`

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
