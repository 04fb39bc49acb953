/** Cases on the device: every write sealed first, then stored in one step; every read opened and validated. */
import { z } from 'zod'
import { periodOf, periodsBetween, type Period } from '../../../shared/kpi/period'
import { caseIndexSchema, type CaseIndex } from '../../../shared/cases/caseIndex'
import type { Countable } from '../../../shared/kpi/counts'

/** Periods whose counts change when a case's index goes from `before` to `after`. */
export function touchedPeriods(before: Countable | undefined, after: Countable | undefined): Set<string> {
  const out = new Set<string>()
  const moments = (c: Countable | undefined) => [c?.referredAt, c?.includedAt, c?.completedAt, c?.municipality, c?.referrerType, c?.pathway].join('|')
  if (before && moments(before) === moments(after)) return out
  for (const c of [before, after]) for (const d of [c?.referredAt, c?.includedAt, c?.completedAt]) if (d) out.add(periodOf(d))
  // Cumulative counts run on: a change also changes every later period, up to today's.
  const earliest = [...out].sort()[0] as Period | undefined
  const current = periodOf(today())
  if (earliest && earliest < current) for (const p of periodsBetween(earliest, current)) out.add(p)
  return out
}

// The index fields of a stored envelope; the ciphertext beside them is left out.
const indexOfStored = z.object(caseIndexSchema.shape)
import type { CaseRecord } from '../../../shared/cases/v2'
import { countedCaseOf, type CaseDb, type CountedCase } from './caseDb'
import type { Vault } from './vault'
import { markPeriodsChanged } from './kpiSyncCore'
import { today } from '../../core/clock'

export class CaseStore {
  constructor(
    private readonly db: CaseDb,
    private readonly vault: Vault,
  ) {}

  /** Seals and stores the case; the periods whose counts it touches join the KPI outbox in the same transaction. */
  async save(record: CaseRecord): Promise<void> {
    const sealed = await this.vault.seal({ ...record, updatedAt: new Date().toISOString() })
    await this.db.transaction('rw', this.db.cases, this.db.outbox, async () => {
      const before = await this.db.cases.get(sealed.id)
      await this.db.cases.put(sealed)
      await this.markChanged(touchedPeriods(before, sealed))
    })
  }

  /** Call inside a transaction over the outbox: the periods go (back) into the outbox with a new revision (src/app/sync/outbox.ts). */
  private async markChanged(periods: Set<string>): Promise<void> {
    await markPeriodsChanged(this.db.outbox, periods)
  }

  async load(id: string): Promise<CaseRecord | undefined> {
    const stored = await this.db.cases.get(id)
    return stored ? this.vault.open(stored) : undefined
  }

  /** The clear index of every case, validated; no decryption needed. */
  async index(): Promise<CaseIndex[]> {
    const rows = await this.db.cases.orderBy('updatedAt').reverse().toArray()
    return rows.flatMap((r) => {
      const parsed = indexOfStored.safeParse(r)
      return parsed.success ? [parsed.data] : []
    })
  }

  /** Every case opened (for lists that show names): decrypted in parallel. */
  async all(): Promise<CaseRecord[]> {
    const rows = await this.db.cases.orderBy('updatedAt').reverse().toArray()
    return Promise.all(rows.map((r) => this.vault.open(r)))
  }

  /**
   * Deletes a case. After the retention period the resident was still reached, so what the case
   * counts stays (`keepCounts`: dates and categories only, no content). A case deleted by hand is
   * usually a mistake or an erasure request: it leaves the counts, and its periods are sent again.
   */
  async remove(id: string, { keepCounts }: { keepCounts: boolean }): Promise<void> {
    await this.db.transaction('rw', this.db.cases, this.db.outbox, this.db.countedCases, async () => {
      const stored = await this.db.cases.get(id)
      await this.db.cases.delete(id)
      const counted = countedCaseOf(stored)
      if (!counted) return
      if (keepCounts) await this.db.countedCases.put(counted)
      else await this.markChanged(touchedPeriods(counted, undefined))
    })
  }

  async countedCases(): Promise<CountedCase[]> {
    return this.db.countedCases.toArray()
  }

  /** What the counts are made of: every case on the device plus those removed after their retention period. */
  async countingIndex(): Promise<Countable[]> {
    return [...(await this.index()), ...(await this.countedCases())]
  }
}
