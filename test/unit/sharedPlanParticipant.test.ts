/**
 * The participant's phone (docs/shared-plan.md "On the participant's phone"), with real keys and
 * certificates: the lead's phone is certified under its organisation's key, this phone holds the
 * participant's device keys under a real vault. A box from an uncertified sender, from a device
 * without the role sociaal-werker, from another organisation not yet accepted, or for another
 * person is not opened; an older version does not replace a newer kept one, and a newer one that
 * does not open does not push out an older one that does; a plan no longer listed stays readable,
 * marked; a response verifies with planResponseMessage, decrypts with decryptResponse and passes
 * acceptResponse, and waits, goes or is refused through its outbox. The lead is trusted on first use:
 * a colleague's certified device that seals a version naming itself lead is refused (and blocks
 * nothing), until the person accepts that new lead.
 */
import 'fake-indexeddb/auto'
import { Dexie } from 'dexie'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEVICE_DB_NAME, deviceRecord, prepareRegistration, rememberRegistration, thisDevice, useDeviceVault } from '../../src/app/core/deviceIdentity'
import { acceptNewKey, forgetPinnedKeys } from '../../src/app/core/pinnedKeys'
import { CaseDb } from '../../src/app/features/cases/caseDb'
import { Vault } from '../../src/app/features/cases/vault'
import { sharedPlanDb } from '../../src/app/features/sharedPlan/planDb'
import { buildResponse, localAnswers, respond, responseOutbox } from '../../src/app/features/sharedPlan/planResponses'
import { acceptLead, acceptedLead, openAll, takeIn } from '../../src/app/features/sharedPlan/planStore'
import type { MyPlans } from '../../src/shared/api/plans'
import { acceptResponse, decryptResponse, newResponseKey, planBoxContext, planResponseMessage, type ParticipantPlan } from '../../src/shared/cases/sharedPlan'
import { sealSigned } from '../../src/shared/crypto/sealed'
import { ECDSA_P256, verifyMessage } from '../../src/shared/crypto/signatures'
import { fingerprint, type Certificate, type OrganisationChain } from '../../src/shared/devices/certificates'
import { organisation } from './planPhones'
import { jwk, phone, type Phone } from './testPhones'

const LEAD_ORG = '6c1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6'
const MY_ORG = '7a1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d7'
const THIS_DEVICE = '1b6a5f0e-6f3b-4b8e-9d57-1c2d3e4f5a6b'
const ME = '2f2e1d0c-9b8a-4765-8432-10fedcba9876'
const OTHER = '3f2e1d0c-9b8a-4765-8432-10fedcba9877'
const LEAD = '4a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d'
const P_ME = '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1e'
const P_LEAD = '6a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1f'
const PLAN = '8d7c6b5a-4e3f-4a2b-9c1d-0e9f8a7b6c5d'
const MINE = '9d7c6b5a-4e3f-4a2b-9c1d-0e9f8a7b6c50'
const THEIRS = '0d7c6b5a-4e3f-4a2b-9c1d-0e9f8a7b6c51'

let lead: Awaited<ReturnType<typeof organisation>>
let leadPhone: Phone
let leadCert: Certificate
let casedb: CaseDb
const responseKey = newResponseKey()

const planOf = (version: number, o: Partial<ParticipantPlan> = {}): ParticipantPlan => ({
  v: 1,
  planId: PLAN,
  version,
  sentAt: `2026-12-0${version}T09:00:00.000Z`,
  leadUserId: LEAD,
  organisation: 'Welzijn Oss',
  resident: 'Mevrouw Jansen',
  participants: [
    { id: P_ME, name: 'Dokter De Vries', role: 'huisarts', organisation: 'Praktijk Oss', discipline: 'huisarts', phone: '0412 123456', userId: ME },
    { id: P_LEAD, name: 'Sanne', role: 'sociaal werker', organisation: 'Welzijn Oss', discipline: 'sociaal werk', userId: LEAD },
  ],
  actions: [
    { id: MINE, what: `Medicatie bekijken v${version}`, owner: 'Dokter De Vries', ownerId: P_ME, due: '2026-12-20', done: false },
    { id: THEIRS, what: 'Schuldhulp regelen', owner: 'Sanne', ownerId: P_LEAD, done: false },
  ],
  leadId: P_LEAD,
  evaluationDate: '2027-01-15',
  responseKey,
  recipient: { userId: ME, participantId: P_ME },
  ...o,
})

