/**
 * The casusregisseur's side of the shared samenwerkplan (src/app/features/sharedPlan/publishPlan.ts
 * and readResponses.ts; docs/shared-plan.md "On the casusregisseur's phone"), with real crypto: real
 * ECDSA/ECDH keys, certificates signed up to an organisation key this phone pinned, sealSigned boxes
 * opened by the participants' devices, responses encrypted and signed as a participant's phone does.
 * The server is a small in-memory stand-in that takes only bodies the contract's schemas accept.
 */
import 'fake-indexeddb/auto'
import { Dexie } from 'dexie'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DEVICE_DB_NAME, prepareRegistration, rememberRegistration, useDeviceVault } from '../../src/app/core/deviceIdentity'
import { acceptNewKey, forgetPinnedKeys } from '../../src/app/core/pinnedKeys'
import { CaseDb } from '../../src/app/features/cases/caseDb'
import { Vault } from '../../src/app/features/cases/vault'
import { publishPlan, type PublishEnv, type PutResult } from '../../src/app/features/sharedPlan/publishPlan'
import { readResponses, type ResponsesEnv } from '../../src/app/features/sharedPlan/readResponses'
import { ensureSharedPlan, linkAccount } from '../../src/app/features/sharedPlan/accounts'
import { putPlanSchema, type PlanPeople, type PlanPerson, type PlanResponses, type PutPlan } from '../../src/shared/api/plans'
import { encryptResponse, participantPlanSchema, planBoxContext, planResponseMessage, type ParticipantPlan, type ResponseKey } from '../../src/shared/cases/sharedPlan'
import { newCase, type CaseRecord } from '../../src/shared/cases/v2'
import { openVerified, type SealedV2 } from '../../src/shared/crypto/sealed'
import { ECDSA_P256, signMessage } from '../../src/shared/crypto/signatures'
import { fingerprint, signCertificate, type Certificate, type OrganisationChain } from '../../src/shared/devices/certificates'
import { jwk, phone, type Phone } from './testPhones'

const WELZIJN = '6c1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6'
const PRAKTIJK = '7d2f3a4b-5c6d-4e7f-8a91-92a3b4c5d6e7'
const THIS_DEVICE = '1b6a5f0e-6f3b-4b8e-9d57-1c2d3e4f5a6b'
const LEAD = '3a3b3c3d-1e0f-4a9b-8c7d-6e5f4a3b2c01'
const JANSEN_USER = '3a3b3c3d-1e0f-4a9b-8c7d-6e5f4a3b2c02'
const KARIN_USER = '3a3b3c3d-1e0f-4a9b-8c7d-6e5f4a3b2c03'
const JANSEN = '0b7c3a52-7d2e-4c51-9a4e-2f1c6a3b9d01'
const KARIN = '0b7c3a52-7d2e-4c51-9a4e-2f1c6a3b9d02'
const SANNE = '0b7c3a52-7d2e-4c51-9a4e-2f1c6a3b9d03'
const JANSEN_ACTION = '5e5e5e5e-1e0f-4a9b-8c7d-6e5f4a3b2c01'
const KARIN_ACTION = '5e5e5e5e-1e0f-4a9b-8c7d-6e5f4a3b2c02'
const TODAY = '2026-03-06'

