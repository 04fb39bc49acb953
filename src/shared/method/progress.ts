/**
 * Where a case stands in its method (docs/method.md "Essentials"): an essential is met when the
 * case's data shows it (or the worker ticked it), or skipped with a reason; a step is done when
 * each of its essentials is one of the two. Opening a step changes nothing here.
 */
import type { InterventionId } from '../interventions'
import type { Condition, Essential, FieldRef, MethodDefinition, MethodStep } from './definition'

/** What a case records per essential (the case schema's method.essentials). */
export interface EssentialMark {
  state: 'met' | 'skipped'
  on: string
  reason?: string
}

/** The parts of a case the method reads: any case record fits. */
export interface MethodFacts {
  pathway: InterventionId
  status: 'open' | 'closed'
  consultation?: unknown
  method: { answers: Record<string, unknown>; essentials: Record<string, EssentialMark> }
}

export type EssentialState = 'met' | 'skipped' | 'open'
export type FidelityState = 'met' | 'skipped' | 'missed'

/** Something is there: text not blank, a number, true, a list or object with something in it (ids aside). */
export function isFilled(v: unknown): boolean {
  if (v === undefined || v === null) return false
  if (typeof v === 'string') return v.trim() !== ''
  if (typeof v === 'boolean') return v
  if (typeof v === 'number') return Number.isFinite(v)
  if (Array.isArray(v)) return v.some(isFilled)
  if (typeof v === 'object') return Object.entries(v as Record<string, unknown>).some(([k, x]) => k !== 'id' && isFilled(x))
  return false
}

/** The value a reference points at in a case. */
export function readRef(c: MethodFacts, ref: FieldRef): unknown {
  if (ref.startsWith('answers.')) return c.method.answers[ref.slice('answers.'.length)]
  let at: unknown = c
  for (const key of ref.split('.')) {
    if (at === null || typeof at !== 'object') return undefined
    at = (at as Record<string, unknown>)[key]
  }
  return at
}

export function holds(c: MethodFacts, condition: Condition): boolean {
  if ('filled' in condition) return isFilled(readRef(c, condition.filled))
  return readRef(c, condition.equals) === condition.value
}

export function essentialState(c: MethodFacts, e: Essential): EssentialState {
  if (e.metWhen && holds(c, e.metWhen)) return 'met'
  const mark = c.method.essentials[e.id]
  if (mark?.state === 'skipped' && mark.reason?.trim()) return 'skipped'
  // A ticked essential with a condition that no longer holds (the date was cleared) is open again.
  if (mark?.state === 'met' && !e.metWhen) return 'met'
  return 'open'
}

export const stepDone = (c: MethodFacts, s: MethodStep): boolean => s.essentials.every((e) => essentialState(c, e) !== 'open')

/** The steps of the case's pathway, and the samenwerkoverleg once one was called (outside the samenwerkwijze). */
export function stepsOf(d: MethodDefinition, c: MethodFacts): MethodStep[] {
  const own = d.pathways[c.pathway].steps
  return c.pathway !== 'samenwerkwijze' && c.consultation ? [...own, d.consultation] : own
}

/**
 * Where the case stands: the first of its pathway's own steps not done, or the last when all are
 * (the samenwerkoverleg beside them does not move it).
 */
export function currentStepOf(d: MethodDefinition, c: MethodFacts): MethodStep {
  const own = d.pathways[c.pathway].steps
  return own.find((s) => !stepDone(c, s)) ?? own[own.length - 1]!
}

export interface FidelityItem {
  step: string
  essential: string
  state: FidelityState | 'open'
  reason?: string
}

/**
 * Method fidelity of one case: per essential met, skipped (with reason), missed (the case moved
 * past the step, or closed, without it) or still open.
 */
export function fidelityOf(d: MethodDefinition, c: MethodFacts): FidelityItem[] {
  const own = d.pathways[c.pathway].steps
  const current = c.status === 'closed' ? own.length : own.indexOf(currentStepOf(d, c))
  // A step counts as passed once a later step has something met or skipped (work moved on).
  let lastTouched = -1
  own.forEach((s, i) => {
    if (s.essentials.some((e) => essentialState(c, e) !== 'open')) lastTouched = i
  })
  const passedUntil = c.status === 'closed' ? own.length : Math.max(current, lastTouched)
  const out: FidelityItem[] = []
  stepsOf(d, c).forEach((s, i) => {
    const isOwn = i < own.length
    for (const e of s.essentials) {
      const state = essentialState(c, e)
      const passed = isOwn ? i < passedUntil : c.status === 'closed'
      const reason = state === 'skipped' ? c.method.essentials[e.id]?.reason : undefined
      out.push({ step: s.id, essential: e.id, state: state === 'open' && passed ? 'missed' : state, ...(reason ? { reason } : {}) })
    }
  })
  return out
}

/** Anonymous counts of one or more cases' fidelity: per pathway, step and essential (no ids, no reasons). */
export interface FidelityCount {
  intervention: InterventionId
  step: string
  essential: string
  met: number
  skipped: number
  missed: number
}

export function fidelityCounts(d: MethodDefinition, cases: readonly MethodFacts[]): FidelityCount[] {
  const rows = new Map<string, FidelityCount>()
  for (const c of cases) {
    for (const item of fidelityOf(d, c)) {
      if (item.state === 'open') continue
      const key = `${c.pathway}|${item.step}|${item.essential}`
      const row = rows.get(key) ?? { intervention: c.pathway, step: item.step, essential: item.essential, met: 0, skipped: 0, missed: 0 }
      row[item.state]++
      rows.set(key, row)
    }
  }
  return [...rows.values()]
}
