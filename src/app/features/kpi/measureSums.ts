/**
 * The programme team's view of the steering measures (issue 18 points 1, 2, 3 and 5): the rows of
 * GET /api/kpi/measures (one or more half-years, per cell and organisation) added up into the
 * tables the KPI page and the period report show, for the whole region or one breakdown value, and
 * — for what leaves the programme team — with small cells suppressed. `steps` orders fidelity's
 * steps as the method does. Pure: numbers only; the
 * words are in useMeasureNames.ts.
 *
 * Suppression (domain.md: cells under 5 are not shown outside the programme team):
 * 1. Primary: every count from 1 to 4 is shown as "<5".
 * 2. Within a table group (e.g. Welzijn op Recept's first contacts: within 14 days, later) the
 *    total and the shares are hidden as soon as one of its cells is hidden, because the total
 *    minus the shown cells gives the hidden one back.
 * 3. Across a breakdown: the region's figure of a cell is the sum of that cell over the values of
 *    the breakdown (every municipality, every age band …). When exactly one value's cell is hidden,
 *    the smallest other non-zero cell of that sum is hidden too ("×"), so the region's figure minus
 *    the shown ones never gives a small cell back. Rule 2 then hides that group's total as well.
 * Not covered: bounds (knowing that a "×" is at least 5 can narrow a "<5"), and combinations of two
 * breakdowns, which are never shown side by side.
 */
import { AGE_BANDS, DOMAIN_CHANGES, FIDELITY_STATES, INTAKE_BUCKETS, MEASURES, SATISFACTION_BUCKETS, SUPPORT_CATEGORIES, type MeasureId } from '../../../shared/kpi/measures'
import { UNKNOWN } from '../../../shared/kpi/counts'
import { REFERRER_TYPES } from '../../../shared/cases/v1'
import { INTERVENTION_IDS, type InterventionId } from '../../../shared/interventions'
import { LIFE_DOMAINS } from '../../../shared/socialMap/lifeDomains'
import { MUNICIPALITIES } from '../../../shared/socialMap/places'

/** What the server answers per cell and organisation (shared/api/kpi.ts MeasureTotal). */
export interface MeasureCell {
  measure: MeasureId
  bucket: string
  intervention: InterventionId
  municipality: string
  referrerType: string
  ageBand: string
  organisationId: string
  count: number
}

export const DIMENSIONS = ['intervention', 'municipality', 'referrerType', 'ageBand', 'organisationId'] as const
export type Dimension = (typeof DIMENSIONS)[number]
/** One value of one breakdown; none: the whole region. */
export interface Slice {
  dimension: Dimension
  value: string
}

/** The tables, in the order the page shows them: process KPIs per intervention, then end results. */
export const SECTIONS = ['first-contact', 'gp-feedback', 'referral-to-intake', 'plan', 'evaluation', 'close-reason', 'fidelity', 'satisfaction', 'domain-change', 'support'] as const
export type SectionId = (typeof SECTIONS)[number]
export const PROCESS_SECTIONS: readonly SectionId[] = SECTIONS.slice(0, 7)
export const RESULT_SECTIONS: readonly SectionId[] = SECTIONS.slice(7)

interface SectionSpec {
  measures: readonly MeasureId[]
  /** The group a row counts in, and the bucket within it. */
  place: (r: MeasureCell) => { group: string; bucket: string }
  /** The buckets shown for every group (zeros included); undefined: only those that hold a case. */
  buckets?: readonly string[]
  /** Whether a group's cells add up to something (the support categories do not: a case counts in several). */
  total: boolean
}

const byIntervention = (r: MeasureCell) => ({ group: r.intervention, bucket: r.bucket })
const fixed = (measure: MeasureId) => MEASURES[measure].buckets as readonly string[]

const SPECS: Record<SectionId, SectionSpec> = {
  'first-contact': { measures: ['first-contact'], place: byIntervention, buckets: fixed('first-contact'), total: true },
  'gp-feedback': { measures: ['gp-feedback'], place: byIntervention, buckets: fixed('gp-feedback'), total: true },
  'referral-to-intake': { measures: ['referral-to-intake'], place: byIntervention, buckets: INTAKE_BUCKETS, total: true },
  plan: { measures: ['plan'], place: byIntervention, buckets: fixed('plan'), total: true },
  evaluation: { measures: ['evaluation'], place: byIntervention, buckets: fixed('evaluation'), total: true },
  'close-reason': { measures: ['close-reason'], place: byIntervention, total: true },
  // `<step>:<state>`: a group per intervention and step.
  fidelity: { measures: ['fidelity'], place: (r) => ({ group: `${r.intervention}|${r.bucket.split(':')[0]}`, bucket: r.bucket.split(':')[1] ?? '' }), buckets: FIDELITY_STATES, total: true },
  satisfaction: { measures: ['satisfaction-start', 'satisfaction-end'], place: (r) => ({ group: r.measure === 'satisfaction-start' ? 'start' : 'end', bucket: r.bucket }), buckets: SATISFACTION_BUCKETS, total: true },
  'domain-change': { measures: ['domain-change'], place: (r) => ({ group: r.bucket.split(':')[0] ?? '', bucket: r.bucket.split(':')[1] ?? '' }), buckets: DOMAIN_CHANGES, total: true },
  support: { measures: ['support-before', 'support-after'], place: (r) => ({ group: r.bucket, bucket: r.measure === 'support-before' ? 'before' : 'after' }), buckets: ['before', 'after'], total: false },
}

