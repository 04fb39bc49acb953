/**
 * Device trust on the server (issue 11 findings 3 and 5; docs/device-trust.md). Each attack is
 * performed first, then what the server answers now: revocation ends the device's sessions and
 * its access, a phone learns its status (and to wipe) without a session by answering a
 * challenge with its authentication key, forged and replayed answers are refused, and the
 * server's clock decides when a referral was sent and an event happened.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AppOptions } from '../../src/server/app'
import { seal, sealSigned, type Recipient } from '../../src/shared/crypto/sealed'
import { signMessage } from '../../src/shared/crypto/signatures'
import { CHALLENGE_SECONDS, challengeMessage, deviceStatusSchema } from '../../src/shared/devices/deviceTrust'
import { eventContext, referralContext, RECORDED_MAX_DAYS_BACK, signedEventContext, type EventKind, type ReferralContent } from '../../src/shared/referrals/referral'
import { CHALLENGES_PER_MINUTE } from '../../src/server/routes/devices'
import { Agent, regionOrganisation, signedIn } from './agent'
import { approveDevice, approvedBoundDevice, challenge, deviceStatus, makeDeviceKeys, organisationTrust, proof, registerDevice, registrationBody, type TestDevice } from './devices'
import { setupServerTest, type ServerTest } from './fixture'

// One database for the file (each test makes its own organisations and people): cheaper than one each.
let shared: ServerTest
beforeAll(async () => {
  shared = await setupServerTest()
}, 60_000)
afterAll(async () => {
  await shared.close()
})

/** The shared app, or another app with other options on the same database and clock. */
async function setup(options: Partial<AppOptions> = {}) {
  const { db, clock } = shared
  const app = Object.keys(options).length ? shared.appWith(options) : shared.app
  return { db, clock, app }
}
type World = Awaited<ReturnType<typeof setup>>

/** A welzijn organisation with its beheerder and a social worker. */
async function welzijn({ app, db, clock }: World) {
  const admin = await signedIn(app, db, clock, 'beheerder')
  const worker = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: admin.organisationId })
  return { admin, worker, org: admin.organisationId }
}

const signer = (d: TestDevice) => ({ deviceId: d.id, signingKey: d.keys.signing.privateKey })
const revoke = (admin: Agent, org: string, deviceId: string) => admin.call('POST', `/api/orgs/${org}/devices/${deviceId}/revoke`)

/** A referral in the organisation's inbox, stored as the server would have it (its content is not what these tests are about). */
async function referralFor(w: World, receivingOrganisationId: string, sentAt: Date): Promise<string> {
  const practice = await signedIn(w.app, w.db, w.clock, 'huisarts')
  const id = crypto.randomUUID()
  await w.db.query(
    `INSERT INTO referrals (id, intervention, sender_organisation_id, sender_user_id, receiving_organisation_id, sent_at, sealed)
     VALUES ($1, 'vg', $2, $3, $4, $5, $6::jsonb)`,
    [id, practice.organisationId, practice.userId, receivingOrganisationId, sentAt, JSON.stringify({ v: 1, alg: 'x', epk: {}, iv: 'AAAAAAAAAAAAAAAA', ciphertext: 'AA==', recipients: [] })],
  )
  return id
}

