/**
 * Closed-loop referrals on the real server with real WebCrypto: devices with their own P-256
 * keys, a GP who seals to the receiving organisation's approved devices and their own, a social
 * worker who opens, accepts and reports back. The database never holds the patient in clear: a GP's
 * phone running the app's own code sends a referral, a careless client sends the patient in every
 * other field, and every table is scanned (test/server/referralPlaintext.ts).
 */
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest'
import type { Database } from '../../src/server/db/database'
import { openSealed, openVerified, sealSigned, SealError, type Recipient, type Sealed, type SealedV2 } from '../../src/shared/crypto/sealed'
import { recipientOf, verifyDeviceCertificate, type Certificate, type OrganisationChain } from '../../src/shared/devices/certificates'
import { referralContext, signedEventContext, type EventKind, type ReferralContent } from '../../src/shared/referrals/referral'
import { periodOf } from '../../src/shared/kpi/period'
import { localMoment } from '../../src/shared/core/clock'
import { Clock, regionOrganisation, signedIn, type Agent } from './agent'
import { approveDevice, bindDevice, registerDevice, type TestDevice } from './devices'
import { setupServerTest, type TestApp } from './fixture'
import { appPhone, carelessChanges, EMAIL, findings, LONG_NOTE, NAME, PHONE, REQUEST_PLANT, SECRETS } from './referralPlaintext'
import { flushOutbox, queueReferral } from '../../src/app/features/referrals/referralOutbox'
import { buildExampleMap } from '../../src/server/seed/exampleMap'
import { storeServices } from '../../src/server/socialMap/repository'
import { describeFindings, findSecrets, scanDatabase } from '../support/secretScan'
import { referralWorld } from './referralWorld'

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

const CONTENT: ReferralContent = {
  intervention: 'wor',
  patient: { name: 'Geertruida Zonneveld', phone: '06 3141 5926', email: 'g.zonneveld@voorbeeld.nl', birthYear: 1948, municipality: 'Oss' },
  reasons: ['eenzaamheid', 'somberheid'],
  note: 'Sinds overlijden echtgenoot weinig buiten de deur',
  domains: ['sociaal', 'geest'],
  urgency: 'gewoon',
  consent: { given: true, date: '2026-11-20' },
  referrer: { name: 'Dokter Test', organisation: 'Huisartsenpraktijk De Linde' },
}

type Device = TestDevice & { privateKey: CryptoKey }
/** A device with its three keys (test/server/devices.ts); approved (with a certificate) and bound to the session when an approver is given. */
async function device(agent: Agent, organisationId: string, approver?: Agent): Promise<Device> {
  const d = await registerDevice(agent, organisationId)
  if (approver) {
    await approveDevice(approver, organisationId, d.id)
    await bindDevice(agent, d)
  }
  return { ...d, privateKey: d.keys.encryption.privateKey }
}
const signer = (d: TestDevice) => ({ deviceId: d.id, signingKey: d.keys.signing.privateKey })

/** The referral world of test/server/referralWorld.ts, its two phones with their decryption keys at hand. */
async function world() {
  const w = await referralWorld({ app, db, clock })
  const withKey = (d: TestDevice): Device => ({ ...d, privateKey: d.keys.encryption.privateKey })
  return { ...w, workerPhone: withKey(w.workerPhone), gpPhone: withKey(w.gpPhone) }
}

type Directory = { routes: { intervention: string; municipality: string; organisationId: string }[]; keys: Record<string, Certificate[]>; own: Certificate[]; chains: Record<string, OrganisationChain> }
type ListedEvent = { id: string; kind: EventKind; sealed?: Sealed; senderCertificate: Certificate | null }
type Listed = { id: string; status: string; overdue: boolean; firstContactDue: string | null; sealed: Sealed; senderCertificate: Certificate | null; events: ListedEvent[]; chains: Record<string, OrganisationChain> }

/** How a phone resolves a sender: only a certificate that verifies in the listed chains counts (docs/device-trust.md). */
const senders = (listed: Listed) => async (deviceId: string) => {
  const cert = [listed.senderCertificate, ...listed.events.map((e) => e.senderCertificate)].find((c) => c?.deviceId === deviceId)
  if (!cert || !(await verifyDeviceCertificate(cert, listed.chains[cert.organisationId], null)).ok) return null
  return cert.signingKey
}

