/** Accountability periods are half-years: "2026-H1" is January–June 2026 (domain.md). */
export type Period = `${number}-H${1 | 2}`

export function periodOf(date: string): Period {
  const year = Number(date.slice(0, 4))
  const month = Number(date.slice(5, 7))
  return `${year}-H${month <= 6 ? 1 : 2}` as Period
}