describe('revocation bites (finding 3)', () => {
  it("ends the sessions of a revoked device: its session no longer works", async () => {
    const w = await setup()
    const { admin, worker, org } = await welzijn(w)
    const phone = await approvedBoundDevice(worker.agent, admin.agent, org)
    expect(await (await worker.agent.call('GET', '/api/auth/me')).json()).toMatchObject({ device: { id: phone.id, organisationId: org, status: 'approved' } })
    // The attack: the phone is stolen with its session, and the beheerder revokes it.
    const res = await revoke(admin.agent, org, phone.id)
    expect(await res.json()).toMatchObject({ status: 'revoked', endedSessions: 1 })
    expect((await worker.agent.call('GET', '/api/auth/me')).status).toBe(401)
    expect((await worker.agent.call('GET', '/api/referrals/inbox')).status).toBe(401)
    // The person's other sessions (another browser, not bound to this phone) go on.
    expect((await admin.agent.call('GET', '/api/auth/me')).status).toBe(200)
  })

  it('refuses the inbox to a revoked device of a member who is still active', async () => {
    const w = await setup()
    const { admin, worker, org } = await welzijn(w)
    await referralFor(w, org, new Date(w.clock.now()))
    const phone = await registerDevice(worker.agent, org)
    await approveDevice(admin.agent, org, phone.id)
    expect((await revoke(admin.agent, org, phone.id)).status).toBe(200)
    // The attack: the member, still active, downloads what was sealed to the revoked phone.
    const res = await worker.agent.call('GET', '/api/referrals/inbox')
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({ code: 'device-required' })
    // And the revoked phone cannot bind a new session to itself.
    const c = await challenge(worker.agent, phone.id, 'bind')
    const bind = await worker.agent.call('POST', `/api/devices/${phone.id}/bind`, await proof(phone, 'bind', c))
    expect(bind.status).toBe(409)
    expect(await bind.json()).toMatchObject({ code: 'device-revoked' })
    expect((await worker.agent.call('GET', '/api/referrals/inbox')).status).toBe(403)
  })

  it('tells a stolen phone whose session expired that it was revoked: status by challenge, no session, says wipe', async () => {
    const w = await setup({ deviceOfflineDays: 3 })
    const { admin, worker, org } = await welzijn(w)
    const phone = await approvedBoundDevice(worker.agent, admin.agent, org)
    // The phone is stolen; its session expires (the thief has no password and no second factor).
    await w.db.query('DELETE FROM sessions WHERE user_id = $1', [worker.userId])
    expect((await revoke(admin.agent, org, phone.id)).status).toBe(200)
    const thief = new Agent(w.app)
    const res = await deviceStatus(thief, phone)
    expect(res.status).toBe(200)
    const status = deviceStatusSchema.parse(await res.json())
    expect(status).toEqual({ id: phone.id, status: 'revoked', wipe: true, offlineDays: 3, serverTime: new Date(w.clock.now()).toISOString() })
    const { rows } = await w.db.query<{ last_contact_at: Date }>('SELECT last_contact_at FROM devices WHERE id = $1', [phone.id])
    expect(new Date(rows[0]!.last_contact_at).getTime()).toBe(w.clock.now())
    // The beheerder sees when the phone last reached the server.
    const listed = (await (await admin.agent.call('GET', `/api/orgs/${org}/devices`)).json()) as { devices: { id: string; lastContactAt: string | null }[] }
    expect(listed.devices.find((d) => d.id === phone.id)!.lastContactAt).toBe(new Date(w.clock.now()).toISOString())
  })

  it('revokes the devices of a member who leaves and tells them to wipe', async () => {
    const w = await setup()
    const { admin, worker, org } = await welzijn(w)
    const phone = await approvedBoundDevice(worker.agent, admin.agent, org)
    expect((await admin.agent.call('DELETE', `/api/orgs/${org}/members/${worker.userId}`)).status).toBe(200)
    expect((await worker.agent.call('GET', '/api/auth/me')).status).toBe(401)
    expect(await (await deviceStatus(new Agent(w.app), phone)).json()).toMatchObject({ status: 'revoked', wipe: true })
  })

  it('binds a session to one device only, and only its owner with its key', async () => {
    const w = await setup()
    const { admin, worker, org } = await welzijn(w)
    const phone = await approvedBoundDevice(worker.agent, admin.agent, org)
    const second = await registerDevice(worker.agent, org, 'Tablet')
    const c = await challenge(worker.agent, second.id, 'bind')
    const res = await worker.agent.call('POST', `/api/devices/${second.id}/bind`, await proof(second, 'bind', c))
    expect(res.status).toBe(409)
    expect(await res.json()).toMatchObject({ code: 'already-bound' })
    // Someone else's session cannot bind the phone, even with a valid answer from it.
    const colleague = await signedIn(w.app, w.db, w.clock, 'sociaal-werker', { organisationId: org })
    const c2 = await challenge(colleague.agent, phone.id, 'bind')
    expect((await colleague.agent.call('POST', `/api/devices/${phone.id}/bind`, await proof(phone, 'bind', c2))).status).toBe(404)
    expect(await (await colleague.agent.call('GET', '/api/auth/me')).json()).toMatchObject({ device: null })
    // Without a session, nothing binds.
    const c3 = await challenge(worker.agent, phone.id, 'bind')
    expect((await new Agent(w.app).call('POST', `/api/devices/${phone.id}/bind`, await proof(phone, 'bind', c3))).status).toBe(401)
  })
})

