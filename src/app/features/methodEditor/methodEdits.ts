/**
 * The programme office's edits to a method definition (docs/method.md), as pure functions: each
 * takes the draft (and the published version it follows) and returns a new draft, so the page
 * only swaps its copy and the unit tests read like the editor's buttons.
 *
 * Ids are stored in cases, so they never change meaning: a new essential, field or option gets a
 * generated id no version used before; removing an essential that phones know adds a
 * `retireEssential` migration; replacing a field gives a new id and a `moveAnswer` migration, so
 * the answers of open cases follow. Moving a field to another step keeps its id: no migration.
 */
import { CORE_BLOCKS, FIELD_KINDS, type Block, type CoreBlock, type FieldKind, type MethodDefinition, type MethodField, type MethodStep, type MethodText, type MigrationOp } from '../../../shared/method/definition'
import type { InterventionId } from '../../../shared/interventions'

/** A step of the draft: one of a pathway's steps, or the samenwerkoverleg any pathway can call. */
export type StepRef = { pathway: InterventionId; step: number } | { pathway: 'consultation' }

export const emptyText = (): MethodText => ({ nl: '', en: '' })

export const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T

/** The next version to edit: the latest's content, the next number, no migrations or note yet. */
export function startDraft(latest: MethodDefinition): MethodDefinition {
  return { ...clone(latest), version: latest.version + 1, note: emptyText(), migrations: [] }
}

export function stepAt(d: MethodDefinition, at: StepRef): MethodStep {
  return at.pathway === 'consultation' ? d.consultation : d.pathways[at.pathway].steps[at.step]!
}

/** A copy of the draft with the step at `at` changed by `change` (which may mutate its copy). */
function withStep(d: MethodDefinition, at: StepRef, change: (s: MethodStep, d: MethodDefinition) => void): MethodDefinition {
  const next = clone(d)
  change(stepAt(next, at), next)
  return next
}

/** Every id the definitions use: steps, fields, options, essentials and the migrations' ids. */
export function usedIds(...defs: readonly MethodDefinition[]): Set<string> {
  const out = new Set<string>()
  for (const d of defs) {
    for (const s of [...Object.values(d.pathways).flatMap((p) => p.steps), d.consultation]) {
      out.add(s.id)
      for (const e of s.essentials) out.add(e.id)
      for (const b of s.blocks) {
        if (!('field' in b)) continue
        out.add(b.field.id)
        for (const o of b.field.options ?? []) out.add(o.id)
      }
    }
    for (const op of d.migrations) for (const id of op.op === 'retireEssential' ? [op.essential] : [op.from, op.to]) out.add(id)
  }
  return out
}

/** Four random base-36 characters (crypto; tests pass their own). */
export const randomPart = (): string => Array.from(crypto.getRandomValues(new Uint32Array(1)))[0]!.toString(36).padStart(4, '0').slice(-4)

/**
 * A new stable id: `<base>-<random>`, not used by any of the definitions. A random part, not a
 * counter: an id removed in an earlier version may still sit in an old case, and must not come
 * back with another meaning.
 */
export function newId(base: string, taken: ReadonlySet<string>, random: () => string = randomPart): string {
  const stem = base.slice(0, 40).replace(/-+$/, '')
  for (;;) {
    const id = `${stem}-${random()}`
    if (!taken.has(id)) return id
  }
}

export function move<T>(list: T[], from: number, to: number) {
  if (to < 0 || to >= list.length || from === to) return
  const [item] = list.splice(from, 1)
  list.splice(to, 0, item!)
}

// Prompts

export const addPrompt = (d: MethodDefinition, at: StepRef) => withStep(d, at, (s) => void s.prompts.push(emptyText()))
export const removePrompt = (d: MethodDefinition, at: StepRef, i: number) => withStep(d, at, (s) => void s.prompts.splice(i, 1))
export const movePrompt = (d: MethodDefinition, at: StepRef, i: number, to: number) => withStep(d, at, (s) => move(s.prompts, i, to))

// Essentials

export function addEssential(d: MethodDefinition, prev: MethodDefinition, at: StepRef, random?: () => string): MethodDefinition {
  const id = newId(`${stepAt(d, at).id}-e`, usedIds(d, prev), random)
  return withStep(d, at, (s) => void s.essentials.push({ id, text: emptyText() }))
}

