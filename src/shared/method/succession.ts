/**
 * Publishing a version after others (docs/method.md "Versions and migrations"): the number follows
 * on, what moves comes from something that existed and lands where it fits, and a field id keeps
 * its kind and options for good, because cases anywhere may still hold an answer under it.
 */
import { essentialIds, fieldIndex, type FieldKind, type MethodDefinition } from './definition'

const KIND_MOVES: Record<FieldKind, readonly FieldKind[]> = {
  text: ['text', 'longText'],
  longText: ['longText', 'text'],
  date: ['date'],
  yesNo: ['yesNo'],
  choice: ['choice'],
  number: ['number'],
}

/**
 * Problems with publishing `next` after `prev` (empty: fine). The version follows on; what moves
 * comes from something that existed and lands on a field that can hold it.
 */
export function successorProblems(prev: MethodDefinition, next: MethodDefinition): string[] {
  const out: string[] = []
  if (next.version !== prev.version + 1) out.push(`version must be ${prev.version + 1}, not ${next.version}`)
  const before = fieldIndex(prev)
  const after = fieldIndex(next)
  const beforeEssentials = essentialIds(prev)
  for (const op of next.migrations) {
    if (op.op === 'moveAnswer') {
      const from = before.get(op.from)
      const to = after.get(op.to)
      if (!from) out.push(`field "${op.from}" did not exist in version ${prev.version}`)
      else if (to && !KIND_MOVES[from.kind].includes(to.kind)) out.push(`a ${from.kind} answer cannot move to ${to.kind} field "${op.to}"`)
      else if (to && from.kind === 'choice') {
        const options = new Set(to.options?.map((o) => o.id))
        const lost = from.options?.filter((o) => !options.has(o.id)) ?? []
        if (lost.length) out.push(`field "${op.to}" lacks the options ${lost.map((o) => o.id).join(', ')} of "${op.from}"`)
      }
    }
    if (op.op === 'moveEssential' && !beforeEssentials.has(op.from)) out.push(`essential "${op.from}" did not exist in version ${prev.version}`)
    if (op.op === 'retireEssential' && !beforeEssentials.has(op.essential)) out.push(`essential "${op.essential}" did not exist in version ${prev.version}`)
  }
  // A field that stays keeps its kind and options: stored answers must still fit.
  out.push(...historyProblems([prev], next))
  return out
}

/**
 * Problems with publishing `next` after all of `history` (every stored version): a field id keeps
 * its kind and a choice keeps its options across every version — also when a field is dropped and
 * comes back later — because cases anywhere may still hold an answer under that id.
 */
export function historyProblems(history: readonly MethodDefinition[], next: MethodDefinition): string[] {
  const out = new Set<string>()
  const after = fieldIndex(next)
  for (const old of history) {
    for (const [id, before] of fieldIndex(old)) {
      const f = after.get(id)
      if (!f) continue
      if (!KIND_MOVES[before.kind].includes(f.kind)) out.add(`field "${id}" changed from ${before.kind} to ${f.kind}; add a new field and move the answer instead`)
      else if (before.kind === 'choice' && f.kind === 'choice') {
        const options = new Set(f.options?.map((o) => o.id))
        const lost = before.options?.filter((o) => !options.has(o.id)) ?? []
        if (lost.length) out.add(`field "${id}" lacks the options ${lost.map((o) => o.id).join(', ')} of "${id}"`)
      }
    }
  }
  return [...out]
}