describe('challenge answers (finding 3)', () => {
  it('refuses a forged, replayed, expired, misdirected or wrong-purpose answer', async () => {
    const w = await setup()
    const { admin, worker, org } = await welzijn(w)
    const phone = await approvedBoundDevice(worker.agent, admin.agent, org)
    // Another approved phone of the organisation: the beheerder's own (approving made it, test/server/devices.ts).
    const other = (await organisationTrust(admin.agent, org)).admin
    const anon = new Agent(w.app)
    const status = (device: TestDevice, body: unknown) => anon.call('POST', `/api/devices/${device.id}/status`, body)
    const refused = async (res: Response) => {
      expect(res.status).toBe(401)
      expect(await res.json()).toMatchObject({ code: 'bad-proof' })
    }

    // Forged: signed with a key that is not the phone's authentication key (an attacker's, or its own signing key).
    const forger = await makeDeviceKeys()
    await refused(await status(phone, await proof(phone, 'status', await challenge(anon, phone.id, 'status'), forger.auth.privateKey)))
    await refused(await status(phone, await proof(phone, 'status', await challenge(anon, phone.id, 'status'), phone.keys.signing.privateKey)))
    // A foreign device: the other phone answers the phone's challenge with its own key.
    const c1 = await challenge(anon, phone.id, 'status')
    await refused(await status(phone, { challenge: c1, signature: await signMessage(other.keys.auth.privateKey, challengeMessage(phone.id, 'status', c1)) }))
    // A challenge for one device used at another's door, even when signed by that other device.
    const c2 = await challenge(anon, phone.id, 'status')
    await refused(await status(other, await proof(other, 'status', c2)))
    // A bind challenge used for a status answer.
    const c3 = await challenge(anon, phone.id, 'bind')
    await refused(await status(phone, await proof(phone, 'status', c3)))
    // Replayed: a good answer counts once.
    const good = await proof(phone, 'status', await challenge(anon, phone.id, 'status'))
    expect((await status(phone, good)).status).toBe(200)
    await refused(await status(phone, good))
    // Expired.
    const late = await proof(phone, 'status', await challenge(anon, phone.id, 'status'))
    w.clock.advance(CHALLENGE_SECONDS + 1)
    await refused(await status(phone, late))
    // A made-up challenge, and a malformed one.
    await refused(await status(phone, await proof(phone, 'status', 'A'.repeat(43))))
    expect((await status(phone, { challenge: 'x', signature: 'y' })).status).toBe(400)
    // Only a hash of a challenge is stored, and the expired ones go.
    const fresh = await challenge(anon, phone.id, 'status')
    const { rows } = await w.db.query<{ challenge_hash: string }>('SELECT challenge_hash FROM device_challenges')
    expect(rows.some((r) => r.challenge_hash === fresh)).toBe(false)
    expect(rows.length).toBeLessThanOrEqual(2)
  })

  it('lets only one of two concurrent uses of a challenge succeed', async () => {
    const w = await setup()
    const { admin, worker, org } = await welzijn(w)
    const phone = await approvedBoundDevice(worker.agent, admin.agent, org)
    const anon = new Agent(w.app)
    const answer = await proof(phone, 'status', await challenge(anon, phone.id, 'status'))
    const results = await Promise.all([0, 1, 2].map(() => anon.call('POST', `/api/devices/${phone.id}/status`, answer)))
    expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401])
  })

  it('limits challenges per address, and answers an unknown device with 404', async () => {
    const w = await setup()
    const { admin, worker, org } = await welzijn(w)
    const phone = await registerDevice(worker.agent, org)
    void admin
    const anon = new Agent(w.app)
    w.clock.advance(61) // a window of its own: other tests here asked for challenges from this address too
    expect((await anon.call('POST', `/api/devices/${crypto.randomUUID()}/challenge`, { purpose: 'status' })).status).toBe(404)
    for (let i = 1; i < CHALLENGES_PER_MINUTE; i++) await challenge(anon, phone.id, 'status')
    const res = await anon.call('POST', `/api/devices/${phone.id}/challenge`, { purpose: 'status' })
    expect(res.status).toBe(429)
    expect(res.headers.get('Retry-After')).toBeTruthy()
    w.clock.advance(61)
    expect((await anon.call('POST', `/api/devices/${phone.id}/challenge`, { purpose: 'status' })).status).toBe(200)
  })

  it('refuses a registration with only the old encryption key, or with one key used twice', async () => {
    const w = await setup()
    const { worker, org } = await welzijn(w)
    const keys = await makeDeviceKeys()
    const legacy = await worker.agent.call('POST', '/api/devices', { organisationId: org, name: 'Oude app', publicKey: keys.publicKey })
    expect(legacy.status).toBe(400)
    expect(await legacy.json()).toMatchObject({ code: 'register-again' })
    const same = await worker.agent.call('POST', '/api/devices', { ...registrationBody(org, keys), signingKey: keys.authKey })
    expect(same.status).toBe(400)
    // A coordinate pair that is no point on the curve.
    const offCurve = await worker.agent.call('POST', '/api/devices', { ...registrationBody(org, keys), authKey: { ...keys.authKey, y: keys.publicKey.y } })
    expect(offCurve.status).toBe(400)
    // A device from before issue 11 (no authentication key) cannot prove itself: it must register again.
    const old = crypto.randomUUID()
    await w.db.query('INSERT INTO devices (id, user_id, organisation_id, name, public_key) VALUES ($1, $2, $3, $4, $5::jsonb)', [old, worker.userId, org, 'Oud', JSON.stringify(keys.publicKey)])
    const c = await challenge(worker.agent, old, 'status')
    const res = await worker.agent.call('POST', `/api/devices/${old}/status`, await proof({ id: old, organisationId: org, keys }, 'status', c))
    expect(res.status).toBe(409)
    expect(await res.json()).toMatchObject({ code: 'register-again' })
  })
})

