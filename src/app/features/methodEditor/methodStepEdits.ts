/**
 * The programme office's edits to a pathway's steps (docs/method.md "The method editor"): add a
 * step after another, remove one, move one up or down. Pure, like methodEdits.ts: each returns a
 * new draft, or the same draft when the edit cannot be made.
 *
 * Ids stay meaningful: a new step and its first essential get generated ids no version used;
 * moving a step keeps every id (no migration); removing a step retires its published essentials
 * (`retireEssential`, as removing one essential does) and either moves its method fields to
 * another step of the pathway (ids kept, answers follow) or drops them — an answer whose field a
 * later version dropped stays in the case, shown read-only (docs/method.md "Versions and migrations").
 */
import { REQUIRED_BLOCKS, type CoreBlock, type MethodDefinition, type MethodStep } from '../../../shared/method/definition'
import type { InterventionId } from '../../../shared/interventions'
import { clone, emptyText, move, newId, stepAt, usedEssentials, usedIds, type StepRef } from './methodEdits'

/** The schema's bounds on a pathway's steps (pathwaySchema in src/shared/method/definition.ts). */
export const MIN_STEPS = 2
export const MAX_STEPS = 12

type PathwayStep = { pathway: InterventionId; step: number }
const isPathwayStep = (at: StepRef): at is PathwayStep => at.pathway !== 'consultation'

/**
 * Adds an empty step after `at` in its pathway: generated id, title and purpose to fill in, no
 * prompts, no parts yet (the office adds them; the schema wants at least one before publishing),
 * and one essential to fill in (a step needs at least one). Not after the samenwerkoverleg, and
 * not beyond the schema's maximum.
 */
export function addStepAfter(d: MethodDefinition, prev: MethodDefinition, at: StepRef, random?: () => string): MethodDefinition {
  if (!isPathwayStep(at) || d.pathways[at.pathway].steps.length >= MAX_STEPS || !d.pathways[at.pathway].steps[at.step]) return d
  const taken = usedIds(d, prev)
  // The pathway's own prefix (wor-, vg-, sa-, sww-), as the bundled method's step ids have.
  const id = newId(`${stepAt(d, at).id.split('-')[0]}-stap`, taken, random)
  const essential = newId(`${id}-e`, new Set([...taken, id]), random)
  const step: MethodStep = { id, title: emptyText(), purpose: emptyText(), prompts: [], blocks: [], essentials: [{ id: essential, text: emptyText() }] }
  const next = clone(d)
  next.pathways[at.pathway].steps.splice(at.step + 1, 0, step)
  return next
}

/** Moves a step to another place in its pathway. Every id stays: no migration. */
export function moveStep(d: MethodDefinition, at: StepRef, to: number): MethodDefinition {
  if (!isPathwayStep(at)) return d
  const steps = d.pathways[at.pathway].steps
  if (to < 0 || to >= steps.length || to === at.step || !steps[at.step]) return d
  const next = clone(d)
  move(next.pathways[at.pathway].steps, at.step, to)
  return next
}

/** Why a step cannot be removed; undefined when it can. */
export type StepRemovalBlock =
  /** The samenwerkoverleg any pathway can call. */
  | { reason: 'consultation' }
  /** The pathway would have fewer steps than the schema allows. */
  | { reason: 'tooFew'; min: number }
  /** The step holds parts the pathway must keep (REQUIRED_BLOCKS) and no other step holds: move them first. */
  | { reason: 'requiredPart'; parts: CoreBlock[] }

export function stepRemovalBlock(d: MethodDefinition, at: StepRef): StepRemovalBlock | undefined {
  if (!isPathwayStep(at)) return { reason: 'consultation' }
  const steps = d.pathways[at.pathway].steps
  const step = steps[at.step]
  if (!step) return undefined
  const elsewhere = new Set(steps.filter((_, i) => i !== at.step).flatMap((s) => s.blocks.flatMap((b) => ('core' in b ? [b.core] : []))))
  const parts = step.blocks.flatMap((b) => ('core' in b && REQUIRED_BLOCKS[at.pathway].includes(b.core) && !elsewhere.has(b.core) ? [b.core] : []))
  if (parts.length) return { reason: 'requiredPart', parts }
  if (steps.length <= MIN_STEPS) return { reason: 'tooFew', min: MIN_STEPS }
  return undefined
}

/** The method fields of a step, by id (what the office chooses to move or drop when removing it). */
export const fieldIdsOf = (step: MethodStep): string[] => step.blocks.flatMap((b) => ('field' in b ? [b.field.id] : []))

/** What happens to a removed step's method fields: moved to another step of the pathway (its index now), or dropped. */
export type FieldsFate = { moveTo: number } | 'drop'

/**
 * Removes a step of a pathway (never the samenwerkoverleg, never one holding a part the pathway
 * must keep: stepRemovalBlock). Its published essentials are retired; moves onto its essentials
 * have nowhere to go and are dropped. Its method fields go to step `moveTo` (last there; ids and
 * answers kept) or, with 'drop', go with it: a move of answers onto a dropped field is dropped too,
 * so those answers stay where they are in the cases.
 */
export function removeStep(d: MethodDefinition, prev: MethodDefinition, at: StepRef, fields: FieldsFate): MethodDefinition {
  if (!isPathwayStep(at) || stepRemovalBlock(d, at)) return d
  const step = d.pathways[at.pathway].steps[at.step]
  if (!step) return d
  const fieldIds = fieldIdsOf(step)
  if (fields !== 'drop' && fieldIds.length && (fields.moveTo === at.step || !d.pathways[at.pathway].steps[fields.moveTo])) return d
  const next = clone(d)
  const steps = next.pathways[at.pathway].steps
  const [gone] = steps.splice(at.step, 1)
  const fieldBlocks = gone!.blocks.filter((b) => 'field' in b)
  if (fields !== 'drop' && fieldBlocks.length) steps[fields.moveTo > at.step ? fields.moveTo - 1 : fields.moveTo]!.blocks.push(...fieldBlocks)
  const dropped = new Set(fields === 'drop' ? fieldIds : [])
  const goneEssentials = new Set(gone!.essentials.map((e) => e.id))
  next.migrations = next.migrations.filter((op) => !(op.op === 'moveAnswer' && dropped.has(op.to)) && !(op.op === 'moveEssential' && goneEssentials.has(op.to)))
  const published = usedEssentials(prev)
  const stillAsked = usedEssentials(next)
  for (const id of goneEssentials) {
    const retired = next.migrations.some((op) => op.op === 'retireEssential' && op.essential === id)
    if (published.has(id) && !stillAsked.has(id) && !retired) next.migrations.push({ op: 'retireEssential', essential: id })
  }
  return next
}