const SECTION_OF = new Map<MeasureId, SectionId>(SECTIONS.flatMap((s) => SPECS[s].measures.map((m) => [m, s] as const)))

/** "<5": a small count; "×": hidden so a small count elsewhere cannot be worked out. */
export type Shown = number | '<5' | '×'

export interface FigureCell {
  bucket: string
  count: number
  shown: Shown
}
export interface FigureGroup {
  /** The intervention, "<intervention>|<step>", a life domain, "start"/"end" or a support category. */
  key: string
  cells: FigureCell[]
  /** Undefined where the cells do not add up to a whole (support). */
  total: number | undefined
  shownTotal: Shown | undefined
}
export type Figures = Record<SectionId, FigureGroup[]>

type Counts = Map<SectionId, Map<string, Map<string, number>>>

function countsOf(rows: readonly MeasureCell[]): Counts {
  const out: Counts = new Map(SECTIONS.map((s) => [s, new Map()]))
  for (const r of rows) {
    const section = SECTION_OF.get(r.measure)
    if (!section) continue
    const { group, bucket } = SPECS[section].place(r)
    const groups = out.get(section)!
    const cells = groups.get(group) ?? new Map<string, number>()
    cells.set(bucket, (cells.get(bucket) ?? 0) + r.count)
    groups.set(group, cells)
  }
  return out
}

/** A place in a list; what the list does not know goes last, in the order of its name. */
const rank = (list: readonly string[], x: string) => {
  const n = list.indexOf(x)
  return n < 0 ? list.length : n
}
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The order of a section's groups: per intervention, then fidelity's steps in the method's order
 * (`steps`), life domains and support categories in their lists' order, the start before the end.
 */
function groupOrder(section: SectionId, steps: readonly string[]): (a: string, b: string) => number {
  const [list, part]: [readonly string[], (k: string) => string] =
    section === 'fidelity'
      ? [steps, (k) => k.split('|')[1] ?? '']
      : section === 'domain-change'
        ? [LIFE_DOMAINS, (k) => k]
        : section === 'support'
          ? [SUPPORT_CATEGORIES, (k) => k]
          : section === 'satisfaction'
            ? [['start', 'end'], (k) => k]
            : [INTERVENTION_IDS, (k) => k]
  const intervention = (k: string) => rank(INTERVENTION_IDS, k.split('|')[0] ?? '')
  return (a, b) => (section === 'fidelity' ? intervention(a) - intervention(b) : 0) || rank(list, part(a)) - rank(list, part(b)) || byName(a, b)
}

/** The groups of one set of rows, unsuppressed: every cell shown as its count. */
function groupsOf(counts: Counts, section: SectionId, steps: readonly string[]): FigureGroup[] {
  const spec = SPECS[section]
  const groups = [...counts.get(section)!.entries()].filter(([, cells]) => [...cells.values()].some((n) => n > 0))
  const order = groupOrder(section, steps)
  const known = MEASURES['close-reason'].buckets as readonly string[]
  return groups
    .sort(([a], [b]) => order(a, b))
    .map(([key, cells]) => {
      const buckets = spec.buckets ?? [...cells.keys()].filter((b) => (cells.get(b) ?? 0) > 0).sort((a, b) => rank(known, a) - rank(known, b) || byName(a, b))
      const list = buckets.map((bucket) => ({ bucket, count: cells.get(bucket) ?? 0 }))
      const total = spec.total ? list.reduce((n, c) => n + c.count, 0) : undefined
      return { key, cells: list.map((c) => ({ ...c, shown: c.count as Shown })), total, shownTotal: total }
    })
}

/** The rows of one breakdown value. */
export const rowsOf = (rows: readonly MeasureCell[], slice: Slice | undefined) => (slice ? rows.filter((r) => r[slice.dimension] === slice.value) : rows)

