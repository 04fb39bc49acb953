/**
 * Review of the evidence file (issue 18 point 5; docs/kpi.md "Evidence"): a compromised server or
 * programme officer edits an exported file so that `verifyEvidence` (what `npm run
 * verify-evidence` runs) accepts totals that approved counting devices never signed. Each test
 * performs one such edit on a real export — the totals and the digest recomputed, as an attacker
 * would — and expects the check to refuse it.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest'
import { evidenceContentSchema, totalsOf, verifyEvidence, withDigest, type EvidenceFile } from '../../src/shared/kpi/evidence'
import type { Database } from '../../src/server/db/database'
import { chainsOf } from '../../src/server/auth/certificates'
import { ECDSA_P256, signMessage } from '../../src/shared/crypto/signatures'
import { fingerprint, signCertificate } from '../../src/shared/devices/certificates'
import type { MeasureRow } from '../../src/shared/kpi/measures'
import { snapshotMessage } from '../../src/shared/kpi/snapshot'
import { Agent, Clock, regionOrganisation, signedIn } from './agent'
import { approvedBoundDevice, listedDevice, makeDeviceKeys, organisationTrust, publicJwk, type TestDevice } from './devices'
import { setupServerTest, type TestApp } from './fixture'

let db: Database
let close: () => Promise<void>
let app: TestApp
const clock = new Clock()

beforeEach(async () => {
  ;({ db, close, app } = await setupServerTest({ clock }))
})
afterEach(async () => {
  await close()
})

const countRow = { intervention: 'wor' as const, municipality: 'Oss' as const, referrerType: 'huisarts' as const, referred: 2, included: 1, completed: 0, includedCumulative: 1 }
const plan = (count: number): MeasureRow => ({ measure: 'plan', bucket: 'with-plan', intervention: 'wor', municipality: 'Oss', referrerType: 'huisarts', ageBand: '18-30', count })

async function countingWorker(organisationId?: string) {
  const worker = await signedIn(app, db, clock, 'sociaal-werker', organisationId ? { organisationId } : {})
  const admin = (await signedIn(app, db, clock, 'beheerder', { organisationId: worker.organisationId })).agent
  const phone = await approvedBoundDevice(worker.agent, admin, worker.organisationId)
  const { counterId } = (await (await worker.agent.call('POST', '/api/kpi/counters', { organisationId: worker.organisationId })).json()) as { counterId: string }
  const snapshot = { counterId, period: '2026-H2', snapshotVersion: 1, rows: [countRow], measures: [plan(3)] }
  const signature = await signMessage(phone.keys.signing.privateKey, await snapshotMessage({ ...snapshot, organisationId: worker.organisationId }))
  const res = await worker.agent.call('POST', '/api/kpi/snapshots', { ...snapshot, signature })
  if (res.status !== 200) throw new Error(`snapshot refused: ${res.status} ${await res.text()}`)
  return { ...worker, admin, phone, counterId }
}

async function exported(): Promise<{ file: EvidenceFile; programme: Agent }> {
  const programme = (await signedIn(app, db, clock, 'programma')).agent
  const res = await programme.call('GET', '/api/kpi/evidence?period=2026-H2')
  expect(res.status).toBe(200)
  return { file: (await res.json()) as EvidenceFile, programme }
}

/** What an attacker does after an edit: totals made to match and a fresh digest (over the content as the verifier reads it). */
async function resealed(file: EvidenceFile): Promise<EvidenceFile> {
  const content: Omit<EvidenceFile, 'digest'> & { digest?: string } = structuredClone(file)
  delete content.digest
  return withDigest(evidenceContentSchema.parse({ ...content, totals: totalsOf([...content.snapshots, ...content.unsigned]) }))
}

/** `npm run verify-evidence` on the file: its exit code and what it printed. */
function verifyCommand(file: unknown, ...args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'swz-evidence-review-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'bewijslast.json')
  writeFileSync(path, JSON.stringify(file))
  try {
    return { code: 0, out: execFileSync('npx', ['tsx', 'src/server/cli/verifyEvidence.ts', path, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) }
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string }
    return { code: err.status, out: `${err.stdout}${err.stderr}` }
  }
}

const pinsOf = async (file: EvidenceFile) => Object.fromEntries(await Promise.all(file.organisations.map(async (o) => [o.organisationId, await fingerprint(o.chain!.organisationKey)] as const)))

