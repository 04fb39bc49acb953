/**
 * The samenwerkplan shared with participants, on the server (src/server/plans/, routes/plans.ts;
 * docs/shared-plan.md "Server"), with real WebCrypto across three organisations: the lead (a
 * sociaal-werker of A), a huisarts of B with two devices, a sociaal-werker of C. Invitations by
 * e-mail answer alike for every address and count against the lead's day; accepting, declining and
 * expiry; only the lead invites and sends versions; every box is checked for sender, signature,
 * context and recipients; the GP reads their box only on the device it lists, and answers; someone
 * left out or gone from their organisation gets nothing and cannot answer; the team reads responses.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addMember } from '../../src/server/auth/accounts'
import type { Database } from '../../src/server/db/types'
import { INVITATIONS_PER_DAY } from '../../src/shared/api/caseTeam'
import { myPlansSchema, planInvitationsSchema, planPeopleSchema, planResponsesSchema } from '../../src/shared/api/plans'
import { newResponseKey, participantPlanSchema, planBoxContext } from '../../src/shared/cases/sharedPlan'
import { regionDate } from '../../src/shared/core/clock'
import { openSealed, type SealedV2 } from '../../src/shared/crypto/sealed'
import { Clock, signedIn } from './agent'
import { anotherSession, caseSyncWorld, ownCase, type Phone } from './caseSyncWorld'
import { seedMember } from './caseTeamWorld'
import { approvedBoundDevice, type TestDevice } from './devices'
import { setupServerTest, type TestApp } from './fixture'
import { participantPlan, planBox, planResponse } from './planWorld'

let db: Database
let close: () => Promise<void>
let app: TestApp
const clock = new Clock()
let w: Awaited<ReturnType<typeof caseSyncWorld>>
const emails = new Map<string, string>()
let orgB: string
let orgC: string
let aName: string
/** A huisarts of B on their phone, the same person on their laptop; a sociaal-werker of C; another of C never invited. */
let gp: Phone
let gpLaptop: Phone
let c: Phone
let outsider: Phone
let adminB: Awaited<ReturnType<typeof signedIn>>
let adminC: Awaited<ReturnType<typeof signedIn>>

