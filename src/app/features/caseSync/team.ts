/**
 * The lead's changes to a case's team, on the phone (docs/case-sync.md "The team"). The caller
 * runs the sync loop after each (caseSyncLoop.ts runSoon):
 *
 * - **add** a colleague: the case's document key of the current generation, sealed to the
 *   colleague's exchange key after that key's signature is checked against the colleague's own
 *   certified device (teamKeys.ts);
 * - **remove** someone: a new document key (generation + 1), under this worker's user key and
 *   sealed to every other member who stays; the server then asks for a snapshot under it, which the
 *   sync loop makes. What the removed person already had stays on their devices;
 * - **hand over** the lead to a member. The new lead's device then takes the counting
 *   (teamCounting.ts, on its next sync), and the old device stops counting the case.
 */
import type { Members } from '../../../shared/api/caseTeam'
import { sealDocumentKey, type AnyKeyBox } from '../../../shared/caseSync/exchange'
import { newDocumentKey, wrapDocumentKey, type Signer } from '../../../shared/caseSync/messages'
import { deviceRecord, signingKey } from '../../core/deviceIdentity'
import type { CaseRecord } from '../../../shared/cases/v2'
import { useSessionStore } from '../../core/useSessionStore'
import { deviceOrganisationName } from '../cases/consultationPlan'
import { useCaseVault } from '../cases/useCaseVault'
import { renewManageSecrets } from '../residentPlan/residentLinks'
import { listColleagues, listMembers, postLead, postMember, postRemoval } from '../../api/caseTeam'
import { handOverCounting } from './teamCounting'
import { colleagueRecipient, TeamKeyError } from './teamKeys'
import { currentUserKey, userKeyOwner } from './userKey'

async function signer(): Promise<Signer> {
  const me = await deviceRecord()
  if (!me?.id) throw new Error('This device is not registered.')
  return { deviceId: me.id, signingKey: await signingKey() }
}

/** The case's document key of a generation as this device holds it (after a sync). */
async function documentKey(docId: string, keyGen: number): Promise<CryptoKey> {
  const docs = await useCaseVault().store.caseDocs()
  const key = await docs.step(docId, (_r, k) => k.keys.get(keyGen))
  if (!key) throw new TeamKeyError('no-document-key')
  return key
}

/** Adds a colleague of the same organisation to the case (this worker is its lead). */
export async function addColleague(docId: string, userId: string): Promise<void> {
  const [members, colleagues] = await Promise.all([listMembers(docId), listColleagues()])
  const exchangeKey = await colleagueRecipient(colleagues, userId)
  const dk = await documentKey(docId, members.keyGen)
  const keyBox = await sealDocumentKey(dk, { docId, keyGen: members.keyGen, userId, exchangeKey }, await signer(), new Date().toISOString())
  await postMember(docId, { userId, keyBox })
}

/** Removes someone from the case with a new key generation for everyone who stays. */
export async function removeMember(docId: string, userId: string): Promise<void> {
  const [members, colleagues, me, uk] = await Promise.all([listMembers(docId), listColleagues(), userKeyOwner(), currentUserKey()])
  if (!uk) throw new Error('This device holds no user key.')
  const keyGen = members.keyGen + 1
  const dk = await newDocumentKey()
  const s = await signer()
  const at = new Date().toISOString()
  const keyBoxes: AnyKeyBox[] = []
  for (const m of staying(members, userId)) {
    if (m === me) keyBoxes.push(await wrapDocumentKey(dk, uk.key, s, { docId, keyGen, userId: me, userKeyId: uk.keyId }))
    else keyBoxes.push(await sealDocumentKey(dk, { docId, keyGen, userId: m, exchangeKey: await colleagueRecipient(colleagues, m) }, s, at))
  }
  await postRemoval(docId, userId, { keyGen, keyBoxes })
  const vault = useCaseVault()
  const docs = await vault.store.caseDocs()
  await docs.step(docId, (_r, k) => k.addKey(keyGen, dk))
  // The resident's links: the manage secret the removed person holds stops working (docs/resident-plan.md).
  const cases = { load: (id: string) => vault.store.load(id), save: (c: CaseRecord) => vault.store.save(c) }
  // The removal stands either way; a failure here leaves the old secret working until the next removal.
  await renewManageSecrets(cases, docId, deviceOrganisationName(useSessionStore().me) ?? '').catch(() => 0)
}

const staying = (members: Members, removed: string) => members.members.map((m) => m.userId).filter((u) => u !== removed)

/**
 * Hands the lead to another member of the case. This device stops counting the case at once: the
 * case names the new lead as its counter until their device takes it (teamCounting.ts), so the
 * case is never counted twice (between the two, for a moment, by nobody).
 */
export async function handOverLead(docId: string, userId: string): Promise<void> {
  await postLead(docId, userId)
  const docs = await useCaseVault().store.caseDocs()
  await docs.step(docId, (r) => handOverCounting(r.doc, userId))
}