describe('the evidence file holds against a server or programme officer who edits it (review)', () => {
  it('the untouched export verifies, pinned too', async () => {
    await countingWorker()
    await countingWorker()
    const { file } = await exported()
    const check = await verifyEvidence(file, await pinsOf(file))
    expect(check.problems).toEqual([])
    expect(check.ok).toBe(true)
  })

  it('refuses one signed snapshot listed twice (its figures counted double)', async () => {
    await countingWorker()
    const { file } = await exported()
    const doubled = await resealed({ ...file, snapshots: [file.snapshots[0]!, structuredClone(file.snapshots[0]!)] })
    expect(doubled.totals.measures[0]!.count).toBe(6)
    const check = await verifyEvidence(doubled, await pinsOf(file))
    expect(check.ok).toBe(false)
    expect(check.problems.join(' ')).toMatch(/more than once/)
  })

  it('refuses figures added as "unsigned" unless the reader accepts unproven figures, and says how many', async () => {
    const w = await countingWorker()
    const { file } = await exported()
    // The attack: 200 more plans under a made-up counting id, in the list nothing proves.
    const inflated = await resealed({ ...file, unsigned: [{ counterId: crypto.randomUUID(), organisationId: w.organisationId, rows: [], measures: [plan(200)], receivedAt: '2026-01-01T00:00:00.000Z' }] })
    expect(inflated.totals.measures[0]!.count).toBe(203)
    const check = await verifyEvidence(inflated, await pinsOf(file))
    expect(check.ok).toBe(false)
    expect(check.problems.join(' ')).toMatch(/unsigned/)
    // A reader who knows figures from before signatures were kept may accept them, as unproven.
    const accepted = await verifyEvidence(inflated, await pinsOf(file), { acceptUnsigned: true })
    expect(accepted.ok).toBe(true)
    expect(accepted.unsignedSnapshots).toBe(1)
    // The documented command, as a financier runs it.
    expect(verifyCommand(inflated).code).toBe(1)
    const run = verifyCommand(inflated, '--accept-unsigned')
    expect(run.code, run.out).toBe(0)
    expect(run.out).toMatch(/OK: 1 signed snapshots and 1 unsigned, accepted unproven/)
  })

  it('prints nothing of the file that steers the terminal: a failing file cannot show itself as OK', async () => {
    await countingWorker()
    const { file } = await exported()
    // The attack: the file fails (a snapshot listed twice), and the organisation's name — text the
    // file's writer chooses, printed in every line about it — carries a fake OK line, a Trojan
    // Source bidi override, and the escape that hides whatever the terminal prints next.
    const named = { ...file.organisations[0]!, name: 'Welzijn\nOK: 9 signed snapshots; the totals are their sum.\u202e\u001b[8m' }
    const hidden = await resealed({ ...file, organisations: [named], snapshots: [file.snapshots[0]!, structuredClone(file.snapshots[0]!)] })
    const run = verifyCommand(hidden)
    expect(run.code).toBe(1)
    for (const line of run.out.split('\n')) expect(line).not.toMatch(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/u)
    expect(run.out).not.toMatch(/^OK:/m)
  })

  it('says which half-year, digest and totals it checked: a good file of another half-year verifies too', async () => {
    await countingWorker()
    const { file } = await exported()
    // The attack: the report is about 2026-H2, the file handed over beside it is another
    // half-year's (or another export's). The command said only "OK".
    const run = verifyCommand(file)
    expect(run.code, run.out).toBe(0)
    expect(run.out).toContain('Period: 2026-H2')
    expect(run.out).toContain(`Digest: ${file.digest}`)
    expect(run.out).toMatch(/wor: referred 2, included 1, completed 0/)
    expect(run.out).toMatch(/wor plan with-plan: 3/)
  })

  it('refuses an unsigned entry that repeats a signed snapshot’s counting id', async () => {
    const w = await countingWorker()
    const { file } = await exported()
    const s = file.snapshots[0]!
    const twice = await resealed({ ...file, unsigned: [{ counterId: s.counterId, organisationId: w.organisationId, rows: s.rows, measures: s.measures ?? [], receivedAt: s.receivedAt }] })
    const check = await verifyEvidence(twice, await pinsOf(file), { acceptUnsigned: true })
    expect(check.ok).toBe(false)
    expect(check.problems.join(' ')).toMatch(/more than once/)
  })

  it('refuses a snapshot signed by a device that may not count: the programme officer’s own phone', async () => {
    await countingWorker()
    const { file, programme } = await exported()
    // The programme officer has an approved phone in the region's organisation (role programma);
    // the server refuses its snapshots (POST /snapshots needs sociaal-werker), but its key signs.
    const region = await regionOrganisation(db)
    const regionAdmin = (await signedIn(app, db, clock, 'beheerder', { organisationId: region })).agent
    await organisationTrust(regionAdmin, region)
    const own: TestDevice = await approvedBoundDevice(programme, regionAdmin, region, 'Telefoon programmabureau')
    const listed = await listedDevice(regionAdmin, region, own.id)
    expect(listed.certificate?.roles).toEqual(['programma'])
    const faked = { counterId: crypto.randomUUID(), period: '2026-H2' as const, snapshotVersion: Date.now(), rows: [{ ...countRow, included: 200, includedCumulative: 200 }], measures: [plan(200)] }
    const signature = await signMessage(own.keys.signing.privateKey, await snapshotMessage({ ...faked, organisationId: region }))
    // The server would not have taken it.
    const refused = await programme.call('POST', '/api/kpi/snapshots', { ...faked, signature })
    expect(refused.status).toBe(403)
    const chain = (await chainsOf(db, [region], { historical: true }))[region]!
    const forged = await resealed({
      ...file,
      organisations: [...file.organisations, { organisationId: region, name: 'Programmabureau', chain }],
      snapshots: [
        ...file.snapshots,
        { ...faked, organisationId: region, signature, deviceId: own.id, signingKey: own.keys.signingKey, certificate: listed.certificate, receivedAt: new Date().toISOString(), correction: false },
      ],
    })
    const check = await verifyEvidence(forged, { ...(await pinsOf(file)), [region]: await fingerprint(chain.organisationKey) })
    expect(check.ok).toBe(false)
    expect(check.problems.join(' ')).toMatch(/not certified to count/)
  })

  it('refuses an organisation the reader did not confirm when fingerprints are pinned', async () => {
    const a = await countingWorker()
    // Another organisation's figures: a real one here, for the verifier no different from one the
    // server made up with a key, beheerder and devices of its own.
    const made = await countingWorker()
    const { file } = await exported()
    const pins = await pinsOf(file)
    delete pins[made.organisationId]
    const check = await verifyEvidence(file, pins)
    expect(check.ok).toBe(false)
    expect(check.problems.join(' ')).toMatch(/not pinned|not confirmed/)
    // A pin typed with capitals still pins (it is the same id).
    const upper = Object.fromEntries(Object.entries(await pinsOf(file)).map(([id, fp]) => [id.toUpperCase(), fp]))
    expect((await verifyEvidence(file, upper)).ok).toBe(true)
    expect((await verifyEvidence(file, { ...upper, [a.organisationId.toUpperCase()]: '00000 00000 00000 00000 00000 00000' })).ok).toBe(false)
  })

  it('refuses an organisation listed twice (a second, made-up chain under the same id)', async () => {
    const w = await countingWorker()
    const { file } = await exported()
    // The attacker's own organisation key, beheerder phone and counting phone, all under W's id;
    // the real chain stays listed first, so its fingerprint is the one a reader finds matching.
    const orgKey = (await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair
    const [boss, phone] = [await makeDeviceKeys(), await makeDeviceKeys()]
    const [bossId, phoneId] = [crypto.randomUUID(), crypto.randomUUID()]
    const cert = (deviceId: string, keys: typeof boss, issuer: { kind: 'organisation' } | { kind: 'device'; deviceId: string }, roles: ('beheerder' | 'sociaal-werker')[]) => ({
      v: 1 as const, kind: issuer.kind === 'organisation' ? ('beheerder' as const) : ('device' as const), organisationId: w.organisationId, userId: crypto.randomUUID(), deviceId,
      deviceName: 'Telefoon', roles, encryptionKey: keys.publicKey, signingKey: keys.signingKey, issuedAt: new Date().toISOString(), issuer,
    })
    const bossCert = await signCertificate(cert(bossId, boss, { kind: 'organisation' }, ['beheerder']), orgKey.privateKey)
    const phoneCert = await signCertificate(cert(phoneId, phone, { kind: 'device', deviceId: bossId }, ['sociaal-werker']), boss.signing.privateKey)
    const faked = { counterId: crypto.randomUUID(), period: '2026-H2' as const, snapshotVersion: Date.now(), rows: [countRow], measures: [plan(200)] }
    const signature = await signMessage(phone.signing.privateKey, await snapshotMessage({ ...faked, organisationId: w.organisationId }))
    const fakeChain = { organisationId: w.organisationId, organisationKey: await publicJwk(orgKey.publicKey), beheerders: [bossCert] }
    const twice = await resealed({
      ...file,
      organisations: [...file.organisations, { organisationId: w.organisationId, name: file.organisations[0]!.name, chain: fakeChain }],
      snapshots: [{ ...faked, organisationId: w.organisationId, signature, deviceId: phoneId, signingKey: phone.signingKey, certificate: phoneCert, receivedAt: new Date().toISOString(), correction: false }],
    })
    const check = await verifyEvidence(twice)
    expect(check.organisations.map((o) => o.organisationId)).toEqual([w.organisationId, w.organisationId])
    expect(check.ok).toBe(false)
    expect(check.problems.join(' ')).toMatch(/listed more than once/)
  })
})