describe("the server's clock (finding 5)", () => {
  const CONTENT: ReferralContent = {
    intervention: 'wor',
    patient: { name: 'Test Persoon', phone: '0612345678', birthYear: 1950, municipality: 'Oss' },
    reasons: ['eenzaamheid'],
    note: '',
    domains: [],
    urgency: 'gewoon',
    consent: { given: true, date: '2026-11-20' },
    referrer: { name: 'Dokter Test', organisation: 'Praktijk' },
  }

  it('refuses a decline back-dated to 2020 from a social worker without a device', async () => {
    const w = await setup()
    const { admin, worker, org } = await welzijn(w)
    // A colleague's phone is the organisation's approved device; the worker has none.
    const colleague = await signedIn(w.app, w.db, w.clock, 'sociaal-werker', { organisationId: org })
    const colleaguePhone = await registerDevice(colleague.agent, org)
    await approveDevice(admin.agent, org, colleaguePhone.id)
    const id = await referralFor(w, org, new Date(w.clock.now()))
    // The attack: a decline, sealed to the right devices, back-dated to 2020, from an account with no device.
    const eventId = crypto.randomUUID()
    const res = await worker.agent.call('POST', `/api/referrals/${id}/events`, {
      id: eventId,
      kind: 'afgewezen',
      at: '2020-01-01T00:00:00.000Z',
      sealed: await seal({ note: 'Past niet' }, [{ deviceId: colleaguePhone.id, publicKey: colleaguePhone.keys.publicKey }], eventContext(id, eventId)),
    })
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({ code: 'device-required' })
    const { rows } = await w.db.query('SELECT 1 FROM referral_events WHERE referral_id = $1', [id])
    expect(rows).toEqual([])
  })

  it("records the server's time; a device's time is kept as recorded, clamped, and a first contact counts from it", async () => {
    const w = await setup()
    const { admin, worker, org } = await welzijn(w)
    const phone = await approvedBoundDevice(worker.agent, admin.agent, org)
    const practice = await signedIn(w.app, w.db, w.clock, 'beheerder')
    const gp = await signedIn(w.app, w.db, w.clock, 'huisarts', { organisationId: practice.organisationId })
    const gpPhone = await approvedBoundDevice(gp.agent, practice.agent, practice.organisationId)
    const region = await signedIn(w.app, w.db, w.clock, 'beheerder', { organisationId: await regionOrganisation(w.db) })
    await region.agent.call('PUT', '/api/referrals/routes', { routes: [{ intervention: 'wor', municipality: 'Oss', organisationId: org }] })
    const recipients: Recipient[] = [
      { deviceId: phone.id, publicKey: phone.keys.publicKey },
      { deviceId: gpPhone.id, publicKey: gpPhone.keys.publicKey },
    ]

    // The GP's phone says it recorded the referral in 2020: the server sends it now, and keeps 30 days back as the recorded time.
    const id = crypto.randomUUID()
    const sent = await gp.agent.call('POST', '/api/referrals', {
      id,
      intervention: 'wor',
      senderOrganisationId: practice.organisationId,
      receivingOrganisationId: org,
      sentAt: '2020-01-01T00:00:00.000Z',
      sealed: await sealSigned(CONTENT, recipients, referralContext(id), signer(gpPhone), '2020-01-01T00:00:00.000Z'),
    })
    expect(sent.status).toBe(201)
    const sentAt = new Date(w.clock.now())
    type Listed = { sentAt: string; recordedAt?: string; firstContactAt: string | null; firstContactDue: string; events: { kind: string; at: string; recordedAt?: string }[] }
    const inbox = async () => ((await (await worker.agent.call('GET', '/api/referrals/inbox')).json()) as { referrals: Listed[] }).referrals[0]!
    expect(await inbox()).toMatchObject({ sentAt: sentAt.toISOString(), recordedAt: new Date(sentAt.getTime() - RECORDED_MAX_DAYS_BACK * 86_400_000).toISOString() })

    // A decline back-dated to 2020 from an approved device: the server's time, the recorded time no earlier than the referral.
    w.clock.advance(3600)
    const eventId = crypto.randomUUID()
    const declined = await worker.agent.call('POST', `/api/referrals/${id}/events`, {
      id: eventId,
      kind: 'afgewezen',
      at: '2020-01-01T00:00:00.000Z',
      sealed: await sealSigned({ note: 'Past beter bij schuldhulp' }, recipients, signedEventContext(id, eventId, 'afgewezen'), signer(phone), '2020-01-01T00:00:00.000Z'),
    })
    expect(declined.status).toBe(201)
    const { rows } = await w.db.query<{ at: Date; recorded_at: Date }>('SELECT at, recorded_at FROM referral_events WHERE id = $1', [eventId])
    expect(new Date(rows[0]!.at).toISOString()).toBe(new Date(w.clock.now()).toISOString())
    expect(new Date(rows[0]!.recorded_at).toISOString()).toBe(sentAt.toISOString())
    expect((await inbox()).events[0]).toMatchObject({ kind: 'afgewezen', at: new Date(w.clock.now()).toISOString(), recordedAt: sentAt.toISOString() })

    // A referral whose first contact the social worker recorded offline two hours before it reached the server again.
    const id2 = crypto.randomUUID()
    const sentAt2 = new Date(w.clock.now()).toISOString()
    await gp.agent.call('POST', '/api/referrals', {
      id: id2,
      intervention: 'wor',
      senderOrganisationId: practice.organisationId,
      receivingOrganisationId: org,
      sentAt: sentAt2,
      sealed: await sealSigned(CONTENT, recipients, referralContext(id2), signer(gpPhone), sentAt2),
    })
    const post = async (kind: EventKind, at: Date) => {
      const eventId = crypto.randomUUID()
      const sealed = await sealSigned({ note: '' }, recipients, signedEventContext(id2, eventId, kind), signer(phone), at.toISOString())
      return worker.agent.call('POST', `/api/referrals/${id2}/events`, { id: eventId, kind, at: at.toISOString(), sealed })
    }
    expect((await post('geaccepteerd', new Date(w.clock.now()))).status).toBe(201)
    w.clock.advance(5 * 3600)
    const contactAt = new Date(w.clock.now() - 2 * 3600_000)
    expect((await post('contact', contactAt)).status).toBe(201)
    // A time in the future is clamped to the server's now.
    expect((await post('gesprek', new Date(w.clock.now() + 86_400_000))).status).toBe(201)
    const listed = ((await (await gp.agent.call('GET', '/api/referrals/sent')).json()) as { referrals: (Listed & { id: string })[] }).referrals.find((r) => r.id === id2)!
    expect(listed.recordedAt).toBeUndefined()
    expect(listed.firstContactAt).toBe(contactAt.toISOString())
    expect(listed.events.map((e) => [e.kind, e.at, e.recordedAt])).toEqual([
      ['geaccepteerd', expect.any(String), undefined],
      ['contact', new Date(w.clock.now()).toISOString(), contactAt.toISOString()],
      ['gesprek', new Date(w.clock.now()).toISOString(), undefined],
    ])
  })

  it('needs the device to belong to the organisation acted for', async () => {
    const w = await setup()
    const { admin, worker, org } = await welzijn(w)
    // The social worker also works in a second organisation and binds a phone registered there.
    const second = await signedIn(w.app, w.db, w.clock, 'beheerder')
    const { addMember } = await import('../../src/server/auth/accounts')
    await addMember(w.db, { email: worker.email, name: 'Test sociaal-werker', password: 'unused-Zonnebloem-42' }, second.organisationId, 'sociaal-werker', null)
    const secondPhone = await approvedBoundDevice(worker.agent, second.agent, second.organisationId)
    void admin
    const id = await referralFor(w, org, new Date(w.clock.now()))
    const eventId = crypto.randomUUID()
    const at = new Date(w.clock.now()).toISOString()
    const sealed = await sealSigned({ note: '' }, [{ deviceId: secondPhone.id, publicKey: secondPhone.keys.publicKey }], signedEventContext(id, eventId, 'ontvangen'), signer(secondPhone), at)
    const res = await worker.agent.call('POST', `/api/referrals/${id}/events`, { id: eventId, kind: 'ontvangen', at, sealed })
    expect(res.status).toBe(404)
    expect((await worker.agent.call('GET', `/api/referrals/${id}/keys`)).status).toBe(404)
    const inbox = (await (await worker.agent.call('GET', '/api/referrals/inbox')).json()) as { referrals: { id: string }[] }
    expect(inbox.referrals.map((r) => r.id)).not.toContain(id)
  })
})