async function refer(w: Awaited<ReturnType<typeof world>>, id = crypto.randomUUID(), sentAt = new Date().toISOString()) {
  const dir = (await (await w.gp.agent.call('GET', '/api/referrals/directory')).json()) as Directory
  const route = dir.routes.find((r) => r.intervention === 'wor' && r.municipality === 'Oss')!
  const sealed = await sealSigned(CONTENT, [...dir.keys[route.organisationId]!, ...dir.own].map(recipientOf), referralContext(id), signer(w.gpPhone), sentAt)
  const body = { id, intervention: 'wor', senderOrganisationId: w.practice.organisationId, receivingOrganisationId: route.organisationId, sentAt, sealed }
  return { id, body, res: await w.gp.agent.call('POST', '/api/referrals', body) }
}

/** A status event: every event carries a box signed by the worker's phone (a bare status change an empty note). */
async function event(w: Awaited<ReturnType<typeof world>>, referralId: string, kind: EventKind, note = '') {
  const eventId = crypto.randomUUID()
  const at = new Date().toISOString()
  const { keys } = (await (await w.worker.agent.call('GET', `/api/referrals/${referralId}/keys`)).json()) as { keys: Certificate[] }
  const sealed: SealedV2 = await sealSigned({ note }, keys.map(recipientOf), signedEventContext(referralId, eventId, kind), signer(w.workerPhone), at)
  return w.worker.agent.call('POST', `/api/referrals/${referralId}/events`, { id: eventId, kind, at, sealed })
}

