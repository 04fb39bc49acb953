/**
 * Opening a case under the newest method the phone has (docs/method.md "On the phone"): the
 * declarative migrations of each version on the way are applied (shared/method/migrate.ts), and
 * where the case stands is worked out again under the new steps. A closed case stays under the
 * version it was worked and closed under: its fidelity is a record of that method. When a version
 * on the way is missing, the case opens under its own version, unchanged.
 */
import type { CaseRecord } from '../../../shared/cases/v2'
import type { MethodDefinition, MethodText } from '../../../shared/method/definition'
import { migrateCase } from '../../../shared/method/migrate'
import { currentStepOf } from '../../../shared/method/progress'

export type OpenedCase =
  /** Unchanged: already under the newest version, or closed. */
  | { kind: 'same'; record: CaseRecord }
  /** Moved to a newer version: save it. `notes` say what changed, per version on the way. */
  | { kind: 'moved'; record: CaseRecord; from: number; to: number; notes: { version: number; note: MethodText }[] }
  /** A version on the way is not on this phone yet: opened under its own version. */
  | { kind: 'missing'; record: CaseRecord; missing: number }

export function caseOnOpen(record: CaseRecord, definitions: readonly MethodDefinition[]): OpenedCase {
  if (record.status === 'closed') return { kind: 'same', record }
  const result = migrateCase(record, definitions)
  if (!result.ok) return { kind: 'missing', record, missing: result.missing }
  const to = result.record.method.version
  if (to === result.from) return { kind: 'same', record }
  const latest = definitions.find((d) => d.version === to)!
  const migrated = result.record
  const moved: CaseRecord = { ...migrated, method: { ...migrated.method, step: currentStepOf(latest, migrated).id } }
  const notes = [...new Map(definitions.filter((d) => d.version > result.from && d.version <= to).map((d) => [d.version, d.note])).entries()]
    .sort(([a], [b]) => a - b)
    .map(([version, note]) => ({ version, note }))
  return { kind: 'moved', record: moved, from: result.from, to, notes }
}
