/**
 * The life-domain picture (issue 14): the baseline kept from the first scoring, "now" beside it,
 * and the geometry of the radar ("spinnenweb") that draws both. Pure: no Vue, no DOM.
 *
 * Scale (a product decision; the region names none): 1 = grote zorgen, 5 = gaat goed.
 */
export const SCORE_MIN = 1
export const SCORE_MAX = 5

export type Scores = Partial<Record<string, number>>
export interface DomainSnapshot<K extends string = string> {
  date: string
  scores: Partial<Record<K, number>>
}

const sameScores = (a: Scores, b: Scores) => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  return [...keys].every((k) => a[k] === b[k])
}
const MAX_SNAPSHOTS = 100

/**
 * The snapshots after the scores changed to `current` on `today`. The first snapshot is the
 * baseline: written at the first scoring, and on its own day a domain scored for the first time
 * joins it. A score changed later never touches it: today's snapshot ("now") holds the current
 * scores, one per day, so a later day keeps the days before it. An unchanged list is returned
 * as it is (the same array), so a caller can tell nothing changed.
 */
export function recordScores<K extends string>(snapshots: readonly DomainSnapshot<K>[], current: Partial<Record<K, number>>, today: string): DomainSnapshot<K>[] {
  const scored = Object.fromEntries(Object.entries(current).filter(([, v]) => v !== undefined)) as Partial<Record<K, number>>
  const [baseline, ...later] = snapshots
  if (!baseline) return Object.keys(scored).length ? [{ date: today, scores: scored }] : (snapshots as DomainSnapshot<K>[])
  let base = baseline
  if (baseline.date === today) {
    // The first scoring's day: domains scored for the first time join the baseline; a changed one does not.
    const added = Object.entries(scored).filter(([k]) => (baseline.scores as Scores)[k] === undefined)
    if (added.length) base = { date: baseline.date, scores: { ...baseline.scores, ...Object.fromEntries(added) } }
  }
  const rest = [...later]
  const last = rest.at(-1)
  if (last?.date === today) rest.pop()
  const before = rest.at(-1) ?? base
  // Today back where the day before left it: no "now" of its own.
  if (!sameScores(scored, before.scores)) rest.push({ date: today, scores: scored })
  const next = [base, ...rest]
  while (next.length > MAX_SNAPSHOTS) next.splice(1, 1)
  const unchanged = next.length === snapshots.length && next.every((s, i) => s.date === snapshots[i]!.date && sameScores(s.scores, snapshots[i]!.scores))
  return unchanged ? (snapshots as DomainSnapshot<K>[]) : next
}

/**
 * The baseline to show: the first snapshot; for an older case scored before snapshots were kept
 * automatically, its scores as they are (what `recordScores` writes at its first open).
 */
export function baselineOf<K extends string>(snapshots: readonly DomainSnapshot<K>[] | undefined, current: Partial<Record<K, number>>): Partial<Record<K, number>> {
  return snapshots?.[0]?.scores ?? current
}

/** The change from baseline to now, as a person reads it: "+2", "0", "−1"; undefined when one is missing. */
export function changeText(baseline: number | undefined, now: number | undefined): string | undefined {
  if (baseline === undefined || now === undefined) return undefined
  const d = now - baseline
  return d > 0 ? `+${d}` : d < 0 ? `−${-d}` : '0'
}

export interface Point {
  x: number
  y: number
}
export interface RadarGeometry {
  /** Centre and radius of ring SCORE_MAX, in the SVG's user units. */
  cx: number
  cy: number
  r: number
}

/** The angle of axis `i` of `count`: the first straight up, then clockwise. */
export const axisAngle = (i: number, count: number): number => -Math.PI / 2 + (2 * Math.PI * i) / count

/** Where score `value` lies on axis `i` (score 0 at the centre, SCORE_MAX on the outer ring). */
export function radarPoint(i: number, count: number, value: number, g: RadarGeometry): Point {
  const a = axisAngle(i, count)
  const dist = (g.r * value) / SCORE_MAX
  return { x: round(g.cx + dist * Math.cos(a)), y: round(g.cy + dist * Math.sin(a)) }
}
const round = (n: number) => Math.round(n * 100) / 100

/**
 * The shape of one set of scores on the radar: a closed polygon when every axis has a score,
 * otherwise the runs of neighbouring scored axes (a missing score breaks the line instead of
 * pretending), each with its points; a lone scored axis is a run of one point.
 */
export function radarShape(values: readonly (number | undefined)[], g: RadarGeometry): { closed: boolean; runs: Point[][] } {
  const count = values.length
  const point = (i: number) => radarPoint(i, count, values[i]!, g)
  if (count > 0 && values.every((v) => v !== undefined)) return { closed: true, runs: [values.map((_, i) => point(i))] }
  const firstGap = values.findIndex((v) => v === undefined)
  if (firstGap < 0) return { closed: false, runs: [] }
  const runs: Point[][] = []
  let run: Point[] = []
  // Start just after a gap, so a run that wraps past the last axis stays one run.
  for (let k = 1; k <= count; k++) {
    const i = (firstGap + k) % count
    if (values[i] === undefined) {
      if (run.length) runs.push(run)
      run = []
    } else run.push(point(i))
  }
  if (run.length) runs.push(run)
  return { closed: false, runs }
}

/** Where an axis label goes, and which way its text runs from there. */
export function labelPlacement(i: number, count: number, g: RadarGeometry, gap: number): Point & { anchor: 'start' | 'middle' | 'end'; baseline: 'auto' | 'middle' | 'hanging' } {
  const a = axisAngle(i, count)
  const x = g.cx + (g.r + gap) * Math.cos(a)
  const y = g.cy + (g.r + gap) * Math.sin(a)
  const cos = Math.cos(a)
  const sin = Math.sin(a)
  const anchor = Math.abs(cos) < 0.2 ? 'middle' : cos > 0 ? 'start' : 'end'
  const baseline = Math.abs(sin) < 0.3 ? 'middle' : sin > 0 ? 'hanging' : 'auto'
  return { x: round(x), y: round(y), anchor, baseline }
}