describe('closed-loop referrals', () => {
  it('goes from GP to social worker and back; only the two devices can read it', async () => {
    const w = await world()
    const { id, body, res } = await refer(w)
    expect(res.status).toBe(201)
    // The answer got lost and the phone sends again: still one referral.
    expect(await (await w.gp.agent.call('POST', '/api/referrals', body)).json()).toEqual({ status: 'exists' })

    const inbox = ((await (await w.worker.agent.call('GET', '/api/referrals/inbox')).json()) as { referrals: Listed[] }).referrals
    expect(inbox.map((r) => r.id)).toEqual([id])
    expect(await openVerified(inbox[0]!.sealed, w.workerPhone.id, w.workerPhone.privateKey, referralContext(id), senders(inbox[0]!))).toEqual(CONTENT)
    expect(inbox[0]!.senderCertificate!.deviceId).toBe(w.gpPhone.id)

    for (const kind of ['ontvangen', 'geaccepteerd', 'contact', 'gesprek'] as const) expect((await event(w, id, kind)).status).toBe(201)
    expect((await event(w, id, 'bericht', 'Mevrouw gaat naar het wandelcafé in Oss, elke dinsdag.')).status).toBe(201)
    expect((await event(w, id, 'afgerond', 'Afgerond: zelf verder met de wandelgroep.')).status).toBe(201)

    const sent = ((await (await w.gp.agent.call('GET', '/api/referrals/sent')).json()) as { referrals: Listed[] }).referrals
    expect(sent[0]!.status).toBe('afgerond')
    expect(sent[0]!.events.map((e) => e.kind)).toEqual(['ontvangen', 'geaccepteerd', 'contact', 'gesprek', 'bericht', 'afgerond'])
    const feedback = sent[0]!.events.find((e) => e.kind === 'bericht')!
    expect(await openVerified(feedback.sealed!, w.gpPhone.id, w.gpPhone.privateKey, signedEventContext(id, feedback.id, 'bericht'), senders(sent[0]!))).toEqual({ note: 'Mevrouw gaat naar het wandelcafé in Oss, elke dinsdag.' })
    expect(feedback.senderCertificate!.deviceId).toBe(w.workerPhone.id)
    // Listed under another kind (the server changed it): the signature no longer verifies.
    await expect(openVerified(feedback.sealed!, w.gpPhone.id, w.gpPhone.privateKey, signedEventContext(id, feedback.id, 'afgewezen'), senders(sent[0]!))).rejects.toEqual(new SealError('unverified-sender'))
    // The feedback went sealed too: no table holds it (the referral's id, stored in clear, is found).
    expect(describeFindings(await scanDatabase(db, [id]))).toContain(`${id} as text in referrals`)
    expect(describeFindings(await scanDatabase(db, ['Zonneveld', 'Geertruida', '3141 5926', 'g.zonneveld', 'echtgenoot', 'wandelcafé', 'wandelgroep']))).toEqual([])
  })

  it('keeps nothing of the patient: not from the app, nor from a careless client in any field, header or query; a planted long text is found', async () => {
    // The scan can see: a listing description over 2 KB (clear text on purpose, compressed in its row) is found whole.
    const planted = `Wandelcafe De Maasoever. ${'Elke dinsdag lopen we een rondje langs de Maas en drinken daarna koffie in de bibliotheek. '.repeat(26)}`
    expect(planted.length).toBeGreaterThan(2_048)
    const walk = buildExampleMap({ referenceDate: '2026-11-01' }).find((s) => s.name === 'Wandelgroep Oss')!
    await storeServices(db, [{ ...walk, description: planted }])
    expect(describeFindings(await scanDatabase(db, [planted]))).toContain(`${planted} as text in services`)

    const w = await world()
    // A GP of the practice on a phone that runs the app's code (the world's GP has a test device).
    const gp = await signedIn(app, db, clock, 'huisarts', { organisationId: w.practice.organisationId })
    const phone = await appPhone(gp, w.practice)
    onTestFinished(() => phone.close())
    const receiver = w.welzijn.organisationId
    const trust = await phone.trustFor(receiver)
    expect(trust.trusted.map((x) => x.deviceId)).toEqual(expect.arrayContaining([w.workerPhone.id, phone.deviceId]))
    // Queued and sent by the app's outbox, as ReferPage does.
    const referral = await phone.referral(trust, receiver)
    await queueReferral(referral, trust.trusted.find((x) => x.organisationId === receiver)!.fingerprint)
    expect(await flushOutbox()).toBe(0)
    const posted = phone.sent.filter((s) => s.url === '/api/referrals')
    expect(posted).toHaveLength(1)
    // What left the phone (URL, headers, body) holds nothing of the patient.
    expect(phone.sent.map((s) => s.url)).toEqual(['/api/devices', `/api/devices/${phone.deviceId}/challenge`, `/api/devices/${phone.deviceId}/bind`, '/api/referrals/directory', '/api/referrals'])
    // Planted: one request through the same capture with a known value in a header and the body; the scan finds both.
    await phone.sendPlant(REQUEST_PLANT)
    const parts = (s: (typeof phone.sent)[number]) => [['url', s.url], ['headers', JSON.stringify(s.headers)], ['body', s.body]] as const
    const onWire = phone.sent.flatMap((s) => parts(s).flatMap(([part, text]) => findSecrets(text, [...SECRETS, REQUEST_PLANT], `${s.url} ${part} from the app`)))
    expect(findings(onWire.filter((f) => f.secret !== REQUEST_PLANT))).toEqual([])
    expect(onWire.filter((f) => f.secret === REQUEST_PLANT && f.form === 'text').map((f) => f.where).sort()).toEqual(['/api/plaintext-plant body from the app', '/api/plaintext-plant headers from the app'])
    // The social worker's phone opens it: the patient and the note went, sealed.
    const inbox = ((await (await w.worker.agent.call('GET', '/api/referrals/inbox')).json()) as { referrals: Listed[] }).referrals
    expect(inbox.map((r) => r.id)).toEqual([referral.id])
    expect(await openSealed(inbox[0]!.sealed, w.workerPhone.id, w.workerPhone.privateKey, referralContext(referral.id))).toMatchObject({ patient: { name: NAME }, note: LONG_NOTE.slice(0, 1_000) })

    // A careless client: the patient in each field of the app's body in turn (sealed anew for its own id), …
    const outcomes: string[] = []
    for (const change of carelessChanges(JSON.parse(posted[0]!.body) as unknown)) {
      const res = await gp.agent.call('POST', '/api/referrals', change.apply(await phone.referral(trust, receiver)))
      outcomes.push(`${change.where}: ${res.status}`)
      expect(res.status, change.where).toBeLessThan(500)
      expect(res.status, change.where).not.toBe(403)
    }
    expect(outcomes.length).toBeGreaterThan(25)
    // … in the query string and headers of a referral the server takes, …
    const withHeaders = await phone.referral(trust, receiver)
    const query = `?patient=${encodeURIComponent(NAME)}&note=${encodeURIComponent(LONG_NOTE)}`
    const headers = { 'X-Patient': NAME, 'User-Agent': `Verwijsapp (${NAME}, ${PHONE})`, 'X-Note': LONG_NOTE, Referer: `https://example.org/?email=${EMAIL}` }
    expect((await gp.agent.call('POST', `/api/referrals${query}`, withHeaders, headers)).status).toBe(201)
    // … and beside a status event's box.
    const eventId = crypto.randomUUID()
    const at = new Date().toISOString()
    const box = await sealSigned({ note: '' }, await keysOf(w), signedEventContext(referral.id, eventId, 'ontvangen'), signer(w.workerPhone), at)
    expect((await w.worker.agent.call('POST', `/api/referrals/${referral.id}/events`, { id: eventId, kind: 'ontvangen', at, sealed: box, note: LONG_NOTE, patient: NAME })).status).toBe(400)

    // No table holds anything of the patient (each careless request's answer is in the message).
    expect(findings(await scanDatabase(db, SECRETS)), outcomes.join('\n')).toEqual([])
    const sent = ((await (await gp.agent.call('GET', '/api/referrals/sent')).json()) as { referrals: Listed[] }).referrals
    expect(sent.map((r) => r.id).sort()).toEqual([referral.id, withHeaders.id].sort())
  })

  it('refuses a box that leaves out a certified device or includes a revoked one; a device approved later cannot read older referrals', async () => {
    const w = await world()
    const { id } = await refer(w)
    // A second phone of the social worker (the session stays bound to the first one).
    const laterDevice = await registerDevice(w.worker.agent, w.welzijn.organisationId)
    await approveDevice(w.welzijn.agent, w.welzijn.organisationId, laterDevice.id)
    const later = { id: laterDevice.id, privateKey: laterDevice.keys.encryption.privateKey }
    const old = ((await (await w.worker.agent.call('GET', '/api/referrals/inbox')).json()) as { referrals: Listed[] }).referrals[0]!
    await expect(openSealed(old.sealed, later.id, later.privateKey, referralContext(id))).rejects.toEqual(new SealError('not-for-this-device'))

    // Sealed with an old directory that does not know the new device: the server says so.
    const newId = crypto.randomUUID()
    const base = { id: newId, intervention: 'wor', senderOrganisationId: w.practice.organisationId, receivingOrganisationId: w.welzijn.organisationId, sentAt: new Date().toISOString() }
    const stale = await sealSigned(CONTENT, [(await keysOf(w)).find((k) => k.deviceId === w.workerPhone.id)!], referralContext(newId), signer(w.gpPhone), base.sentAt)
    const res = await w.gp.agent.call('POST', '/api/referrals', { ...base, sealed: stale })
    expect(res.status).toBe(409)
    expect(await res.json()).toMatchObject({ code: 'recipients-changed' })

    // Revoked: the device is out of every box from then on.
    expect((await w.welzijn.agent.call('POST', `/api/orgs/${w.welzijn.organisationId}/devices/${later.id}/revoke`)).status).toBe(200)
    const withRevoked = await refer(w)
    expect(withRevoked.res.status).toBe(201)
    expect(withRevoked.body.sealed.recipients.map((r) => r.deviceId)).not.toContain(later.id)
    const forced = await sealSigned(CONTENT, [...(await keysOf(w)), { deviceId: later.id, publicKey: (await keysOf(w))[0]!.publicKey }], referralContext(newId), signer(w.gpPhone), base.sentAt)
    expect((await w.gp.agent.call('POST', '/api/referrals', { ...base, sealed: forced })).status).toBe(409)
  })

  it('rejects a tampered box with a clear error', async () => {
    const w = await world()
    const { id, body } = await refer(w)
    const bytes = Buffer.from(body.sealed.ciphertext, 'base64')
    bytes[5] = bytes[5]! ^ 1
    const tampered = { ...body.sealed, ciphertext: bytes.toString('base64') }
    const listed = ((await (await w.worker.agent.call('GET', '/api/referrals/inbox')).json()) as { referrals: Listed[] }).referrals[0]!
    // The signature is checked first: a changed byte or another referral's id fails it, before anything is decrypted.
    await expect(openVerified(tampered, w.workerPhone.id, w.workerPhone.privateKey, referralContext(id), senders(listed))).rejects.toEqual(new SealError('unverified-sender'))
    await expect(openVerified(body.sealed, w.workerPhone.id, w.workerPhone.privateKey, referralContext(crypto.randomUUID()), senders(listed))).rejects.toEqual(new SealError('unverified-sender'))
    // And the encryption still binds both on its own.
    await expect(openSealed(tampered, w.workerPhone.id, w.workerPhone.privateKey, referralContext(id))).rejects.toEqual(new SealError('tampered'))
    await expect(openSealed(body.sealed, w.workerPhone.id, w.workerPhone.privateKey, referralContext(crypto.randomUUID()))).rejects.toEqual(new SealError('tampered'))
    // Posted as it is, the tampered box is refused by the server too.
    const res = await w.gp.agent.call('POST', '/api/referrals', { ...body, id: crypto.randomUUID(), sealed: tampered })
    expect(((await res.json()) as { code: string }).code).toBe('bad-signature')
  })

  it('keeps the order of the statuses, and every event must be signed by the worker\'s certified phone', async () => {
    const w = await world()
    const { id } = await refer(w)
    expect((await event(w, id, 'contact')).status).toBe(409)
    // An event without a signed box (the server can no longer tell a reason from none: the phone asks for it).
    expect((await w.worker.agent.call('POST', `/api/referrals/${id}/events`, { id: crypto.randomUUID(), kind: 'afgewezen', at: new Date().toISOString() })).status).toBe(400)
    expect((await event(w, id, 'afgewezen', 'Past beter bij schuldhulp')).status).toBe(201)
    expect((await event(w, id, 'geaccepteerd')).status).toBe(409)
    // Another organisation's social worker (with an approved device there) does not see it at all.
    const stranger = await signedIn(app, db, clock, 'sociaal-werker')
    const strangerAdmin = await signedIn(app, db, clock, 'beheerder', { organisationId: stranger.organisationId })
    await device(stranger.agent, stranger.organisationId, strangerAdmin.agent)
    expect((await stranger.agent.call('GET', `/api/referrals/${id}/keys`)).status).toBe(404)
    expect(((await (await stranger.agent.call('GET', '/api/referrals/inbox')).json()) as { referrals: unknown[] }).referrals).toEqual([])
  })

  it('refuses a routing table that names one intervention and municipality twice (it was a 500)', async () => {
    const region = await signedIn(app, db, clock, 'beheerder', { organisationId: await regionOrganisation(db) })
    const organisationId = (await signedIn(app, db, clock, 'beheerder')).organisationId
    const route = { intervention: 'wor', municipality: 'Oss', organisationId }
    const res = await region.agent.call('PUT', '/api/referrals/routes', { routes: [route, route] })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 'duplicate-route' })
  })

  it('feeds the top of the KPI funnel with counts only: referrals per intervention and period', async () => {
    const w = await world()
    await refer(w)
    await refer(w)
    const programme = await signedIn(app, db, clock, 'programma')
    const totals = (await (await programme.agent.call('GET', `/api/kpi/totals?period=${periodOf(localMoment(new Date(clock.now())).date)}`)).json()) as { referrals: Record<string, number> }
    expect(totals.referrals).toEqual({ wor: 2 })
  })

  it('flags a Welzijn op Recept referral without first contact after two weeks, until contact is made', async () => {
    const w = await world()
    // It reached the server 20 days before "now" (the server's clock decides, docs/device-trust.md). Fixed
    // times at midday: the due date is a region date, which differs from the UTC date late in the evening.
    const sent = Date.parse('2026-06-01T10:00:00Z')
    clock.t = sent
    const { id } = await refer(w)
    clock.t = sent + 20 * 86_400_000
    const inbox = async () => ((await (await w.worker.agent.call('GET', '/api/referrals/inbox')).json()) as { referrals: Listed[] }).referrals[0]!
    expect(await inbox()).toMatchObject({ overdue: true, firstContactDue: '2026-06-15' })
    const gpView = ((await (await w.gp.agent.call('GET', '/api/referrals/sent')).json()) as { referrals: Listed[] }).referrals[0]!
    expect(gpView.overdue).toBe(true)
    await event(w, id, 'geaccepteerd')
    await event(w, id, 'contact')
    expect((await inbox()).overdue).toBe(false)
  })
})

async function keysOf(w: Awaited<ReturnType<typeof world>>): Promise<Recipient[]> {
  const dir = (await (await w.gp.agent.call('GET', '/api/referrals/directory')).json()) as Directory
  return dir.keys[w.welzijn.organisationId]!.map(recipientOf)
}