async function me() {
  const d = await deviceRecord()
  return { deviceId: d!.id!, publicKey: d!.publicKeys.publicKey }
}
/** One box as the lead's phone seals it, and the server's listing of it. */
async function listing(plan: ParticipantPlan, o: { sender?: Phone; cert?: Certificate; context?: string; chain?: OrganisationChain } = {}): Promise<MyPlans> {
  const sender = o.sender ?? leadPhone
  const box = await sealSigned(plan, [await me()], o.context ?? planBoxContext(plan.planId, plan.version, ME), { deviceId: sender.id, signingKey: sender.signing.privateKey }, plan.sentAt)
  return { plans: [{ planId: plan.planId, version: plan.version, box, sender: o.cert ?? leadCert, receivedAt: plan.sentAt }], chains: { [LEAD_ORG]: o.chain ?? lead.chain } }
}
const open = async () => openAll((await thisDevice())!, ME)
/** The reason the only plan did not open; it must not have opened. */
async function refused() {
  const [view] = await open()
  expect(view?.plan).toBeUndefined()
  return view?.problem
}

beforeAll(async () => {
  await Dexie.delete(DEVICE_DB_NAME)
  casedb = new CaseDb('shared-plan-participant-test')
  const vault = new Vault(casedb)
  await vault.setUp('koffie bij de buurvrouw in Oss')
  useDeviceVault(() => vault)
  await prepareRegistration()
  await rememberRegistration(THIS_DEVICE, MY_ORG)
  lead = await organisation(LEAD_ORG)
  leadPhone = await phone()
  leadCert = await lead.approve(leadPhone, LEAD)
})
afterAll(() => {
  useDeviceVault(undefined)
  casedb.close()
})
beforeEach(async () => {
  await acceptNewKey(LEAD_ORG, await fingerprint(lead.chain.organisationKey))
})
afterEach(async () => {
  await forgetPinnedKeys()
  await Promise.all([sharedPlanDb.boxes.clear(), sharedPlanDb.outbox.clear(), sharedPlanDb.sent.clear(), sharedPlanDb.leads.clear()])
  vi.unstubAllGlobals()
})