/** An organisation key, a beheerder device, and `approve` (a device certificate for a person). */
async function organisation(organisationId: string) {
  const key = (await crypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify'])) as CryptoKeyPair
  const admin = await phone()
  const sign = async (p: Phone, userId: string, kind: 'beheerder' | 'device', issuerKey: CryptoKey): Promise<Certificate> =>
    signCertificate(
      {
        v: 1,
        kind,
        organisationId,
        userId,
        deviceId: p.id,
        roles: kind === 'beheerder' ? ['beheerder'] : ['huisarts'],
        deviceName: 'Telefoon',
        issuedAt: '2026-03-01T09:00:00.000Z',
        issuer: kind === 'beheerder' ? { kind: 'organisation' } : { kind: 'device', deviceId: admin.id },
        signingKey: await jwk(p.signing.publicKey),
        encryptionKey: await jwk(p.encryption.publicKey),
      },
      issuerKey,
    )
  const adminCert = await sign(admin, crypto.randomUUID(), 'beheerder', key.privateKey)
  const chain: OrganisationChain = { organisationId, organisationKey: await jwk(key.publicKey), beheerders: [adminCert] }
  return { chain, approve: (p: Phone, userId: string) => sign(p, userId, 'device', admin.signing.privateKey), forge: (p: Phone, userId: string, rogue: CryptoKey) => sign(p, userId, 'device', rogue) }
}

let praktijk: Awaited<ReturnType<typeof organisation>>
let db: CaseDb
let leadPhone: Phone
let jansenPhone: Phone
let karinPhone: Phone
let jansenCert: Certificate
let karinCert: Certificate

beforeAll(async () => {
  await Dexie.delete(DEVICE_DB_NAME)
  db = new CaseDb('shared-plan-lead-test')
  const vault = new Vault(db)
  await vault.setUp('koffie bij de buurvrouw in Oss')
  useDeviceVault(() => vault)
  await prepareRegistration()
  await rememberRegistration(THIS_DEVICE, WELZIJN)
  praktijk = await organisation(PRAKTIJK)
  ;[leadPhone, jansenPhone, karinPhone] = await Promise.all([phone(), phone(), phone()])
  jansenCert = await praktijk.approve(jansenPhone, JANSEN_USER)
  karinCert = await praktijk.approve(karinPhone, KARIN_USER)
})
afterAll(() => {
  useDeviceVault(undefined)
  db.close()
})
beforeEach(async () => {
  await acceptNewKey(PRAKTIJK, await fingerprint(praktijk.chain.organisationKey))
})
afterEach(async () => {
  await forgetPinnedKeys()
})

const consent = { purpose: 'Samenwerken aan het plan', date: '2026-03-05', recordedBy: 'Sanne', ownWords: false }
const person = (userId: string, name: string, devices: unknown[]): PlanPerson => ({ userId, name, email: `${name.toLowerCase()}@praktijk.example`, organisationId: PRAKTIJK, organisationName: 'Praktijk Oss', status: 'accepted', devices })

/** A case whose samenwerkplan names Dr. Jansen and Karin (accounts at the Praktijk, consent standing) and Sanne (the lead, no account). */
function sharedCase(): CaseRecord {
  const c = newCase(crypto.randomUUID(), 'samenwerkwijze', new Date('2026-03-01T09:00:00Z'))
  c.resident.name = 'Anna de Vries'
  c.questions = { wil: 'Ik wil weer mensen zien.', kan: 'Koken.', nodig: 'Vervoer.' }
  c.consultation = {
    date: '2026-03-05',
    residentPresent: true,
    participants: [
      { id: JANSEN, name: 'Dr. Jansen', role: 'huisarts', organisation: 'Praktijk Oss', discipline: 'huisarts', consent },
      { id: KARIN, name: 'Karin', role: 'praktijkondersteuner', organisation: '', discipline: 'praktijkondersteuner', consent },
      { id: SANNE, name: 'Sanne', role: 'casusregisseur', organisation: 'Welzijn Oss', discipline: 'sociaal-werk' },
    ],
    actions: [
      { id: JANSEN_ACTION, what: 'Medicatie nakijken', owner: 'Dr. Jansen', ownerId: JANSEN },
      { id: KARIN_ACTION, what: 'Bloeddruk meten', owner: 'Karin', ownerId: KARIN },
    ],
    leadId: SANNE,
    leadWithResident: 'Sanne',
    evaluationDate: '2026-06-01',
  }
  ensureSharedPlan(c.consultation)
  linkAccount(c.consultation, JANSEN, person(JANSEN_USER, 'Dr. Jansen', []))
  linkAccount(c.consultation, KARIN, person(KARIN_USER, 'Karin Smit', []))
  return c
}

/** The lead's phone, the case's storage and a server that keeps the newest version (409 with `current` otherwise). */
function world(c: CaseRecord, people: PlanPerson[] = [person(JANSEN_USER, 'Dr. Jansen', [jansenCert]), person(KARIN_USER, 'Karin Smit', [karinCert])]) {
  const store = new Map([[c.id, structuredClone(c)]])
  const puts: PutPlan[] = []
  let serverVersion = 0
  let failNext = false
  const env: PublishEnv = {
    today: TODAY,
    now: () => '2026-03-06T10:00:00.000Z',
    me: { userId: LEAD, organisation: 'Welzijn Oss' },
    sender: async () => ({ deviceId: leadPhone.id, signingKey: leadPhone.signing.privateKey }),
    people: async (): Promise<PlanPeople> => ({ people, chains: { [PRAKTIJK]: praktijk.chain } }),
    put: async (_planId, body): Promise<PutResult> => {
      const parsed = putPlanSchema.parse(body)
      if (failNext) {
        failNext = false
        throw new Error('no connection')
      }
      if (parsed.version <= serverVersion) return { outdated: serverVersion }
      serverVersion = parsed.version
      puts.push(parsed)
      return { stored: parsed.version }
    },
    cases: { load: async (id) => structuredClone(store.get(id)), save: async (r) => void store.set(r.id, structuredClone(r)) },
  }
  return {
    env,
    puts,
    read: () => store.get(c.id)!,
    edit: (fn: (c: CaseRecord) => void) => fn(store.get(c.id)!),
    serverAt: (v: number) => void (serverVersion = v),
    failNextPut: () => void (failNext = true),
  }
}

/** What a participant's device opens from a box, checking the lead's device signed it. */
async function openAs(p: Phone, box: SealedV2, planId: string, version: number, userId: string): Promise<ParticipantPlan> {
  const leadKey = await jwk(leadPhone.signing.publicKey)
  const plan = await openVerified(box, p.id, p.encryption.privateKey, planBoxContext(planId, version, userId), async (id) => (id === leadPhone.id ? leadKey : null))
  return participantPlanSchema.parse(plan)
}

describe('publishing the plan', () => {
  it('sends version 1 to each participant with an account and standing consent, sealed to their certified devices; writes the version and what each got', async () => {
    const w = world(sharedCase())
    const r = await publishPlan(w.env, w.read().id)
    expect(r).toMatchObject({ kind: 'published', version: 1, refused: [], renewed: false })
    expect(w.puts).toHaveLength(1)
    const put = w.puts[0]!
    expect(put.docId).toBe(w.read().id)
    expect(put.recipients.map((x) => x.userId).sort()).toEqual([JANSEN_USER, KARIN_USER].sort())
    const state = w.read().consultation!.sharedPlan!
    const jansenBox = put.recipients.find((x) => x.userId === JANSEN_USER)!.box
    expect(jansenBox.recipients.map((x) => x.deviceId)).toEqual([jansenPhone.id])
    const plan = await openAs(jansenPhone, jansenBox, state.planId, 1, JANSEN_USER)
    expect(plan).toMatchObject({ version: 1, leadUserId: LEAD, recipient: { userId: JANSEN_USER, participantId: JANSEN }, responseKey: state.responseKey })
    expect(plan.actions.map((a) => a.what)).toEqual(['Medicatie nakijken', 'Bloeddruk meten'])
    expect(plan.questions).toBeUndefined()
    // Karin's box does not open on Jansen's device.
    const karinBox = put.recipients.find((x) => x.userId === KARIN_USER)!.box
    await expect(openAs(jansenPhone, karinBox, state.planId, 1, KARIN_USER)).rejects.toThrow()
    expect(state.version).toBe(1)
    expect(state.sent?.map((s) => s.userId).sort()).toEqual([JANSEN_USER, KARIN_USER].sort())
    expect(state.sent?.every((s) => /^[0-9a-f]{64}$/.test(s.digest))).toBe(true)
    // Linking filled Karin's empty organisation from her account.
    expect(w.read().consultation!.participants[1]).toMatchObject({ userId: KARIN_USER, organisationId: PRAKTIJK, organisation: 'Praktijk Oss', name: 'Karin' })
  })

  it('sends nothing when nothing changed, and the next version when the plan did', async () => {
    const w = world(sharedCase())
    await publishPlan(w.env, w.read().id)
    expect(await publishPlan(w.env, w.read().id)).toMatchObject({ kind: 'unchanged' })
    expect(w.puts).toHaveLength(1)
    w.edit((c) => void (c.consultation!.actions[0]!.due = '2026-03-20'))
    expect(await publishPlan(w.env, w.read().id)).toMatchObject({ kind: 'published', version: 2 })
    const opened = await openAs(karinPhone, w.puts[1]!.recipients.find((x) => x.userId === KARIN_USER)!.box, w.read().consultation!.sharedPlan!.planId, 2, KARIN_USER)
    expect(opened.actions[0]!.due).toBe('2026-03-20')
  })

  it('a withdrawn participant gets no box in the next version, and the response key changes so they read nothing new', async () => {
    const w = world(sharedCase())
    await publishPlan(w.env, w.read().id)
    const before = w.read().consultation!.sharedPlan!.responseKey
    w.edit((c) => void (c.consultation!.participants[1]!.consent = { ...consent, withdrawnOn: TODAY }))
    const r = await publishPlan(w.env, w.read().id)
    expect(r).toMatchObject({ kind: 'published', version: 2, renewed: true })
    const put = w.puts[1]!
    expect(put.recipients.map((x) => x.userId)).toEqual([JANSEN_USER])
    expect(JSON.stringify(put)).not.toContain(karinPhone.id)
    const state = w.read().consultation!.sharedPlan!
    expect(state.responseKey.gen).toBe(before.gen + 1)
    expect(state.responseKey.key).not.toBe(before.key)
    expect(state.oldResponseKeys).toEqual([before])
    expect(state.sent?.map((s) => s.userId)).toEqual([JANSEN_USER])
    const jansen = await openAs(jansenPhone, put.recipients[0]!.box, state.planId, 2, JANSEN_USER)
    expect(jansen.responseKey).toEqual(state.responseKey)
  })

  it('renews the key once when the send after it fails, and drops the withdrawn participant with the next send', async () => {
    const w = world(sharedCase())
    await publishPlan(w.env, w.read().id)
    w.edit((c) => void (c.consultation!.participants[1]!.consent = { ...consent, withdrawnOn: TODAY }))
    w.failNextPut()
    await expect(publishPlan(w.env, w.read().id)).rejects.toThrow('no connection')
    const renewed = w.read().consultation!.sharedPlan!
    expect(renewed.responseKey.gen).toBe(2)
    // Karin is still remembered as holding a copy on the server, her key renewed.
    expect(renewed.sent).toContainEqual({ userId: KARIN_USER, digest: '' })
    const r = await publishPlan(w.env, w.read().id)
    expect(r).toMatchObject({ kind: 'published', version: 2, renewed: false })
    expect(w.read().consultation!.sharedPlan!.responseKey).toEqual(renewed.responseKey)
    expect(w.puts[1]!.recipients.map((x) => x.userId)).toEqual([JANSEN_USER])
  })

  it('when the last recipient leaves, sends a version to nobody, so the server drops their copy', async () => {
    const w = world(sharedCase())
    await publishPlan(w.env, w.read().id)
    w.edit((c) => {
      delete c.consultation!.participants[0]!.userId
      c.consultation!.participants[1]!.consent = { ...consent, withdrawnOn: TODAY }
    })
    expect(await publishPlan(w.env, w.read().id)).toMatchObject({ kind: 'published', version: 2, renewed: true })
    expect(w.puts[1]!.recipients).toEqual([])
    expect(w.read().consultation!.sharedPlan!.sent).toEqual([])
    expect(await publishPlan(w.env, w.read().id)).toMatchObject({ kind: 'unchanged' })
  })

  it('seals only to devices certified to that person up to the pinned key; refuses, in words, a person with none', async () => {
    const rogue = (await crypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify'])) as CryptoKeyPair
    const extra = await phone()
    const forged = await praktijk.forge(extra, JANSEN_USER, rogue.privateKey)
    const karinsOnJansen = await praktijk.approve(await phone(), KARIN_USER)
    const karinForged = await praktijk.forge(await phone(), KARIN_USER, rogue.privateKey)
    const w = world(sharedCase(), [person(JANSEN_USER, 'Dr. Jansen', [jansenCert, forged, karinsOnJansen]), person(KARIN_USER, 'Karin Smit', [karinForged])])
    const r = await publishPlan(w.env, w.read().id)
    expect(r.kind).toBe('published')
    expect(r.refused).toEqual([{ userId: KARIN_USER, participantId: KARIN, reason: 'unverified' }])
    expect(w.puts[0]!.recipients.map((x) => x.userId)).toEqual([JANSEN_USER])
    expect(w.puts[0]!.recipients[0]!.box.recipients.map((x) => x.deviceId)).toEqual([jansenPhone.id])
    expect(w.read().consultation!.sharedPlan!.sent?.map((s) => s.userId)).toEqual([JANSEN_USER])
    // Still refused: nothing new goes out on the next run.
    expect(await publishPlan(w.env, w.read().id)).toMatchObject({ kind: 'unchanged', refused: [{ userId: KARIN_USER, reason: 'unverified' }] })
    expect(w.puts).toHaveLength(1)
  })

  it('refuses people of an organisation whose number this phone has not accepted, and offers it; someone not accepted gets nothing', async () => {
    await forgetPinnedKeys()
    const w = world(sharedCase(), [person(JANSEN_USER, 'Dr. Jansen', [jansenCert])])
    const r = await publishPlan(w.env, w.read().id)
    expect(r.refused).toEqual([
      { userId: JANSEN_USER, participantId: JANSEN, reason: 'organisation-unknown' },
      { userId: KARIN_USER, participantId: KARIN, reason: 'not-accepted' },
    ])
    expect(r.unknown).toEqual([{ organisationId: PRAKTIJK, fingerprint: await fingerprint(praktijk.chain.organisationKey) }])
    expect(r.kind).toBe('unchanged')
    expect(w.puts).toHaveLength(0)
  })

  it('on version-outdated takes the server’s current version and sends once more above it', async () => {
    const w = world(sharedCase())
    w.serverAt(4)
    expect(await publishPlan(w.env, w.read().id)).toMatchObject({ kind: 'published', version: 5 })
    expect(w.read().consultation!.sharedPlan!.version).toBe(5)
    const opened = await openAs(jansenPhone, w.puts[0]!.recipients.find((x) => x.userId === JANSEN_USER)!.box, w.read().consultation!.sharedPlan!.planId, 5, JANSEN_USER)
    expect(opened.version).toBe(5)
  })

  it('does nothing for a case without a shared plan', async () => {
    const c = sharedCase()
    delete c.consultation!.sharedPlan
    const w = world(c)
    expect(await publishPlan(w.env, c.id)).toMatchObject({ kind: 'nothing' })
  })
})

describe('reading the responses', () => {
  let seq = 0
  /** A response as a participant's phone makes it: encrypted under the plan's key, signed by `device`; stored as from `storedUser`. */
  async function response(planId: string, key: ResponseKey, device: Phone, o: { actionId: string; userId: string; storedUser?: string; done?: boolean; note?: string }) {
    const id = crypto.randomUUID()
    const enc = await encryptResponse({ v: 1, planId, actionId: o.actionId, done: o.done ?? true, note: o.note, at: '2026-03-07T09:00:00.000Z', userId: o.userId }, id, key)
    const unsigned = { ...enc, deviceId: device.id }
    const signature = await signMessage(device.signing.privateKey, planResponseMessage(planId, unsigned))
    return { ...unsigned, signature, seq: ++seq, userId: o.storedUser ?? o.userId, receivedAt: '2026-03-07T09:00:01.000Z' }
  }
  function server(responses: PlanResponses['responses'], devices: unknown[] = [jansenCert, karinCert]) {
    return async (_planId: string, _docId: string, after: number): Promise<PlanResponses> => ({ responses: responses.filter((r) => r.seq > after), devices, chains: { [PRAKTIJK]: praktijk.chain }, more: false })
  }
  const readEnv = (w: ReturnType<typeof world>, responses: PlanResponses['responses'], devices?: unknown[]): ResponsesEnv => ({ me: { userId: LEAD, name: 'Sanne' }, responses: server(responses, devices), cases: w.env.cases })

  it('applies the owner’s answer on their own action: done and the reply with who said it; stores how far it read', async () => {
    const w = world(sharedCase())
    const state = w.read().consultation!.sharedPlan!
    const r = await response(state.planId, state.responseKey, jansenPhone, { actionId: JANSEN_ACTION, userId: JANSEN_USER, note: 'Afspraak gemaakt' })
    expect(await readResponses(readEnv(w, [r]), w.read().id)).toMatchObject({ applied: 1, ignored: 0 })
    const action = w.read().consultation!.actions[0]!
    expect(action.done).toBe(true)
    expect(action.reply).toEqual({ done: true, note: 'Afspraak gemaakt', at: '2026-03-07T09:00:00.000Z', by: 'Dr. Jansen' })
    expect(w.read().consultation!.sharedPlan!.responsesAfter).toBe(r.seq)
    // Read again: nothing new.
    expect(await readResponses(readEnv(w, [r]), w.read().id)).toMatchObject({ applied: 0, ignored: 0 })
    // The next version carries the new status to everyone.
    await publishPlan(w.env, w.read().id)
    const opened = await openAs(karinPhone, w.puts[0]!.recipients.find((x) => x.userId === KARIN_USER)!.box, state.planId, 1, KARIN_USER)
    expect(opened.actions[0]).toMatchObject({ done: true, reply: { by: 'Dr. Jansen', note: 'Afspraak gemaakt' } })
  })

  it('ignores a participant’s answer on an action that is not theirs', async () => {
    const w = world(sharedCase())
    const state = w.read().consultation!.sharedPlan!
    const r = await response(state.planId, state.responseKey, jansenPhone, { actionId: KARIN_ACTION, userId: JANSEN_USER })
    expect(await readResponses(readEnv(w, [r]), w.read().id)).toMatchObject({ applied: 0, ignored: 1 })
    expect(w.read().consultation!.actions[1]!.done).toBeUndefined()
    expect(w.read().consultation!.actions[1]!.reply).toBeUndefined()
    expect(w.read().consultation!.sharedPlan!.responsesAfter).toBe(r.seq)
  })

  it('ignores an answer signed by a device certified to someone else, whatever account it names', async () => {
    const w = world(sharedCase())
    const state = w.read().consultation!.sharedPlan!
    // Karin's device speaks for Jansen, on Jansen's action; the server relays it as Jansen's.
    const asJansen = await response(state.planId, state.responseKey, karinPhone, { actionId: JANSEN_ACTION, userId: JANSEN_USER })
    // A device whose certificate was not signed in the organisation's chain.
    const rogue = (await crypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify'])) as CryptoKeyPair
    const stranger = await phone()
    const forged = await praktijk.forge(stranger, JANSEN_USER, rogue.privateKey)
    const unchained = await response(state.planId, state.responseKey, stranger, { actionId: JANSEN_ACTION, userId: JANSEN_USER })
    expect(await readResponses(readEnv(w, [asJansen, unchained], [jansenCert, karinCert, forged]), w.read().id)).toMatchObject({ applied: 0, ignored: 2 })
    expect(w.read().consultation!.actions[0]!.done).toBeUndefined()
  })

  it('ignores a response changed on the way (its signature no longer holds)', async () => {
    const w = world(sharedCase())
    const state = w.read().consultation!.sharedPlan!
    const r = await response(state.planId, state.responseKey, jansenPhone, { actionId: JANSEN_ACTION, userId: JANSEN_USER })
    const other = await response(state.planId, state.responseKey, jansenPhone, { actionId: JANSEN_ACTION, userId: JANSEN_USER, done: false })
    const swapped = { ...r, ciphertext: other.ciphertext, iv: other.iv }
    expect(await readResponses(readEnv(w, [swapped]), w.read().id)).toMatchObject({ applied: 0, ignored: 1 })
  })

  it('opens an answer sent under the key before a renewal; one under a key it never had is ignored', async () => {
    const w = world(sharedCase())
    await publishPlan(w.env, w.read().id)
    const old = w.read().consultation!.sharedPlan!.responseKey
    w.edit((c) => void (c.consultation!.participants[1]!.consent = { ...consent, withdrawnOn: TODAY }))
    await publishPlan(w.env, w.read().id)
    const state = w.read().consultation!.sharedPlan!
    expect(state.responseKey.gen).toBe(2)
    const late = await response(state.planId, old, jansenPhone, { actionId: JANSEN_ACTION, userId: JANSEN_USER, note: 'Vorige week al gedaan' })
    const guessed = await response(state.planId, { gen: 3, key: 'A'.repeat(43) }, jansenPhone, { actionId: JANSEN_ACTION, userId: JANSEN_USER })
    expect(await readResponses(readEnv(w, [late, guessed]), w.read().id)).toMatchObject({ applied: 1, ignored: 1 })
    expect(w.read().consultation!.actions[0]!.reply?.note).toBe('Vorige week al gedaan')
  })

  it('stops before an answer from an organisation whose number is not accepted, and reads it once it is', async () => {
    const w = world(sharedCase())
    const state = w.read().consultation!.sharedPlan!
    const r = await response(state.planId, state.responseKey, jansenPhone, { actionId: JANSEN_ACTION, userId: JANSEN_USER })
    await forgetPinnedKeys()
    const first = await readResponses(readEnv(w, [r]), w.read().id)
    expect(first).toMatchObject({ applied: 0, ignored: 0, unknown: [{ organisationId: PRAKTIJK }] })
    expect(w.read().consultation!.sharedPlan!.responsesAfter).toBeUndefined()
    await acceptNewKey(PRAKTIJK, await fingerprint(praktijk.chain.organisationKey))
    expect(await readResponses(readEnv(w, [r]), w.read().id)).toMatchObject({ applied: 1 })
  })
})
