/**
 * A social worker's phone that runs the app's own case and counting code in Node (issue 18): the
 * real CaseStore over Dexie (fake-indexeddb) with a real vault, so every case saved gets its sealed
 * facts (features/cases/caseFactsStore.ts), and the real KPI outbox (kpiSyncCore.ts) that counts
 * the cases and their measures, signs them with the phone's device key and sends them to the
 * harness's server under the counting id it issued. For browser tests whose subject is the
 * programme's dashboard, not the clicking that made the cases (the brief: seed through the API).
 */
import 'fake-indexeddb/auto'
import { CaseDb } from '../../src/app/features/cases/caseDb'
import { CaseStore } from '../../src/app/features/cases/caseStore'
import { Vault } from '../../src/app/features/cases/vault'
import { flushCounts, markPeriodsChanged, type SyncIdentity } from '../../src/app/features/cases/kpiSyncCore'
import { classifyFailure } from '../../src/app/sync/outbox'
import { signMessage } from '../../src/shared/crypto/signatures'
import type { CaseRecord } from '../../src/shared/cases/v2'
import type { Role } from '../../src/shared/accounts/roles'
import { softwarePrf } from '../unit/softwarePrf'
import type { ApiClient } from './apiClient'
import { nodeProfessional, type NodeProfessional } from './nodeProfessional'

export interface MeasuringPhone {
  pro: NodeProfessional
  /** Saves the case as the app does (its facts sealed beside it, its periods into the outbox). */
  save(record: CaseRecord): Promise<void>
  /** Sends every period in the outbox as a signed snapshot with its measures; `today` is the region's date the measures are counted against. */
  sync(today: string): Promise<number>
  /** Puts a half-year into the outbox again (as the daily check or a resend would). */
  resend(period: string): Promise<void>
  close(): void
}

export async function measuringPhone(base: string, org: { admin: ApiClient; organisationId: string }, person: { email: string; name: string }, password: string): Promise<MeasuringPhone> {
  const pro = await nodeProfessional(base, org, { ...person, role: 'sociaal-werker' as Role }, password)
  const db = new CaseDb(`measuring-phone-${pro.device.id}`)
  const vault = new Vault(db, undefined, Date.now, () => undefined, softwarePrf())
  await vault.setUp({ mode: 'prf' })
  const store = new CaseStore(db, vault, async () => pro.device.id)
  const { counterId } = await pro.client.call<{ counterId: string; serverTime: number }>('POST', '/api/kpi/counters', { organisationId: pro.organisationId })
  let version = 0
  const identity: SyncIdentity = {
    counterId,
    organisationId: pro.organisationId,
    nextVersion: () => (version = Math.max(version + 1, Date.now())),
    raiseVersion: (v) => (version = Math.max(version, v)),
    sign: (message) => signMessage(pro.device.keys.signing.privateKey, message),
  }
  const post = async (snapshot: unknown) => {
    const res = await pro.client.agent.call('POST', '/api/kpi/snapshots', snapshot)
    const body = (await res.json()) as { code?: string }
    if (!res.ok) throw Object.assign(new Error(`snapshot refused: ${res.status} ${body.code ?? ''}`), { status: res.status, code: body.code })
    return body
  }
  return {
    pro,
    save: (record) => store.save(record),
    async sync(today) {
      const result = await flushCounts(db.outbox, () => store.countingIndex(), identity, post, classifyFailure, Date.now, { facts: () => store.countingFacts(), today: () => today })
      if (result.refused) throw new Error(`counts refused: ${result.refused}`)
      return result.sent
    },
    resend: (period) => db.transaction('rw', db.outbox, () => markPeriodsChanged(db.outbox, [period])),
    close: () => db.close(),
  }
}
