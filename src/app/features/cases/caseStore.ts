/** Cases on the device: every write sealed first, then stored in one step; every read opened and validated. */
import { z } from 'zod'
import { caseIndexSchema, type CaseIndex } from '../../../shared/cases/caseIndex'

// The index fields of a stored envelope; the ciphertext beside them is left out.
const indexOfStored = z.object(caseIndexSchema.shape)
import type { CaseRecord } from '../../../shared/cases/v1'
import type { CaseDb } from './caseDb'
import type { Vault } from './vault'

export class CaseStore {
  constructor(
    private readonly db: CaseDb,
    private readonly vault: Vault,
  ) {}

  async save(record: CaseRecord): Promise<void> {
    const sealed = await this.vault.seal({ ...record, updatedAt: new Date().toISOString() })
    await this.db.cases.put(sealed)
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

  async remove(id: string): Promise<void> {
    await this.db.cases.delete(id)
  }
}
