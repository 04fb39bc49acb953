/**
 * Counted once across a handover (docs/case-sync.md "The team"): the case names the device that
 * counts it (`meta.countingDeviceId`, src/shared/caseSync/recordDoc.ts); CaseStore.countingIndex
 * leaves out every case that names another device. The sync loop calls this after each pull.
 */
import type * as Y from 'yjs'
import { readMeta, writeMeta } from '../../../shared/caseSync/recordDoc'

/** This phone and the worker's other devices, as counting needs them (caseSyncLoop.ts). */
export interface CountingSelf {
  userId: string
  deviceId: string
  /** The worker's devices that are not revoked: one of them keeps counting a case it counts. */
  ownDeviceIds: ReadonlySet<string>
  /**
   * The worker's revoked devices (a lost phone after a recovery, docs/case-sync.md "Recovery") and
   * the counting id each still holds on the server (null: it never counted).
   */
  lost?: ReadonlyMap<string, string | null>
  /** The counting id this device sends under now (features/cases/kpiSync.ts kpiCounterId). */
  counterId?: () => string | null
  /** Asks for the lost device's counting id to move here from it before the next count is sent (kpiSync.ts adoptKpiDeviceId). */
  adopt?: (counterId: string, fromDeviceId: string) => void
}

/**
 * On a sync of a case this worker leads: when the counting device named in the case is not one of
 * the worker's own devices (the lead was handed over to them), this device takes the counting.
 * Another device of the same worker keeps it. A revoked device of the worker (a lost phone) hands
 * it over only once its counting id is this device's: its last snapshot on the server is then
 * replaced by this device's, never added to it. Until then the lost phone's figures stand, and this
 * asks for the move. Returns whether it wrote.
 */
export function claimCounting(doc: Y.Doc, role: 'lead' | 'member', me: CountingSelf): boolean {
  if (role !== 'lead') return false
  const meta = readMeta(doc)
  if (meta.countingDeviceId && me.ownDeviceIds.has(meta.countingDeviceId) && meta.leadUserId === me.userId) return false
  if (meta.countingDeviceId && me.ownDeviceIds.has(meta.countingDeviceId)) {
    writeMeta(doc, { leadUserId: me.userId })
    return true
  }
  const lostCounter = meta.countingDeviceId ? me.lost?.get(meta.countingDeviceId) : undefined
  if (lostCounter && me.counterId?.() !== lostCounter) {
    // The move retires this device's id and drops its figures; the device then sends every period
    // again under the moved id (kpiSyncCore.ts resendUnderNewId), so a second lost phone's id can
    // follow the first. `from`: only while it is still on the lost phone (not taken by another device).
    me.adopt?.(lostCounter, meta.countingDeviceId!)
    return false
  }
  writeMeta(doc, { countingDeviceId: me.deviceId, leadUserId: me.userId })
  return true
}

/** The counter named by the old lead's device at a handover: no device of anyone (CaseStore.countingIndex leaves the case out everywhere until the new lead's device claims it). */
export const handOverMark = (userId: string) => `lead:${userId}`
/** The new lead named by a handover mark that no device of theirs has taken yet, else null. */
export const pendingLeadOf = (countingDeviceId: string | undefined): string | null => (countingDeviceId?.startsWith(handOverMark('')) ? countingDeviceId.slice(handOverMark('').length) : null)

/** The old lead's device hands the counting over (team.ts handOverLead). */
export function handOverCounting(doc: Y.Doc, newLeadUserId: string): void {
  writeMeta(doc, { countingDeviceId: handOverMark(newLeadUserId), leadUserId: newLeadUserId })
}