/** Every value a breakdown has in these rows. */
export const valuesOf = (rows: readonly MeasureCell[], dimension: Dimension): string[] => [...new Set(rows.map((r) => r[dimension]))]

const small = (n: number) => n > 0 && n < 5

/** Rule 2: a group's total and shares go once one of its cells is hidden. */
function hideTotals(groups: FigureGroup[]) {
  for (const g of groups) {
    if (g.total === undefined) continue
    g.shownTotal = small(g.total) ? '<5' : g.cells.some((c) => typeof c.shown !== 'number') ? '×' : g.total
  }
}

function primary(groups: FigureGroup[]) {
  for (const g of groups) for (const c of g.cells) c.shown = small(c.count) ? '<5' : c.count
  hideTotals(groups)
}

/**
 * The tables for the whole region or one breakdown value. `suppressed`: as shown outside the
 * programme team (rules 1–3 above); otherwise every count as it is.
 */
export function figuresOf(rows: readonly MeasureCell[], slice: Slice | undefined, options: { suppressed: boolean; steps?: readonly string[] }): Figures {
  const build = (part: readonly MeasureCell[]) => {
    const counts = countsOf(part)
    return Object.fromEntries(SECTIONS.map((s) => [s, groupsOf(counts, s, options.steps ?? [])])) as Figures
  }
  if (!options.suppressed) return build(rowsOf(rows, slice))
  if (!slice) {
    const whole = build(rows)
    for (const s of SECTIONS) primary(whole[s])
    return whole
  }
  // Rule 3 needs every value of the breakdown: the chosen one is one of the parts of the region's sum.
  const values = valuesOf(rows, slice.dimension)
  const parts = new Map(values.map((v) => [v, build(rowsOf(rows, { dimension: slice.dimension, value: v }))]))
  for (const p of parts.values()) for (const s of SECTIONS) primary(p[s])
  for (const s of SECTIONS) {
    // Per group and bucket, the cells of every value: the region's cell is their sum.
    const across = new Map<string, FigureCell[]>()
    for (const p of parts.values())
      for (const g of p[s])
        for (const c of g.cells) {
          const key = `${g.key}\u0000${c.bucket}`
          across.set(key, [...(across.get(key) ?? []), c])
        }
    for (const cells of across.values()) {
      const sum = cells.reduce((n, c) => n + c.count, 0)
      const hidden = cells.filter((c) => typeof c.shown !== 'number')
      if (hidden.length !== 1 || small(sum)) continue
      const other = cells.filter((c) => typeof c.shown === 'number' && c.count > 0).sort((a, b) => a.count - b.count)[0]
      if (other) other.shown = '×'
    }
    for (const p of parts.values()) hideTotals(p[s])
  }
  return parts.get(slice.value) ?? build([])
}

/** A cell's share of its group's total (0–1), when both are shown. */
export function shareOf(cell: FigureCell, group: FigureGroup): number | undefined {
  return typeof cell.shown === 'number' && typeof group.shownTotal === 'number' && group.shownTotal > 0 ? cell.shown / group.shownTotal : undefined
}

/**
 * The end of a table's count axis: at least 10, so one case never fills a bar, else the next of
 * 10, 20, 50, 100, 200, 500 … at or above the largest number shown.
 */
export function axisMax(largest: number): number {
  let step = 10
  for (;;) {
    for (const m of [1, 2, 5]) if (step * m >= largest) return step * m
    step *= 10
  }
}

/** The largest number a table shows: a group's total, or where it has none or it is hidden, its largest shown cell. */
export function largestShown(groups: readonly FigureGroup[]): number {
  let max = 0
  for (const g of groups) {
    if (typeof g.shownTotal === 'number') max = Math.max(max, g.shownTotal)
    for (const c of g.cells) if (typeof c.shown === 'number') max = Math.max(max, c.shown)
  }
  return max
}

/**
 * A breakdown's values in the order of their lists (the five municipalities, the referrer types,
 * the age bands …), an organisation by name, "onbekend" last.
 */
export function sortedValues(values: readonly string[], dimension: Dimension, organisations: Readonly<Record<string, string>> = {}): string[] {
  const list: readonly string[] =
    dimension === 'intervention' ? INTERVENTION_IDS : dimension === 'municipality' ? MUNICIPALITIES : dimension === 'referrerType' ? REFERRER_TYPES : dimension === 'ageBand' ? AGE_BANDS : []
  const name = (v: string) => (dimension === 'organisationId' ? (organisations[v] ?? v) : v)
  const last = (v: string) => (v === UNKNOWN ? 1 : 0)
  return [...values].sort((a, b) => last(a) - last(b) || rank(list, a) - rank(list, b) || name(a).localeCompare(name(b), 'nl'))
}