async function call(p: Phone, method: string, path: string, body?: unknown) {
  const res = await p.agent.call(method, path, body)
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}
const count = async (sql: string, params: unknown[]) => Number((await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${sql}`, params)).rows[0]!.n)
const invite = (by: Phone, planId: string, docId: string, email: string) => call(by, 'POST', `/api/plans/${planId}/invitations`, { docId, email })
const accept = (p: Phone, planId: string) => call(p, 'POST', `/api/plans/invitations/${planId}/accept`)
const decline = (p: Phone, planId: string) => call(p, 'POST', `/api/plans/invitations/${planId}/decline`)
const put = (by: Phone, planId: string, body: unknown) => call(by, 'PUT', `/api/plans/${planId}`, body)
const people = (p: Phone, planId: string, docId: string) => call(p, 'GET', `/api/plans/${planId}/people?docId=${docId}`)
const mine = async (p: Phone) => myPlansSchema.parse((await call(p, 'GET', '/api/plans/mine')).body)
const respond = (p: Phone, planId: string, body: unknown) => call(p, 'POST', `/api/plans/${planId}/responses`, body)
const responses = (p: Phone, planId: string, docId: string, after = 0) => call(p, 'GET', `/api/plans/${planId}/responses?docId=${docId}&after=${after}`)
const invitedTo = (planId: string) => db.query<{ invitee_id: string }>('SELECT invitee_id FROM plan_invitations WHERE plan_id = $1 ORDER BY invitee_id', [planId]).then((r) => r.rows.map((x) => x.invitee_id))
const pendingFor = async (p: Phone) => planInvitationsSchema.parse((await call(p, 'GET', '/api/plans/invitations')).body).invitations

const secrets = new Map<string, string>()
async function worker(role: 'huisarts' | 'sociaal-werker', admin: { agent: Phone['agent']; organisationId: string }): Promise<Phone> {
  const s = await signedIn(app, db, clock, role, { organisationId: admin.organisationId })
  const p = { agent: s.agent, userId: s.userId, device: await approvedBoundDevice(s.agent, admin.agent, admin.organisationId) }
  emails.set(p.userId, s.email)
  secrets.set(p.userId, s.secret)
  return p
}

/** A case of the lead's with a plan the GP accepted an invitation to. */
async function planAcceptedBy(...who: Phone[]) {
  const cs = await ownCase(w.phone)
  const planId = randomUUID()
  for (const p of who) {
    expect((await invite(w.phone, planId, cs.docId, emails.get(p.userId)!)).status).toBe(200)
    expect(await accept(p, planId)).toEqual({ status: 200, body: { ok: true } })
  }
  return { docId: cs.docId, planId }
}
/** A version's body: one box per person, sealed by the lead's phone to the listed devices. */
async function version(planId: string, docId: string, v: number, to: [Phone, TestDevice[]][]) {
  return { docId, version: v, recipients: await Promise.all(to.map(async ([p, devices]) => ({ userId: p.userId, box: await planBox(planId, v, p.userId, w.phone.device, devices) }))) }
}

beforeAll(async () => {
  ;({ db, close, app } = await setupServerTest({ clock }))
  w = await caseSyncWorld({ app, db, clock })
  for (const p of [w.phone, w.colleague]) emails.set(p.userId, (await db.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [p.userId])).rows[0]!.email)
  aName = (await db.query<{ name: string }>('SELECT name FROM organisations WHERE id = $1', [w.org])).rows[0]!.name
  adminB = await signedIn(app, db, clock, 'beheerder')
  orgB = adminB.organisationId
  await db.query('UPDATE organisations SET name = $2 WHERE id = $1', [orgB, 'Huisartsenpraktijk Bernheze'])
  gp = await worker('huisarts', adminB)
  const laptopAgent = await anotherSession(app, clock, emails.get(gp.userId)!, secrets.get(gp.userId)!)
  gpLaptop = { agent: laptopAgent, userId: gp.userId, device: await approvedBoundDevice(laptopAgent, adminB.agent, orgB, 'Laptop') }
  adminC = await signedIn(app, db, clock, 'beheerder')
  orgC = adminC.organisationId
  c = await worker('sociaal-werker', adminC)
  outsider = await worker('sociaal-werker', adminC)
}, 180_000)
afterAll(async () => {
  await close()
})

describe('an invitation to the plan', () => {
  it('answers the same for every address and stores a row only for a huisarts or sociaal-werker; logged and audited each time', async () => {
    const cs = await ownCase(w.phone)
    const planId = randomUUID()
    const sent = { status: 200, body: { sent: true } }
    // Unknown, the GP of B (in capitals), the sociaal-werker of C, A's beheerder (no such role), the lead themself.
    for (const email of [`niemand.${randomUUID().slice(0, 8)}@example.org`, emails.get(gp.userId)!.toUpperCase(), emails.get(c.userId)!, w.admin.email, w.worker.email]) {
      expect(await invite(w.phone, planId, cs.docId, email)).toEqual(sent)
    }
    expect(await invitedTo(planId)).toEqual([gp.userId, c.userId].sort())
    expect(await count("case_access_log WHERE action = 'invite-plan' AND document_id = $1 AND user_id = $2", [cs.docId, w.phone.userId])).toBe(5)
    expect(await count("audit_log WHERE action = 'invite-to-plan' AND entity_id = $1", [planId])).toBe(5)
    // The plan is bound to this case now: the same id under another case of the lead is no plan.
    const other = await ownCase(w.phone)
    expect((await invite(w.phone, planId, other.docId, emails.get(c.userId)!)).status).toBe(404)
    expect(await count('shared_plans WHERE plan_id = $1 AND document_id = $2', [planId, cs.docId])).toBe(1)
  })

  it('is asked only by the lead: a member gets not-lead, someone off the case 404, a GP or beheerder 403; nothing is stored', async () => {
    const cs = await ownCase(w.phone)
    await seedMember(db, cs.docId, w.colleague.userId)
    const planId = randomUUID()
    const email = emails.get(gp.userId)!
    expect(await invite(w.colleague, planId, cs.docId, email)).toMatchObject({ status: 403, body: { code: 'not-lead' } })
    expect(await invite(c, planId, cs.docId, email)).toMatchObject({ status: 404, body: { code: 'not-found' } })
    expect((await invite(gp, planId, cs.docId, email)).status).toBe(403)
    expect((await invite({ agent: w.admin.agent, userId: w.admin.userId, device: w.phone.device }, planId, cs.docId, email)).status).toBe(403)
    expect(await count('shared_plans WHERE plan_id = $1', [planId])).toBe(0)
    expect(await count('plan_invitations WHERE plan_id = $1', [planId])).toBe(0)
    expect(await count("case_access_log WHERE action = 'invite-plan' AND document_id = $1", [cs.docId])).toBe(0)
  })

  it('counts against the lead’s day, shared with case invitations, in the database; the refusal is the same for a known address and writes nothing', async () => {
    const cs = await ownCase(w.colleague)
    const planId = randomUUID()
    const day = regionDate(clock.now())
    await db.query('INSERT INTO case_invitation_counts (user_id, day, hits) VALUES ($1, $2, $3)', [w.colleague.userId, day, INVITATIONS_PER_DAY - 2])
    expect((await call(w.colleague, 'POST', `/api/case-sync/docs/${cs.docId}/invitations`, { email: `x.${randomUUID().slice(0, 8)}@example.org` })).status).toBe(200)
    expect((await invite(w.colleague, planId, cs.docId, `y.${randomUUID().slice(0, 8)}@example.org`)).status).toBe(200)
    const unknown = await invite(w.colleague, planId, cs.docId, `z.${randomUUID().slice(0, 8)}@example.org`)
    const known = await invite(w.colleague, planId, cs.docId, emails.get(gp.userId)!)
    expect(unknown).toMatchObject({ status: 429, body: { code: 'too-many' } })
    expect(known).toEqual(unknown)
    expect((await call(w.colleague, 'POST', `/api/case-sync/docs/${cs.docId}/invitations`, { email: emails.get(c.userId)! })).status).toBe(429)
    // A plan id not used before is not bound by a refused invitation either.
    const fresh = randomUUID()
    expect(await invite(w.colleague, fresh, cs.docId, emails.get(gp.userId)!)).toEqual(unknown)
    expect(await count('shared_plans WHERE plan_id = $1', [fresh])).toBe(0)
    expect(await invitedTo(planId)).toEqual([])
    expect(await count("case_access_log WHERE action = 'invite-plan' AND document_id = $1", [cs.docId])).toBe(1)
    expect((await db.query<{ hits: number }>('SELECT hits FROM case_invitation_counts WHERE user_id = $1 AND day = $2', [w.colleague.userId, day])).rows[0]!.hits).toBe(INVITATIONS_PER_DAY)
    await db.query('DELETE FROM case_invitation_counts WHERE user_id = $1', [w.colleague.userId])
  })

  it('is listed for the invitee only (who asks, from which organisation, nothing of the case), accepted or declined by them, and not after it expired', async () => {
    const cs = await ownCase(w.phone)
    const planId = randomUUID()
    for (const p of [gp, c]) await invite(w.phone, planId, cs.docId, emails.get(p.userId)!)
    const listed = (await pendingFor(gp)).filter((i) => i.planId === planId)
    expect(listed).toEqual([{ planId, inviterName: 'Test sociaal-werker', organisationName: aName, invitedAt: new Date(clock.now()).toISOString(), expiresAt: new Date(clock.now() + 14 * 86_400_000).toISOString() }])
    expect(Object.keys((await call(gp, 'GET', '/api/plans/invitations')).body.invitations as object[]).length).toBeGreaterThan(0)
    expect((await pendingFor(outsider)).filter((i) => i.planId === planId)).toEqual([])
    // Nobody else answers it.
    expect(await accept(outsider, planId)).toMatchObject({ status: 404, body: { code: 'not-found' } })
    expect((await decline(outsider, planId)).status).toBe(404)
    // The GP accepts (again: the same answer); C declines (again, or accepting after: 404).
    expect(await accept(gp, planId)).toEqual({ status: 200, body: { ok: true } })
    expect(await accept(gpLaptop, planId)).toEqual({ status: 200, body: { ok: true } })
    expect((await db.query<{ organisation_id: string }>('SELECT organisation_id FROM plan_invitations WHERE plan_id = $1 AND invitee_id = $2', [planId, gp.userId])).rows[0]!.organisation_id).toBe(orgB)
    expect(await decline(c, planId)).toEqual({ status: 200, body: { ok: true } })
    expect((await decline(c, planId)).status).toBe(404)
    expect((await accept(c, planId)).status).toBe(404)
    expect((await pendingFor(gp)).filter((i) => i.planId === planId)).toEqual([])
    expect((await pendingFor(c)).filter((i) => i.planId === planId)).toEqual([])
    expect(await count("audit_log WHERE action IN ('accept-plan-invitation', 'decline-plan-invitation') AND entity_id = $1", [planId])).toBe(2)
    // Inviting again after a decline asks again.
    await invite(w.phone, planId, cs.docId, emails.get(c.userId)!)
    expect((await pendingFor(c)).map((i) => i.planId)).toContain(planId)
    // Expired: not listed, not accepted.
    await db.query('UPDATE plan_invitations SET expires_at = $2 WHERE plan_id = $1 AND invitee_id = $3', [planId, new Date(clock.now() - 1000), c.userId])
    expect((await pendingFor(c)).filter((i) => i.planId === planId)).toEqual([])
    expect((await accept(c, planId)).status).toBe(404)
  })
})

describe('the people of a plan', () => {
  it('lists for the case’s team who accepted, with their devices in the organisation they act for and its chain; not for anyone else', async () => {
    const { docId, planId } = await planAcceptedBy(gp)
    await seedMember(db, docId, w.colleague.userId)
    const listed = planPeopleSchema.parse((await people(w.colleague, planId, docId)).body)
    expect(listed.people).toEqual([
      {
        userId: gp.userId,
        name: 'Test huisarts',
        email: emails.get(gp.userId)!,
        organisationId: orgB,
        organisationName: 'Huisartsenpraktijk Bernheze',
        status: 'accepted',
        devices: expect.any(Array) as unknown[],
      },
    ])
    expect(listed.people[0]!.devices.map((d) => (d as { deviceId: string }).deviceId).sort()).toEqual([gp.device.id, gpLaptop.device.id].sort())
    expect(Object.keys(listed.chains)).toEqual([orgB])
    expect((await people(c, planId, docId)).status).toBe(404)
    expect((await people(gp, planId, docId)).status).toBe(403)
    // Bound to this case: asked under another case of the lead, 404; an id not used yet has nobody.
    expect((await people(w.phone, planId, (await ownCase(w.phone)).docId)).status).toBe(404)
    expect(await people(w.phone, randomUUID(), docId)).toEqual({ status: 200, body: { people: [], chains: {} } })
    // An acceptance counts for the invitation's days.
    await db.query('UPDATE plan_invitations SET expires_at = $2 WHERE plan_id = $1', [planId, new Date(clock.now() - 1000)])
    expect(planPeopleSchema.parse((await people(w.phone, planId, docId)).body).people).toEqual([])
  })
})

describe('a version of the plan', () => {
  it('is sent by the lead only, numbered upwards; the same version again is a duplicate, another under its number refused', async () => {
    const { docId, planId } = await planAcceptedBy(gp)
    await seedMember(db, docId, w.colleague.userId)
    const v1 = await version(planId, docId, 1, [[gp, [gp.device]]])
    expect(await put(w.colleague, planId, v1)).toMatchObject({ status: 403, body: { code: 'not-lead' } })
    expect(await put(c, planId, v1)).toMatchObject({ status: 404, body: { code: 'not-found' } })
    expect((await put(gp, planId, v1)).status).toBe(403)
    expect(await count('plan_boxes WHERE plan_id = $1', [planId])).toBe(0)
    expect(await put(w.phone, planId, v1)).toEqual({ status: 200, body: { version: 1 } })
    expect(await put(w.phone, planId, v1)).toEqual({ status: 200, body: { version: 1, duplicate: true } })
    expect(await put(w.phone, planId, await version(planId, docId, 1, [[gp, [gp.device]]]))).toEqual({ status: 409, body: expect.objectContaining({ code: 'version-outdated', current: 1 }) as unknown })
    expect(await put(w.phone, planId, { ...v1, recipients: [] })).toMatchObject({ status: 409, body: { code: 'version-outdated', current: 1 } })
    expect(await put(w.phone, planId, await version(planId, docId, 3, [[gp, [gp.device]]]))).toEqual({ status: 200, body: { version: 3 } })
    expect(await put(w.phone, planId, await version(planId, docId, 2, [[gp, [gp.device]]]))).toMatchObject({ status: 409, body: { code: 'version-outdated', current: 3 } })
    expect(await count("case_access_log WHERE action = 'share-plan' AND document_id = $1", [docId])).toBe(2)
    // The plan id is this case's: under another case of the lead, 404.
    const other = await ownCase(w.phone)
    expect((await put(w.phone, planId, { ...(await version(planId, other.docId, 4, [])) })).status).toBe(404)
  })

  it('refuses a box sealed by another device, a signature that does not verify, a box for another version or person, a box to a device not the person’s, and a person not invited', async () => {
    const { docId, planId } = await planAcceptedBy(gp, c)
    const refusedWith = async (body: unknown, status: number, code: string) => expect(await put(w.phone, planId, body)).toMatchObject({ status, body: { code } })
    const box = (opts: Parameters<typeof planBox>[5] = {}, by: TestDevice = w.phone.device, to: TestDevice[] = [gp.device], userId = gp.userId, v = 1) => planBox(planId, v, userId, by, to, opts)
    const body = async (b: Promise<SealedV2>, userId = gp.userId) => ({ docId, version: 1, recipients: [{ userId, box: await b }] })
    // Sealed and signed by the lead's laptop (another device of the same person) while the session runs on the phone.
    await refusedWith(await body(box({}, w.laptop.device)), 403, 'wrong-sender')
    // Naming the phone but signed with the laptop's key.
    await refusedWith(await body(box({ signWith: w.laptop.device.keys.signing.privateKey })), 403, 'bad-signature')
    // Signed for another version, and for another person (C's box handed to the GP).
    await refusedWith(await body(box({ context: planBoxContext(planId, 2, gp.userId) })), 403, 'bad-signature')
    await refusedWith(await body(box({}, w.phone.device, [gp.device], c.userId)), 403, 'bad-signature')
    // Sealed to C's device as well, or to the lead's own.
    await refusedWith(await body(box({}, w.phone.device, [gp.device, c.device])), 400, 'wrong-recipient')
    await refusedWith(await body(box({}, w.phone.device, [w.phone.device])), 400, 'wrong-recipient')
    // Someone who never accepted (the outsider), even with a box sealed right to their device.
    await refusedWith(await body(box({}, w.phone.device, [outsider.device], outsider.userId), outsider.userId), 400, 'not-invited')
    // The same person twice.
    const twice = await body(box())
    await refusedWith({ ...twice, recipients: [twice.recipients[0], twice.recipients[0]] }, 400, 'bad-request')
    expect(await count('plan_boxes WHERE plan_id = $1', [planId])).toBe(0)
    expect(await count('plan_recipients WHERE plan_id = $1', [planId])).toBe(0)
    expect((await db.query<{ version: number }>('SELECT version FROM shared_plans WHERE plan_id = $1', [planId])).rows[0]!.version).toBe(0)
    expect(await count("case_access_log WHERE action = 'share-plan' AND document_id = $1", [docId])).toBe(0)
  })
})

describe('a participant', () => {
  it('reads their copy only on the device it is sealed to, answers, and is refused for another device, a bad signature or a reused id', async () => {
    const { docId, planId } = await planAcceptedBy(gp, c)
    const responseKey = newResponseKey()
    const copy = participantPlan(planId, 1, w.phone.userId, gp.userId, responseKey)
    const sealed = await planBox(planId, 1, gp.userId, w.phone.device, [gp.device], { content: copy })
    expect((await put(w.phone, planId, { docId, version: 1, recipients: [{ userId: gp.userId, box: sealed }] })).status).toBe(200)

    const onPhone = await mine(gp)
    const got = onPhone.plans.find((p) => p.planId === planId)!
    expect(got).toMatchObject({ planId, version: 1 })
    expect((got.sender as { deviceId: string }).deviceId).toBe(w.phone.device.id)
    expect(Object.keys(onPhone.chains)).toContain(w.org)
    const opened = participantPlanSchema.parse(await openSealed(got.box as SealedV2, gp.device.id, gp.device.keys.encryption.privateKey, planBoxContext(planId, 1, gp.userId)))
    expect(opened).toEqual(copy)
    // The laptop is not among the box's devices; C accepted but receives nothing.
    expect((await mine(gpLaptop)).plans.filter((p) => p.planId === planId)).toEqual([])
    expect((await mine(c)).plans.filter((p) => p.planId === planId)).toEqual([])

    const r = await planResponse(planId, gp.device, gp.userId, { key: responseKey, actionId: copy.actions[0]!.id })
    expect(await respond(gp, planId, r)).toEqual({ status: 201, body: { seq: expect.any(Number) as number } })
    const seq = (await respond(gp, planId, r)).body.seq
    expect(await respond(gp, planId, r)).toEqual({ status: 200, body: { seq, duplicate: true } })
    expect(await respond(gp, planId, await planResponse(planId, gp.device, gp.userId, { key: responseKey, id: r.id, note: 'Anders' }))).toMatchObject({ status: 409, body: { code: 'id-reused' } })
    expect(await count("case_access_log WHERE action = 'plan-response' AND document_id = $1", [docId])).toBe(1)
    // From the phone's session, but made by the laptop; naming the phone, signed by the laptop; changed after signing.
    expect(await respond(gp, planId, await planResponse(planId, gpLaptop.device, gp.userId))).toMatchObject({ status: 403, body: { code: 'wrong-sender' } })
    expect(await respond(gp, planId, await planResponse(planId, gp.device, gp.userId, { signWith: gpLaptop.device.keys.signing.privateKey }))).toMatchObject({ status: 403, body: { code: 'bad-signature' } })
    const signed = await planResponse(planId, gp.device, gp.userId)
    expect(await respond(gp, planId, { ...signed, ciphertext: signed.ciphertext.replace(/^./, (ch) => (ch === 'A' ? 'B' : 'A')) })).toMatchObject({ status: 403, body: { code: 'bad-signature' } })
    // Not a recipient: C (accepted, not sent to), the outsider, the lead; an unknown plan.
    for (const p of [c, outsider, w.phone]) expect(await respond(p, planId, await planResponse(planId, p.device, p.userId))).toMatchObject({ status: 404, body: { code: 'not-found' } })
    expect((await respond(gp, randomUUID(), await planResponse(planId, gp.device, gp.userId))).status).toBe(404)
    expect(await count('plan_responses WHERE plan_id = $1', [planId])).toBe(1)

    // The team reads it (a member, the lead); nobody else.
    await seedMember(db, docId, w.colleague.userId)
    const read = planResponsesSchema.parse((await responses(w.colleague, planId, docId)).body)
    expect(read.responses).toEqual([{ ...r, seq, userId: gp.userId, receivedAt: new Date(clock.now()).toISOString() }])
    expect(read.devices.map((d) => (d as { deviceId: string }).deviceId)).toEqual([gp.device.id])
    expect(Object.keys(read.chains)).toEqual([orgB])
    expect(read.more).toBe(false)
    expect(planResponsesSchema.parse((await responses(w.phone, planId, docId, Number(seq))).body).responses).toEqual([])
    expect((await responses(c, planId, docId)).status).toBe(404)
    expect((await responses(gp, planId, docId)).status).toBe(403)
    expect((await responses(w.phone, planId, (await ownCase(w.phone)).docId)).status).toBe(404)
    expect((await call(w.phone, 'GET', `/api/plans/${planId}/responses?docId=${docId}&after=-1`)).status).toBe(400)
  })

  it('left out of the next version loses their copy and cannot answer; the team keeps what they said', async () => {
    const { docId, planId } = await planAcceptedBy(gp, c)
    expect((await put(w.phone, planId, await version(planId, docId, 1, [[gp, [gp.device, gpLaptop.device]], [c, [c.device]]]))).status).toBe(200)
    expect((await mine(gpLaptop)).plans.map((p) => p.planId)).toContain(planId)
    expect((await respond(gp, planId, await planResponse(planId, gp.device, gp.userId))).status).toBe(201)
    expect(planPeopleSchema.parse((await people(w.phone, planId, docId)).body).people.map((p) => [p.userId, p.status])).toEqual(
      expect.arrayContaining([
        [gp.userId, 'recipient'],
        [c.userId, 'recipient'],
      ]),
    )
    // Version 2 leaves the GP out.
    expect((await put(w.phone, planId, await version(planId, docId, 2, [[c, [c.device]]]))).status).toBe(200)
    expect(await count('plan_boxes WHERE plan_id = $1 AND user_id = $2', [planId, gp.userId])).toBe(0)
    expect(await count('plan_recipients WHERE plan_id = $1 AND user_id = $2', [planId, gp.userId])).toBe(0)
    for (const p of [gp, gpLaptop]) expect((await mine(p)).plans.filter((x) => x.planId === planId)).toEqual([])
    expect((await respond(gp, planId, await planResponse(planId, gp.device, gp.userId))).status).toBe(404)
    expect((await mine(c)).plans.find((x) => x.planId === planId)).toMatchObject({ version: 2 })
    expect(planResponsesSchema.parse((await responses(w.phone, planId, docId)).body).responses.map((r) => r.userId)).toEqual([gp.userId])
  })

  it('who left the organisation they act for gets nothing, cannot answer, and is no longer listed or sent to', async () => {
    // Dora: a huisarts of B and a sociaal-werker of C, each with a device there.
    const dora = await worker('huisarts', adminB)
    await addMember(db, { email: emails.get(dora.userId)!, name: 'Test huisarts', password: 'unused-password-xx' }, orgC, 'sociaal-werker', null)
    const inC = await anotherSession(app, clock, emails.get(dora.userId)!, secrets.get(dora.userId)!)
    const doraC: Phone = { agent: inC, userId: dora.userId, device: await approvedBoundDevice(inC, adminC.agent, orgC, 'Telefoon C') }
    const { docId, planId } = await planAcceptedBy(dora)
    expect((await put(w.phone, planId, await version(planId, docId, 1, [[dora, [dora.device]]]))).status).toBe(200)
    expect((await mine(dora)).plans.map((p) => p.planId)).toEqual([planId])
    // She acts for B: nothing on her device of C, and she cannot answer from it.
    expect((await mine(doraC)).plans).toEqual([])
    expect((await respond(doraC, planId, await planResponse(planId, doraC.device, dora.userId))).status).toBe(404)
    // She leaves B.
    await db.query('DELETE FROM memberships WHERE user_id = $1 AND organisation_id = $2', [dora.userId, orgB])
    expect((await call(dora, 'GET', '/api/plans/mine')).status).toBe(403)
    expect((await mine(doraC)).plans).toEqual([])
    expect((await respond(doraC, planId, await planResponse(planId, doraC.device, dora.userId))).status).toBe(404)
    expect(planPeopleSchema.parse((await people(w.phone, planId, docId)).body).people).toEqual([])
    expect(await put(w.phone, planId, await version(planId, docId, 2, [[dora, [dora.device]]]))).toMatchObject({ status: 400, body: { code: 'not-invited' } })
  })
})
