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
import { useMethod } from '../method/useMethod'
import { deviceRecord } from '../../core/deviceIdentity'
import type { CaseDocs, Merged } from '../caseSync/caseDocs'
import { countingFacts, openFacts, prepareFacts, type PreparedFacts } from './caseFactsStore'
import type { CaseFacts } from '../../../shared/kpi/caseFacts'
import { periodsOfFacts } from '../../../shared/kpi/measureCounts'

/** An open draft saving through the case's document (useCaseDraft.ts). */
export interface DraftLink {
  /** The doc as the draft last took it (none yet: as the case was loaded). */
  base?: Uint8Array
  /** The draft's record now, when valid. */
  current(): CaseRecord | undefined
  /** Called synchronously with the merged case. */
  merged(m: Merged): void
}

export class CaseStore {
  constructor(
    private readonly db: CaseDb,
    private readonly vault: Vault,
    /** This device's id: it counts the cases made here (and old ones that name no device). */
    private readonly deviceId: () => Promise<string | null> = async () => (await deviceRecord())?.id ?? null,
  ) {}

  private docs?: Promise<CaseDocs>
  /**
   * The cases as synced documents (features/caseSync/caseDocs.ts, docs/case-sync.md "On the phone"),
   * loaded with the first case that needs them (Yjs stays out of the start page).
   */
  caseDocs(): Promise<CaseDocs> {
    this.docs ??= import('../caseSync/caseDocs').then(
      ({ CaseDocs }) =>
        new CaseDocs(this.db, this.vault, {
          deviceId: this.deviceId,
          definitionFor: (version) => useMethod().forVersion(version),
          // Before the step's transaction: the case's facts for the steering measures, sealed (caseFactsStore.ts).
          prepare: (record) => prepareFacts(this.db, this.vault, record, useMethod().forVersion(record.method.version)),
          // Inside the step's transaction: the case row as lists and counts read it, its facts, and the periods they touch.
          onCase: async (row, prepared) => {
            const before = await this.db.cases.get(row.id)
            await this.db.cases.put(row)
            const periods = touchedPeriods(before, row)
            const facts = prepared as PreparedFacts | undefined
            if (facts) {
              await this.db.caseFacts.put(facts.row)
              for (const p of facts.periods) periods.add(p)
            }
            await this.markChanged(periods)
          },
          // Counted once: the case enters or leaves this device's count, so all its periods go again.
          onCountingMoved: async (docId) => {
            await this.markChanged(touchedPeriods(undefined, await this.db.cases.get(docId)))
          },
        }),
    )
    return this.docs
  }

  /**
   * Saves the case through its document: the doc's update, its sync state, the sealed case row, the
   * periods whose counts it touches and the case's outbox row, in one transaction.
   */
  async save(record: CaseRecord, draft?: DraftLink): Promise<void> {
    const docs = await this.caseDocs()
    if (!draft) {
      await docs.save({ ...record, updatedAt: new Date().toISOString() })
      return
    }
    // An open draft: what is on screen at this moment goes in, and the merged case comes back, in one synchronous step.
    await docs.ready(record.id, 'local')
    const m = docs.merge(record.id, { ...(draft.current() ?? record), updatedAt: new Date().toISOString() }, draft.base ?? docs.baseOf(record.id))
    draft.merged(m)
    await docs.persist(record.id)
  }

  /** Call inside a transaction over the outbox: the periods go (back) into the outbox with a new revision (src/app/sync/outbox.ts). */
  private async markChanged(periods: Set<string>): Promise<void> {
    await markPeriodsChanged(this.db.outbox, periods)
  }