/**
 * Removes an essential. If the published version asks it, cases may have ticked or skipped it:
 * a `retireEssential` migration keeps that aside (not counted). One added in this draft just goes.
 */
export function removeEssential(d: MethodDefinition, prev: MethodDefinition, at: StepRef, i: number): MethodDefinition {
  return withStep(d, at, (s, next) => {
    const [gone] = s.essentials.splice(i, 1)
    if (!gone) return
    const stillAsked = [...Object.values(next.pathways).flatMap((p) => p.steps), next.consultation].some((x) => x.essentials.some((e) => e.id === gone.id))
    // What moved onto it has nowhere to go now.
    next.migrations = next.migrations.filter((op) => !(op.op === 'moveEssential' && op.to === gone.id))
    const published = usedEssentials(prev).has(gone.id)
    if (published && !stillAsked && !next.migrations.some((op) => op.op === 'retireEssential' && op.essential === gone.id)) next.migrations.push({ op: 'retireEssential', essential: gone.id })
  })
}

/** Every essential id a version asks. */
export const usedEssentials = (d: MethodDefinition) => new Set([...Object.values(d.pathways).flatMap((p) => p.steps), d.consultation].flatMap((s) => s.essentials.map((e) => e.id)))

// Blocks: core parts and method fields

export const moveBlock = (d: MethodDefinition, at: StepRef, i: number, to: number) => withStep(d, at, (s) => move(s.blocks, i, to))

/** Adds one of the app's parts at the end of the step (once per step): to bring back one removed, or move it. */
export function addCoreBlock(d: MethodDefinition, at: StepRef, core: CoreBlock): MethodDefinition {
  if (!CORE_BLOCKS.includes(core) || stepAt(d, at).blocks.some((b) => 'core' in b && b.core === core)) return d
  return withStep(d, at, (s) => void s.blocks.push({ core }))
}

/** Fields of the published version, by id. */
const publishedFields = (prev: MethodDefinition) => new Map([...Object.values(prev.pathways).flatMap((p) => p.steps), prev.consultation].flatMap((s) => s.blocks.flatMap((b) => ('field' in b ? [[b.field.id, b.field] as const] : []))))

/** Is this block's field (or option) new in the draft? Only new ones may simply go: no case holds their answers. */
export const isNewField = (prev: MethodDefinition, fieldId: string) => !publishedFields(prev).has(fieldId)
export const isNewOption = (prev: MethodDefinition, fieldId: string, optionId: string) => !publishedFields(prev).get(fieldId)?.options?.some((o) => o.id === optionId)

/**
 * Removes a block: a core part (the schema refuses when a pathway would lose what counting needs)
 * or a field added in this draft. A published field stays: cases hold its answers (replace it instead).
 */
export function removeBlock(d: MethodDefinition, prev: MethodDefinition, at: StepRef, i: number): MethodDefinition {
  const b = stepAt(d, at).blocks[i]
  if (!b || ('field' in b && !isNewField(prev, b.field.id))) return d
  return withStep(d, at, (s) => void s.blocks.splice(i, 1))
}

/** A new choice's two options (the schema wants at least two), to fill in. */
function twoOptions(taken: ReadonlySet<string>, random?: () => string): NonNullable<MethodField['options']> {
  const first = newId('optie', taken, random)
  return [
    { id: first, label: emptyText() },
    { id: newId('optie', new Set([...taken, first]), random), label: emptyText() },
  ]
}

export function addField(d: MethodDefinition, prev: MethodDefinition, at: StepRef, kind: FieldKind, random?: () => string): MethodDefinition {
  if (!FIELD_KINDS.includes(kind)) return d
  const taken = usedIds(d, prev)
  const id = newId(`${stepAt(d, at).id}-${kind.toLowerCase()}`, taken, random)
  const field: MethodField = { id, kind, label: emptyText() }
  if (kind === 'choice') field.options = twoOptions(new Set([...taken, id]), random)
  return withStep(d, at, (s) => void s.blocks.push({ field }))
}

