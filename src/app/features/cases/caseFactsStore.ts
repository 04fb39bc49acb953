/**
 * Each case's facts for the steering measures (issue 18; docs/kpi.md "Where they are computed"),
 * sealed with the vault beside the case: dates and categories that must not sit in the clear index.
 * Written whenever the case is written (CaseStore through CaseDocs `prepare`/`onCase`), kept after
 * the case is removed at the end of its retention period (like its counted case), and opened when
 * counts go out (the vault is open then: the device signs). A case stored before facts existed gets
 * them at that moment (backfill). A row that does not open or validate is made again from its case,
 * or, when the case is gone, left out (and said so in the console) — never counted half.
 */
import { caseFactsSchema, factsOf, type CaseFacts } from '../../../shared/kpi/caseFacts'
import { countMeasures, periodsOfFacts } from '../../../shared/kpi/measureCounts'
import { periodOf } from '../../../shared/kpi/period'
import { today } from '../../core/clock'
import type { CaseRecord } from '../../../shared/cases/v2'
import type { MethodDefinition } from '../../../shared/method/definition'
import type { CaseDb, StoredCaseFacts } from './caseDb'
import type { Vault } from './vault'

const context = (id: string) => `case-facts|${id}`

export async function sealFacts(vault: Vault, id: string, facts: CaseFacts, retained?: boolean): Promise<StoredCaseFacts> {
  const sealed = await vault.encryptBytes(new TextEncoder().encode(JSON.stringify(facts)), context(id))
  return { id, sealed, ...(retained ? { retained: true } : {}) }
}

/** The facts in a stored row, or undefined when it does not open (another vault, damaged) or validate. */
export async function openFacts(vault: Vault, row: StoredCaseFacts | undefined): Promise<CaseFacts | undefined> {
  if (!row) return undefined
  try {
    const plain = await vault.decryptBytes(row.sealed as Parameters<Vault['decryptBytes']>[0], context(row.id))
    const parsed = caseFactsSchema.safeParse(JSON.parse(new TextDecoder().decode(plain)))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}

/** The half-years in which this one case's measure rows differ between its old and new facts. */
export function changedPeriods(before: CaseFacts | undefined, after: CaseFacts, day: string): Set<string> {
  const out = new Set<string>()
  for (const p of periodsOfFacts(before ? [before, after] : [after], day)) {
    const rows = (f: CaseFacts | undefined) => JSON.stringify(f ? countMeasures([f], p, day) : [])
    if (rows(before) !== rows(after)) out.add(p)
  }
  return out
}

/** What CaseStore writes beside a case row: its new sealed facts and the half-years whose measures they change. */
export interface PreparedFacts {
  row: StoredCaseFacts
  periods: Set<string>
}

/**
 * Before the write's transaction: the case's facts made from the record, compared with those stored
 * (whose fidelity days they keep). Undefined when nothing changed. Facts that cannot be made (a
 * bug) leave the old ones to be made again at the next count; the case itself is saved regardless.
 */
export async function prepareFacts(db: CaseDb, vault: Vault, record: CaseRecord, method: MethodDefinition | undefined): Promise<PreparedFacts | undefined> {
  try {
    const stored = await db.caseFacts.get(record.id)
    const previous = await openFacts(vault, stored)
    const facts = factsOf(record, method, previous ? { previous } : {})
    if (previous && JSON.stringify(previous) === JSON.stringify(facts)) return undefined
    return { row: await sealFacts(vault, record.id, facts), periods: changedPeriods(previous, facts, today()) }
  } catch (e) {
    console.warn('The case facts could not be made; they are made again when counts go out.', e)
    return undefined
  }
}

/**
 * The facts of every case this device counts (`counted`: the case ids of its counting index,
 * CaseStore.countingIndex) and of every retained case. A case without facts (stored before them,
 * or whose facts did not open) gets them now from its sealed row, and they are stored.
 */
export async function countingFacts(
  db: CaseDb,
  vault: Vault,
  counted: ReadonlySet<string>,
  /** Every case row on the device: a row marked retained whose case is here (it came back through sync) counts as that case does. */
  present: ReadonlySet<string>,
  open: (id: string) => Promise<CaseRecord | undefined>,
  definitionFor: (version: number) => MethodDefinition | undefined,
): Promise<CaseFacts[]> {
  const rows = await db.caseFacts.toArray()
  const out: CaseFacts[] = []
  const have = new Set<string>()
  for (const row of rows) {
    // Retained (its case removed after retention) counts on its own; with its case here, only as that case counts.
    const retained = row.retained && !present.has(row.id)
    if (!retained && !counted.has(row.id)) continue
    const facts = await openFacts(vault, row)
    if (facts) {
      out.push(facts)
      have.add(row.id)
    } else if (retained) console.warn(`The facts kept for a removed case (${row.id}) do not open: they are left out of the measures.`)
  }
  for (const id of counted) {
    if (have.has(id)) continue
    const record = await open(id).catch(() => undefined)
    if (!record) continue
    const facts = factsOf(record, definitionFor(record.method.version))
    out.push(facts)
    const sealed = await sealFacts(vault, id, facts)
    // Only when the case is still there (a removal meanwhile takes its facts along).
    await db.transaction('rw', [db.cases, db.caseFacts], async () => {
      if (await db.cases.get(id)) await db.caseFacts.put(sealed)
    })
  }
  return out
}

/**
 * The half-years whose measures changed only because days passed: an evaluation whose date passed
 * without being held is counted as not held from the day after. `since` is the last day this was
 * asked (exclusive), `today` inclusive.
 */
export function periodsDueToTime(facts: readonly CaseFacts[], since: string, today: string): Set<string> {
  const out = new Set<string>()
  for (const f of facts) if (f.evaluationOn && !f.evaluationHeldOn && f.evaluationOn >= since && f.evaluationOn < today) out.add(periodOf(f.evaluationOn))
  return out
}
