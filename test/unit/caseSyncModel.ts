/**
 * The case-sync server's rules in memory (the same rules src/server/caseSync enforces in SQL;
 * docs/case-sync.md "Server"), for the property test: what the engine must cope with is the
 * protocol, not the database. Answers are plain objects like the HTTP answers.
 */
import type { DocPull, SyncRefusal } from '../../src/shared/api/caseSync'
import { snapshotHash, type CaseSnapshot, type CaseUpdate } from '../../src/shared/caseSync/messages'

export type Answer = { ok: true; seq?: number; duplicate?: boolean } | { ok: false; code: SyncRefusal | 'exists' | 'not-found'; expected?: number }

interface Doc {
  active: CaseSnapshot
  activeHash: string
  keyGen: number
  requiresSnapshot: boolean
  updates: { seq: number; update: CaseUpdate }[]
  /** The ids of the updates kept (under the active snapshot). */
  ids: Map<string, string>
  snapshots: Map<string, string>
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

export class ServerModel {
  readonly docs = new Map<string, Doc>()
  private seq = 0
  /** Every message the server took, in order: what "acknowledged" means. */
  readonly taken: (CaseUpdate | CaseSnapshot)[] = []

  async create(s: CaseSnapshot): Promise<Answer> {
    const doc = this.docs.get(s.docId)
    if (doc) return doc.snapshots.has(s.id) && doc.snapshots.get(s.id) === JSON.stringify(s) ? { ok: true, duplicate: true } : { ok: false, code: 'exists' }
    if (s.parentId !== null || Object.keys(s.clocks).length) return { ok: false, code: 'snapshot-outdated' }
    this.docs.set(s.docId, { active: s, activeHash: await snapshotHash(s), keyGen: s.keyGen, requiresSnapshot: false, updates: [], ids: new Map(), snapshots: new Map([[s.id, JSON.stringify(s)]]) })
    this.taken.push(s)
    return { ok: true }
  }

  private lastClocks(doc: Doc): Record<string, number> {
    const out: Record<string, number> = {}
    for (const { update } of doc.updates) out[update.deviceId] = Math.max(out[update.deviceId] ?? 0, update.clock)
    return out
  }

  async update(u: CaseUpdate): Promise<Answer> {
    const doc = this.docs.get(u.docId)
    if (!doc) return { ok: false, code: 'not-found' }
    const stored = doc.ids.get(u.id)
    if (stored !== undefined) {
      if (stored !== JSON.stringify(u)) return { ok: false, code: 'id-reused' }
      const kept = doc.updates.find((x) => x.update.id === u.id)
      return { ok: true, seq: kept?.seq ?? 0, duplicate: true }
    }
    if (u.snapshotId !== doc.active.id) return { ok: false, code: 'snapshot-outdated' }
    if (doc.requiresSnapshot) return { ok: false, code: 'snapshot-required' }
    if (u.keyGen < doc.keyGen) return { ok: false, code: 'key-outdated' }
    const last = this.lastClocks(doc)[u.deviceId] ?? 0
    if (u.clock !== last + 1) return { ok: false, code: 'clock-mismatch', expected: last + 1 }
    const seq = ++this.seq
    doc.updates.push({ seq, update: u })
    doc.ids.set(u.id, JSON.stringify(u))
    this.taken.push(u)
    return { ok: true, seq }
  }

  async snapshot(s: CaseSnapshot): Promise<Answer> {
    const doc = this.docs.get(s.docId)
    if (!doc) return { ok: false, code: 'not-found' }
    const stored = doc.snapshots.get(s.id)
    if (stored !== undefined) return stored === JSON.stringify(s) ? { ok: true, duplicate: true } : { ok: false, code: 'id-reused' }
    if (s.parentId !== doc.active.id || s.parentHash !== doc.activeHash) return { ok: false, code: 'snapshot-outdated' }
    if (s.keyGen !== doc.keyGen) return { ok: false, code: 'key-outdated' }
    if (!same(Object.entries(this.lastClocks(doc)).sort(), Object.entries(s.clocks).sort())) return { ok: false, code: 'clocks-mismatch' }
    doc.active = s
    doc.activeHash = await snapshotHash(s)
    doc.snapshots.set(s.id, JSON.stringify(s))
    doc.requiresSnapshot = false
    // The purge: updates under older snapshots leave the server, and with them their ids (a resend
    // of a purged update is then judged like a new one: snapshot-outdated, as the SQL server does).
    doc.updates = []
    doc.ids.clear()
    this.taken.push(s)
    return { ok: true }
  }

  pull(docId: string, known: string | null, after: number, page = 500): DocPull | null {
    const doc = this.docs.get(docId)
    if (!doc) return null
    const fresh = known !== doc.active.id
    const updates = doc.updates.filter((x) => fresh || x.seq > after)
    return {
      doc: { docId, keyGen: doc.keyGen, activeSnapshotId: doc.active.id, lastSeq: doc.updates.at(-1)?.seq ?? 0, requiresSnapshot: doc.requiresSnapshot, role: 'lead' },
      ...(fresh ? { snapshot: doc.active } : {}),
      updates: updates.slice(0, page),
      more: updates.length > page,
      keyBoxes: [],
    }
  }
}