/** Moves a field to another step of the same pathway (last in that step). Its id stays: no migration. */
export function moveFieldToStep(d: MethodDefinition, at: StepRef, i: number, toStep: number): MethodDefinition {
  if (at.pathway === 'consultation' || toStep === at.step) return d
  const next = clone(d)
  const steps = next.pathways[at.pathway].steps
  const target = steps[toStep]
  const b = steps[at.step]?.blocks[i]
  if (!target || !b || !('field' in b)) return d
  steps[at.step]!.blocks.splice(i, 1)
  target.blocks.push(b)
  return next
}

/**
 * Replaces a field by a new one (new id, same kind, the texts copied to edit), at the same place.
 * The answers follow by a `moveAnswer` migration; essentials that read the old field read the new.
 * A field added in this draft has no answers yet: it simply gets the new id (and a move that
 * already leads to it leads to the new one).
 */
export function replaceField(d: MethodDefinition, prev: MethodDefinition, at: StepRef, i: number, random?: () => string): MethodDefinition {
  const b = stepAt(d, at).blocks[i]
  if (!b || !('field' in b)) return d
  const old = b.field.id
  const id = newId(old, usedIds(d, prev), random)
  const next = withStep(d, at, (s) => {
    s.blocks[i] = { field: { ...(s.blocks[i] as Extract<Block, { field: unknown }>).field, id } }
  })
  for (const s of [...Object.values(next.pathways).flatMap((p) => p.steps), next.consultation]) {
    for (const e of s.essentials) {
      if (!e.metWhen) continue
      if ('filled' in e.metWhen && e.metWhen.filled === `answers.${old}`) e.metWhen = { filled: `answers.${id}` }
      if ('equals' in e.metWhen && e.metWhen.equals === `answers.${old}`) e.metWhen = { ...e.metWhen, equals: `answers.${id}` }
    }
  }
  const leading = next.migrations.find((op): op is Extract<MigrationOp, { op: 'moveAnswer' }> => op.op === 'moveAnswer' && op.to === old)
  if (leading) leading.to = id
  else if (!isNewField(prev, old)) next.migrations.push({ op: 'moveAnswer', from: old, to: id })
  return next
}

function withField(d: MethodDefinition, at: StepRef, i: number, change: (f: MethodField) => void): MethodDefinition {
  const b = stepAt(d, at).blocks[i]
  if (!b || !('field' in b)) return d
  return withStep(d, at, (s) => change((s.blocks[i] as Extract<Block, { field: unknown }>).field))
}

/**
 * The kind of a field added in this draft (a published field keeps its kind: stored answers must
 * fit; replace it instead). A choice gets two options to fill in; another kind has none.
 */
export function setKind(d: MethodDefinition, prev: MethodDefinition, at: StepRef, i: number, kind: FieldKind, random?: () => string): MethodDefinition {
  const b = stepAt(d, at).blocks[i]
  if (!b || !('field' in b) || !isNewField(prev, b.field.id) || !FIELD_KINDS.includes(kind)) return d
  const taken = usedIds(d, prev)
  return withField(d, at, i, (f) => {
    f.kind = kind
    if (kind !== 'choice') delete f.options
    else f.options ??= twoOptions(taken, random)
  })
}

/** A hint is optional: both texts empty means none. */
export const setHint = (d: MethodDefinition, at: StepRef, i: number, hint: MethodText) =>
  withField(d, at, i, (f) => {
    if (hint.nl.trim() || hint.en.trim()) f.hint = hint
    else delete f.hint
  })

export function addOption(d: MethodDefinition, prev: MethodDefinition, at: StepRef, i: number, random?: () => string): MethodDefinition {
  const id = newId('optie', usedIds(d, prev), random)
  return withField(d, at, i, (f) => void (f.options ??= []).push({ id, label: emptyText() }))
}

/** Only an option added in this draft may go: a case may hold a published one as its answer. */
export function removeOption(d: MethodDefinition, prev: MethodDefinition, at: StepRef, i: number, optionId: string): MethodDefinition {
  const b = stepAt(d, at).blocks[i]
  if (!b || !('field' in b) || !isNewOption(prev, b.field.id, optionId)) return d
  return withField(d, at, i, (f) => void (f.options = f.options?.filter((o) => o.id !== optionId)))
}