describe('a plan box on the participant’s phone', () => {
  it('opens from the lead’s certified device, and opens again from the phone alone', async () => {
    await takeIn(await listing(planOf(1)), ME)
    const [view] = await open()
    expect(view?.plan?.actions[0]?.what).toBe('Medicatie bekijken v1')
    expect(view?.gone).toBe(false)
    // The box stays sealed on the phone: nothing of the plan is in storage in clear.
    expect(JSON.stringify(await sharedPlanDb.boxes.toArray())).not.toContain('Medicatie')
  })

  it('is not opened from an uncertified sender, a device without the role sociaal-werker, or a colleague who is not the lead', async () => {
    const rogue = (await crypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify'])) as CryptoKeyPair
    await takeIn(await listing(planOf(1), { cert: await lead.forge(leadPhone, LEAD, rogue.privateKey) }), ME)
    expect(await refused()).toBe('unverified')
    await sharedPlanDb.boxes.clear()
    const gp = await phone()
    await takeIn(await listing(planOf(1), { sender: gp, cert: await lead.approve(gp, LEAD, ['huisarts']) }), ME)
    expect(await refused()).toBe('unverified')
    await sharedPlanDb.boxes.clear()
    const colleague = await phone()
    await takeIn(await listing(planOf(1), { sender: colleague, cert: await lead.approve(colleague, OTHER) }), ME)
    expect(await refused()).toBe('unverified')
  })

  it('is not opened when it is for another person', async () => {
    // Sealed for another account (its context), handed to this phone.
    await takeIn(await listing(planOf(1), { context: planBoxContext(PLAN, 1, OTHER) }), ME)
    expect(await refused()).toBe('unverified')
    await sharedPlanDb.boxes.clear()
    // Sealed in this person's context, but the content is another person's copy.
    await takeIn(await listing(planOf(1, { recipient: { userId: OTHER, participantId: P_ME } })), ME)
    expect(await refused()).toBe('notForYou')
  })

  it('from an organisation this phone does not know: not opened, its number offered; opened once accepted', async () => {
    await forgetPinnedKeys()
    await takeIn(await listing(planOf(1)), ME)
    const [view] = await open()
    expect(view?.plan).toBeUndefined()
    expect(view).toMatchObject({ problem: 'unknownSender', unknown: { organisationId: LEAD_ORG, fingerprint: await fingerprint(lead.chain.organisationKey) } })
    await acceptNewKey(LEAD_ORG, view!.unknown!.fingerprint)
    expect((await open())[0]?.plan?.version).toBe(1)
  })

  it('an older version does not replace a newer kept one; a newer that does not open does not push out one that does', async () => {
    await takeIn(await listing(planOf(2)), ME)
    expect((await open())[0]?.plan?.version).toBe(2)
    await takeIn(await listing(planOf(1)), ME)
    // Not even taken in beside it (should version 2 stop opening, version 1 must not show instead).
    expect(await sharedPlanDb.boxes.count()).toBe(1)
    expect((await open())[0]?.plan?.version).toBe(2)
    // Version 3 from a forged certificate: version 2 stays shown, with the reason beside it.
    const rogue = (await crypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify'])) as CryptoKeyPair
    await takeIn(await listing(planOf(3), { cert: await lead.forge(leadPhone, LEAD, rogue.privateKey) }), ME)
    expect((await open())[0]).toMatchObject({ plan: { version: 2 }, problem: 'unverified' })
    // The real version 3 cannot take the forged one's place (same version), but version 4 does, and 2 and 3 go.
    await takeIn(await listing(planOf(4)), ME)
    expect((await open())[0]?.plan?.version).toBe(4)
    expect((await sharedPlanDb.boxes.toArray()).map((b) => b.version)).toEqual([4])
  })

  it('a plan the server no longer lists stays readable as last received, marked gone; listed again, it is not', async () => {
    await takeIn(await listing(planOf(1)), ME)
    await takeIn({ plans: [], chains: {} }, ME)
    expect((await open())[0]).toMatchObject({ plan: { version: 1 }, gone: true })
    await takeIn(await listing(planOf(1)), ME)
    expect((await open())[0]?.gone).toBe(false)
  })
})

describe('the plan’s lead, trusted on first use', () => {
  /** A version as the lead's colleague (OTHER, certified by the same organisation) seals it, naming themselves lead. */
  const takenOver = (version: number): ParticipantPlan =>
    planOf(version, {
      sentAt: '2026-12-09T09:00:00.000Z',
      leadUserId: OTHER,
      participants: [
        { id: P_ME, name: 'Dokter De Vries', role: 'huisarts', organisation: 'Praktijk Oss', discipline: 'huisarts', userId: ME },
        { id: P_LEAD, name: 'Kees Collega', role: 'sociaal werker', organisation: 'Welzijn Oss', discipline: 'sociaal werk', userId: OTHER },
      ],
    })

  it('refuses a colleague’s version 1,000,000 naming itself lead, lets the real lead’s next version open, and opens the new lead’s only once accepted', async () => {
    const colleague = await phone()
    const colleagueCert = await lead.approve(colleague, OTHER)
    await takeIn(await listing(planOf(1)), ME)
    expect((await open())[0]?.plan?.version).toBe(1)
    expect(await acceptedLead(PLAN, ME)).toBe(LEAD)

    // The attack: a certified colleague seals a huge version that names them as the lead.
    await takeIn(await listing(takenOver(1_000_000), { sender: colleague, cert: colleagueCert }), ME)
    expect((await open())[0]).toMatchObject({ plan: { version: 1, leadUserId: LEAD }, problem: 'leadChanged', newLead: { userId: OTHER, name: 'Kees Collega', organisation: 'Welzijn Oss' } })
    // It never counts for the no-rollback rule: the real lead's next version still opens.
    await takeIn(await listing(planOf(2)), ME)
    expect((await open())[0]).toMatchObject({ plan: { version: 2, leadUserId: LEAD }, problem: 'leadChanged' })
    expect(await acceptedLead(PLAN, ME)).toBe(LEAD)

    // A real handover: the person accepts the new lead; the new lead's versions open, the old lead's no longer do.
    await acceptLead(PLAN, ME, OTHER)
    expect((await open())[0]?.plan).toMatchObject({ version: 1_000_000, leadUserId: OTHER })
    await takeIn(await listing(takenOver(1_000_001), { sender: colleague, cert: colleagueCert }), ME)
    expect((await open())[0]?.plan?.version).toBe(1_000_001)
    await takeIn(await listing(planOf(1_000_002, { sentAt: '2026-12-10T09:00:00.000Z' })), ME)
    expect((await open())[0]).toMatchObject({ plan: { version: 1_000_001 }, problem: 'leadChanged', newLead: { userId: LEAD, name: 'Sanne' } })
  })

  it('reads a damaged accepted-lead row back as none', async () => {
    await sharedPlanDb.leads.put({ key: `${PLAN}|${ME}`, planId: PLAN, userId: ME, leadUserId: 'not-an-id', acceptedAt: 'x', how: 'first' } as never)
    expect(await acceptedLead(PLAN, ME)).toBeUndefined()
  })
})

describe('a response on the participant’s own action', () => {
  it('verifies with planResponseMessage, decrypts with decryptResponse and is accepted as the owner’s', async () => {
    const participantPhone = await phone()
    const plan = planOf(1)
    const r = await buildResponse(plan, { actionId: MINE, done: true, note: ' Gebeld met de apotheek ', at: '2026-12-02T10:00:00.000Z' }, { id: participantPhone.id, signingKey: participantPhone.signing.privateKey })
    const { signature, ...unsigned } = r
    expect(await verifyMessage(await jwk(participantPhone.signing.publicKey), planResponseMessage(PLAN, unsigned), signature)).toBe(true)
    // Moved to another plan, it no longer verifies.
    expect(await verifyMessage(await jwk(participantPhone.signing.publicKey), planResponseMessage(THEIRS, unsigned), signature)).toBe(false)
    const content = await decryptResponse(PLAN, r, plan.responseKey)
    expect(content).toMatchObject({ planId: PLAN, actionId: MINE, done: true, note: 'Gebeld met de apotheek', userId: ME })
    expect(acceptResponse(plan, { content: content!, signerUserId: ME })).toEqual({ ok: true })
    // Someone else's action is not offered, and not built either.
    await expect(buildResponse(plan, { actionId: THEIRS, done: true, at: '2026-12-02T10:00:00.000Z' }, { id: participantPhone.id, signingKey: participantPhone.signing.privateKey })).rejects.toThrow('not your action')
  })

  it('waits offline, is sent byte for byte once online, and is kept with its reason when the server says the plan is no longer yours', async () => {
    const plan = planOf(1)
    const bodies: string[] = []
    let answer: () => Response = () => {
      throw new TypeError('offline')
    }
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      bodies.push(String(init.body))
      return answer()
    })
    await respond(plan, MINE, true, 'Recept aangepast')
    await responseOutbox().flush()
    expect((await localAnswers(plan)).get(MINE)).toMatchObject({ done: true, note: 'Recept aangepast', state: 'waiting' })
    // Nothing readable waits on the phone.
    expect(JSON.stringify(await sharedPlanDb.outbox.toArray())).not.toContain('Recept')
    answer = () => new Response(JSON.stringify({ seq: 1 }), { status: 201, headers: { 'Content-Type': 'application/json' } })
    await responseOutbox().flush()
    // Tried offline, then sent: the same bytes.
    expect(bodies.length).toBe(2)
    expect(bodies[1]).toBe(bodies[0])
    expect((await localAnswers(plan)).get(MINE)).toMatchObject({ state: 'sent' })
    // The next version shows the reply: the phone's own copy goes.
    const shown = planOf(2, { actions: [{ ...plan.actions[0]!, done: true, reply: { done: true, note: 'Recept aangepast', at: new Date().toISOString(), by: 'Dokter De Vries' } }, plan.actions[1]!] })
    expect((await localAnswers(shown)).size).toBe(0)
    expect(await sharedPlanDb.sent.count()).toBe(0)

    answer = () => new Response(JSON.stringify({ error: 'Not found', code: 'not-found' }), { status: 404, headers: { 'Content-Type': 'application/json' } })
    await respond(plan, MINE, false)
    await responseOutbox().flush()
    expect((await localAnswers(plan)).get(MINE)).toMatchObject({ done: false, state: 'refused', problem: { status: 404 } })
    expect(await sharedPlanDb.outbox.count()).toBe(1)
  })
})
