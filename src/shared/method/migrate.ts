/**
 * Moving a case to a newer method version by the declarative migrations in the definitions
 * (docs/method.md "Migrations"). Pure, deterministic and idempotent: two devices migrating the
 * same case give the same result, running it twice changes nothing, and no answer is lost — an
 * answer that cannot land where it moves (the target is already filled) is kept aside.
 */
import type { MethodDefinition, MigrationOp } from './definition'
import type { EssentialMark } from './progress'

export interface CaseMethod {
  version: number
  step: string
  answers: Record<string, string | number | boolean>
  essentials: Record<string, EssentialMark>
  /** Kept aside by a migration: answers that could not land, essentials no longer asked. */
  retired?: { answers: Record<string, string | number | boolean>; essentials: Record<string, EssentialMark> }
}

const empty = (v: unknown) => v === undefined || (typeof v === 'string' && v.trim() === '')

/**
 * What a migration keeps aside is filed under `<id>@v<version>`: the version whose migration set it
 * aside. An id set aside again by a later version (the field came back and was answered) gets its
 * own entry, so nothing set aside earlier is overwritten or dropped.
 */
export const asideKey = (id: string, version: number) => `${id}@v${version}`

function applyOp(m: CaseMethod, op: MigrationOp, version: number): CaseMethod {
  const retired = { answers: { ...m.retired?.answers }, essentials: { ...m.retired?.essentials } }
  if (op.op === 'moveAnswer') {
    if (!(op.from in m.answers)) return m
    const { [op.from]: moving, ...answers } = m.answers
    if (empty(answers[op.to])) answers[op.to] = moving!
    // Both filled: the target keeps its answer, the moving one is kept aside.
    else retired.answers[asideKey(op.from, version)] ??= moving!
    return { ...m, answers, retired }
  }
  if (op.op === 'moveEssential') {
    if (!(op.from in m.essentials)) return m
    const { [op.from]: moving, ...essentials } = m.essentials
    if (!(op.to in essentials)) essentials[op.to] = moving!
    else retired.essentials[asideKey(op.from, version)] ??= moving!
    return { ...m, essentials, retired }
  }
  if (!(op.essential in m.essentials)) return m
  const { [op.essential]: kept, ...essentials } = m.essentials
  retired.essentials[asideKey(op.essential, version)] ??= kept!
  return { ...m, essentials, retired }
}

export type MigrationResult<T> = { ok: true; record: T; from: number } | { ok: false; missing: number }

/**
 * The case under the latest of `definitions` (any order, duplicates allowed). Every version after
 * the case's own must be present; otherwise nothing changes and `missing` says which is lacking.
 */
export function migrateCase<T extends { method: CaseMethod }>(record: T, definitions: readonly MethodDefinition[]): MigrationResult<T> {
  const byVersion = new Map(definitions.map((d) => [d.version, d]))
  const latest = Math.max(record.method.version, ...byVersion.keys())
  const from = record.method.version
  let method = record.method
  for (let v = from + 1; v <= latest; v++) {
    const d = byVersion.get(v)
    if (!d) return { ok: false, missing: v }
    for (const op of d.migrations) method = applyOp(method, op, v)
    method = { ...method, version: v }
  }
  if (method.retired && !Object.keys(method.retired.answers).length && !Object.keys(method.retired.essentials).length) {
    method = { ...method }
    delete method.retired
  }
  return { ok: true, record: method === record.method ? record : { ...record, method }, from }
}
