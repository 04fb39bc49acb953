/**
 * The guided case editor's pure rules (docs/method.md): what each step shows in the step list,
 * how a method field's answer and an essential's mark are written, and which answers came from an
 * earlier method version. Which step is VIEWED is never written to the case: only the essentials
 * move `method.step` (src/shared/method/progress.ts currentStepOf).
 */
import type { CaseRecord } from '../../../shared/cases/v2'
import { fieldIndex, type MethodDefinition, type MethodField, type MethodStep } from '../../../shared/method/definition'
import { currentStepOf, stepDone, stepsOf, type MethodFacts } from '../../../shared/method/progress'

export type StepState = 'done' | 'current' | 'todo'

export interface StepItem {
  step: MethodStep
  /** 1-based among the pathway's own steps; undefined for the samenwerkoverleg beside them. */
  n?: number
  state: StepState
}

/** The case's steps for the step list: its pathway's own, numbered, and the samenwerkoverleg once called. */
export function stepItems(d: MethodDefinition, c: MethodFacts): StepItem[] {
  const own = d.pathways[c.pathway].steps
  const current = currentStepOf(d, c).id
  return stepsOf(d, c).map((step, i) => {
    const state: StepState = stepDone(c, step) ? 'done' : step.id === current ? 'current' : 'todo'
    return i < own.length ? { step, n: i + 1, state } : { step, state }
  })
}

/** Where the case stands (the value `method.step` must hold), from its data and marks only. */
export const standingOf = (d: MethodDefinition, c: MethodFacts): string => currentStepOf(d, c).id

/** A method field's answer written: blank text, NaN or "no answer" removes the key (nothing kept for nothing). */
export function setAnswer(answers: Record<string, string | number | boolean>, id: string, value: string | number | boolean | undefined): void {
  const empty = value === undefined || (typeof value === 'string' && value.trim() === '') || (typeof value === 'number' && !Number.isFinite(value))
  if (empty) delete answers[id]
  else answers[id] = value
}

export type MarkResult = 'ok' | 'reason-required'

/**
 * Ticks (`met`) or skips an essential. A skip needs a reason: without one nothing is stored and
 * the caller says why. `undefined` takes a mark back.
 */
export function markEssential(method: CaseRecord['method'], id: string, mark: { state: 'met' } | { state: 'skipped'; reason: string } | undefined, on: string): MarkResult {
  if (!mark) {
    delete method.essentials[id]
    return 'ok'
  }
  if (mark.state === 'skipped') {
    const reason = mark.reason.trim()
    if (!reason) return 'reason-required'
    method.essentials[id] = { state: 'skipped', on, reason }
    return 'ok'
  }
  method.essentials[id] = { state: 'met', on }
  return 'ok'
}

export interface RetiredAnswer {
  id: string
  /** The field as the newest earlier version that had it defines it (for its label and options). */
  field?: MethodField
  value: string | number | boolean
}

/**
 * Answers this case holds that its method version no longer asks (kept aside by a migration, or
 * left by a field taken out): shown read-only, never lost. Labels come from the newest version
 * this phone knows that still had the field.
 */
export function retiredAnswers(d: MethodDefinition, known: readonly MethodDefinition[], method: CaseRecord['method']): RetiredAnswer[] {
  const current = fieldIndex(d)
  const older = [...known].sort((a, b) => b.version - a.version).map(fieldIndex)
  const labelled = (id: string, value: string | number | boolean): RetiredAnswer => {
    // Kept aside by a migration as `<id>@v<version>` (migrate.ts asideKey): labelled by its field.
    const field = older.map((f) => f.get(id.replace(/@v\d+$/, ''))).find(Boolean)
    return field ? { id, field, value } : { id, value }
  }
  const out = Object.entries(method.answers)
    .filter(([id]) => !current.has(id))
    .map(([id, v]) => labelled(id, v))
  for (const [id, v] of Object.entries(method.retired?.answers ?? {})) out.push(labelled(id, v))
  return out
}

/**
 * Calls a samenwerkoverleg (any pathway can): the resident is there, at home, until the worker says
 * otherwise. `organisation` (this phone's organisation, when known) is the one that makes the plan.
 */
export function callConsultation(c: Pick<CaseRecord, 'consultation'>, organisation?: string): void {
  c.consultation ??= { residentPresent: true, participants: [], actions: [], place: 'thuis', ...(organisation ? { organisation } : {}) }
}
