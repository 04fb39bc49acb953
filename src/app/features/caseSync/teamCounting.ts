/**
 * Counted once across a handover (docs/case-sync.md "The team"): the case names the device that
 * counts it (`meta.countingDeviceId`, src/shared/caseSync/recordDoc.ts); CaseStore.countingIndex
 * leaves out every case that names another device. The sync loop calls this after each pull.
 */
import type * as Y from 'yjs'
import { readMeta, writeMeta } from '../../../shared/caseSync/recordDoc'

/**
 * On a sync of a case this worker leads: when the counting device named in the case is not one of
 * the worker's own devices (the lead was handed over to them), this device takes the counting.
 * Another device of the same worker keeps it. Returns whether it wrote.
 */
export function claimCounting(doc: Y.Doc, role: 'lead' | 'member', me: { userId: string; deviceId: string; ownDeviceIds: ReadonlySet<string> }): boolean {
  if (role !== 'lead') return false
  const meta = readMeta(doc)
  if (meta.countingDeviceId && me.ownDeviceIds.has(meta.countingDeviceId) && meta.leadUserId === me.userId) return false
  if (meta.countingDeviceId && me.ownDeviceIds.has(meta.countingDeviceId)) {
    writeMeta(doc, { leadUserId: me.userId })
    return true
  }
  writeMeta(doc, { countingDeviceId: me.deviceId, leadUserId: me.userId })
  return true
}

/** The counter named by the old lead's device at a handover: no device of anyone (CaseStore.countingIndex leaves the case out everywhere until the new lead's device claims it). */
export const handOverMark = (userId: string) => `lead:${userId}`

/** The old lead's device hands the counting over (team.ts handOverLead). */
export function handOverCounting(doc: Y.Doc, newLeadUserId: string): void {
  writeMeta(doc, { countingDeviceId: handOverMark(newLeadUserId), leadUserId: newLeadUserId })
}