  /** The case as its document holds it (a merge that broke a limit comes as it is: the draft shows the problems), else its sealed row. */
  async load(id: string): Promise<CaseRecord | undefined> {
    const fromDoc = await (await this.caseDocs()).load(id)
    if (fromDoc) return fromDoc.record as CaseRecord
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
    const me = await this.deviceId()
    // Opened before the transaction (WebCrypto may not run inside one): the half-years its measures were in.
    const facts = keepCounts ? undefined : await openFacts(this.vault, await this.db.caseFacts.get(id))
    // A case kept past its retention period without facts yet (stored before them): made now, while it is here.
    const missing = keepCounts && !(await this.db.caseFacts.get(id)) ? await this.factsNow(id) : undefined
    await this.db.transaction('rw', [this.db.cases, this.db.outbox, this.db.countedCases, this.db.docSync, this.db.caseFacts], async () => {
      const stored = await this.db.cases.get(id)
      await this.db.cases.delete(id)
      const factsRow = await this.db.caseFacts.get(id)
      await this.db.caseFacts.delete(id)
      const counted = countedCaseOf(stored)
      if (!counted) return
      // Counted once (issue 16): a case another device counts leaves no counts here (countingIndex).
      const named = (await this.db.docSync.get(id))?.countingDeviceId
      if (typeof named === 'string' && named !== me) return
      if (keepCounts) {
        // After the retention period the facts stay, like the counts; removed by hand they go along.
        await this.db.countedCases.put(counted)
        const kept = factsRow ?? missing
        if (kept) await this.db.caseFacts.put({ ...kept, retained: true })
      } else {
        const periods = touchedPeriods(counted, undefined)
        for (const p of facts ? periodsOfFacts([facts]) : []) periods.add(p)
        await this.markChanged(periods)
      }
    })
  }

  /** The case's facts made and sealed now (see remove), or undefined when it does not open. */
  private async factsNow(id: string) {
    const record = await this.load(id).catch(() => undefined)
    return record ? (await prepareFacts(this.db, this.vault, record, useMethod().forVersion(record.method.version)))?.row : undefined
  }

  /**
   * The facts of every case this device counts, for the steering measures (caseFactsStore.ts): the
   * same cases as countingIndex (a case another device counts is left out) and the retained ones.
   * Needs the open vault.
   */
  async countingFacts(): Promise<CaseFacts[]> {
    const me = await this.deviceId()
    const docs = await this.db.docSync.toArray()
    const elsewhere = new Set(docs.filter((r) => typeof r.countingDeviceId === 'string' && r.countingDeviceId !== me).map((r) => r.docId))
    const present = new Set((await this.db.cases.toCollection().primaryKeys()).map(String))
    const counted = new Set([...present].filter((id) => !elsewhere.has(id)))
    return countingFacts(this.db, this.vault, counted, present, (id) => this.load(id), (version) => useMethod().forVersion(version))
  }

  /**
   * Every case's stored facts, opened (for the backup file, caseArchive.ts), with `retained` for a
   * case removed after its retention period. A row that does not open is left out: a restored case
   * gets its facts made again from its record, a retained one is lost (said in the console).
   * Needs the open vault.
   */
  async storedFacts(): Promise<{ id: string; retained: boolean; facts: CaseFacts }[]> {
    const out: { id: string; retained: boolean; facts: CaseFacts }[] = []
    for (const row of await this.db.caseFacts.toArray()) {
      const facts = await openFacts(this.vault, row)
      if (facts) out.push({ id: row.id, retained: !!row.retained, facts })
      else if (row.retained) console.warn(`The facts kept for a removed case (${row.id}) do not open: they are left out of the backup.`)
    }
    return out
  }

  async countedCases(): Promise<CountedCase[]> {
    return this.db.countedCases.toArray()
  }

  /** What the counts are made of: every case on the device plus those removed after their retention period. */
  async countingIndex(): Promise<Countable[]> {
    // Counted once (issue 16): a case synced here from another device of the worker is counted there.
    const me = await this.deviceId()
    const docs = await this.db.docSync.toArray()
    const elsewhere = new Set(docs.filter((r) => typeof r.countingDeviceId === 'string' && r.countingDeviceId !== me).map((r) => r.docId))
    return [...(await this.index()).filter((c) => !elsewhere.has(c.id)), ...(await this.countedCases())]
  }
}
