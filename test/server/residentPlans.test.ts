/**
 * The resident's plan links on the server (src/server/residentPlans/links.ts, docs/resident-plan.md
 * "Server") with the real sealing (src/shared/cases/residentPlan.ts): a sociaal-werker on an approved
 * device makes a link, the resident reads it without an account and opens it with the key from the
 * fragment; updating and withdrawing take the manage secret, whoever holds the case, of whichever
 * organisation, and a wrong one answers like an unknown link; a withdrawn or expired link answers 410
 * and keeps no body; the database never holds the manage secret or the key.
 */
import { Writable } from 'node:stream'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/server/db/types'
import { createLogger } from '../../src/server/log'
import { RESIDENT_LINK_MAX_DAYS, RESIDENT_PLAN_MAX_BYTES, residentLinkSavedSchema, residentPlanAnswerSchema } from '../../src/shared/api/residentPlans'
import { openResidentPlan, randomSecret, sealResidentPlan, type ResidentPlan } from '../../src/shared/cases/residentPlan'
import { regionDate } from '../../src/shared/core/clock'
import { addDays } from '../../src/shared/core/days'
import { MAX_BODY_BYTES } from '../../src/server/app'
import { describeFindings, scanDatabase } from '../support/secretScan'
import { Agent, Clock, signedIn } from './agent'
import { caseSyncWorld, type Phone } from './caseSyncWorld'
import { approvedBoundDevice, registerDevice, bindDevice } from './devices'
import { setupServerTest, type ServerTest, type TestApp } from './fixture'
import { newLinkBody, sealedText, sha256Hex } from './residentPlanWorld'

let t: ServerTest
let db: Database
let app: TestApp
const clock = new Clock()
let w: Awaited<ReturnType<typeof caseSyncWorld>>
/** A sociaal-werker of another organisation (the case was handed over to them, or not). */
let other: Phone
let anonymous: Agent

const today = () => regionDate(clock.now())
const path = (id: string) => `/api/resident-plans/${id}`
async function call(agent: Agent, method: string, url: string, body?: unknown) {
  const res = await agent.call(method, url, body)
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}
const stored = async (id: string) =>
  (
    await db.query<{ body: string | null; manage_hash: string; expires_on: string; withdrawn_at: Date | null; organisation_id: string; created_by: string }>(
      'SELECT body, manage_hash, expires_on::text AS expires_on, withdrawn_at, organisation_id, created_by FROM resident_links WHERE id = $1',
      [id],
    )
  ).rows[0]
const audited = async (id: string) =>
  (await db.query<{ action: string; actor_id: string; organisation_id: string; entity: string }>('SELECT action, actor_id, organisation_id, entity FROM audit_log WHERE entity_id = $1 ORDER BY id', [id])).rows

function planFor(linkId: string, expiresOn: string, steps: string[]): ResidentPlan {
  return {
    v: 1,
    linkId,
    madeOn: today(),
    sentAt: new Date(clock.now()).toISOString(),
    expiresOn,
    organisation: 'Welzijn De Brug',
    resident: 'Fatima',
    questions: { wil: 'Weer rondkomen', kan: 'Zelf bellen', nodig: 'Hulp bij de brieven' },
    strengths: 'Doorzetter',
    lifeDomains: [],
    network: [],
    steps: steps.map((what) => ({ what, who: 'inwoner' as const, done: false })),
    actions: [],
    whoToCall: [{ name: 'Sanne', organisation: 'Welzijn De Brug', role: 'casusregisseur', lead: true }],
  }
}
/** A link made as the phone makes it: a random id, key and manage secret, the plan sealed under the key. */
async function sealedLink(steps = ['Brieven sorteren']) {
  const id = randomUUID()
  const key = randomSecret()
  const expiresOn = addDays(today(), 90)
  return { id, key, manage: randomSecret(), expiresOn, body: await sealResidentPlan(key, planFor(id, expiresOn, steps)) }
}
async function made(by: Phone = w.phone) {
  const link = await sealedLink()
  const res = await call(by.agent, 'POST', '/api/resident-plans', { id: link.id, manage: link.manage, body: link.body, expiresOn: link.expiresOn })
  expect(res.status).toBe(201)
  return link
}

beforeAll(async () => {
  t = await setupServerTest({ clock })
  ;({ db, app } = t)
  w = await caseSyncWorld({ app, db, clock })
  const adminB = await signedIn(app, db, clock, 'beheerder')
  const s = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: adminB.organisationId })
  other = { agent: s.agent, userId: s.userId, device: await approvedBoundDevice(s.agent, adminB.agent, adminB.organisationId) }
  anonymous = new Agent(app)
}, 120_000)
afterAll(async () => {
  await t.close()
})

describe('a resident plan link', () => {
  it('is made by a sociaal-werker, read by the resident without an account, opened with the key, and updated with the secret', async () => {
    const link = await sealedLink()
    const res = await call(w.phone.agent, 'POST', '/api/resident-plans', { id: link.id, manage: link.manage, body: link.body, expiresOn: link.expiresOn })
    expect(res.status).toBe(201)
    expect(residentLinkSavedSchema.parse(res.body)).toEqual({ id: link.id, expiresOn: link.expiresOn, updatedAt: new Date(clock.now()).toISOString() })
    expect(await stored(link.id)).toMatchObject({ organisation_id: w.org, created_by: w.phone.userId, body: link.body, expires_on: link.expiresOn, withdrawn_at: null })

    const read = await anonymous.call('GET', path(link.id))
    expect(read.status).toBe(200)
    expect(read.headers.get('Cache-Control')).toBe('no-store')
    const answer = residentPlanAnswerSchema.parse(await read.json())
    expect((await openResidentPlan(link.key, link.id, answer.body)).steps.map((s) => s.what)).toEqual(['Brieven sorteren'])

    // A newer version, sealed under the same key, a new last day.
    clock.advance(3600)
    const expiresOn = addDays(today(), 180)
    const newer = await sealResidentPlan(link.key, planFor(link.id, expiresOn, ['Brieven sorteren', 'Schuldhulp bellen']))
    const put = await call(w.phone.agent, 'PUT', path(link.id), { manage: link.manage, body: newer, expiresOn })
    expect(put).toEqual({ status: 200, body: { id: link.id, expiresOn, updatedAt: new Date(clock.now()).toISOString() } })
    const again = residentPlanAnswerSchema.parse(await (await anonymous.call('GET', path(link.id))).json())
    expect(again.updatedAt).toBe(new Date(clock.now()).toISOString())
    expect((await openResidentPlan(link.key, link.id, again.body)).steps.map((s) => s.what)).toEqual(['Brieven sorteren', 'Schuldhulp bellen'])

    // Audited by id and organisation, never with the body or the secret; the reads not at all.
    expect(await audited(link.id)).toEqual([
      { action: 'resident-link-create', actor_id: w.phone.userId, organisation_id: w.org, entity: 'resident-link' },
      { action: 'resident-link-update', actor_id: w.phone.userId, organisation_id: w.org, entity: 'resident-link' },
    ])
  })

  it('refuses an update or withdrawal with a wrong secret exactly like an unknown link, also to another organisation, and takes both with the secret from anyone holding the case', async () => {
    const link = await made()
    const before = await stored(link.id)
    const wrong = randomSecret()
    const change = { body: sealedText(), expiresOn: addDays(today(), 30) }
    const unknown = await call(w.phone.agent, 'PUT', path(randomUUID()), { manage: link.manage, ...change })
    expect(unknown).toEqual({ status: 404, body: { code: 'not-found', error: expect.any(String) } })
    for (const by of [w.phone, w.colleague, other]) {
      expect(await call(by.agent, 'PUT', path(link.id), { manage: wrong, ...change })).toEqual(unknown)
      expect(await call(by.agent, 'POST', `${path(link.id)}/withdraw`, { manage: wrong })).toEqual(unknown)
    }
    expect(await stored(link.id)).toEqual(before)
    expect((await audited(link.id)).map((a) => a.action)).toEqual(['resident-link-create'])

    // The case was handed over to the other organisation: its sociaal-werker holds the secret now.
    expect((await call(other.agent, 'PUT', path(link.id), { manage: link.manage, ...change })).status).toBe(200)
    expect((await stored(link.id))?.body).toBe(change.body)
    expect(await call(other.agent, 'POST', `${path(link.id)}/withdraw`, { manage: link.manage })).toEqual({ status: 200, body: { ok: true } })
    expect((await audited(link.id)).slice(1)).toEqual([
      { action: 'resident-link-update', actor_id: other.userId, organisation_id: other.device.organisationId, entity: 'resident-link' },
      { action: 'resident-link-withdraw', actor_id: other.userId, organisation_id: other.device.organisationId, entity: 'resident-link' },
    ])
  })

  it('takes a new manage secret with an update, after which the old one (held by someone who left the team) neither updates nor withdraws', async () => {
    const link = await made()
    const change = { body: sealedText(), expiresOn: addDays(today(), 30) }
    const fresh = randomSecret()
    expect((await call(w.phone.agent, 'PUT', path(link.id), { manage: link.manage, newManage: fresh, ...change })).status).toBe(200)
    // The removed colleague still has the old secret from the case on their phone.
    expect((await call(w.colleague.agent, 'PUT', path(link.id), { manage: link.manage, body: sealedText(), expiresOn: change.expiresOn })).status).toBe(404)
    expect((await call(w.colleague.agent, 'POST', `${path(link.id)}/withdraw`, { manage: link.manage })).status).toBe(404)
    expect((await stored(link.id))?.body).toBe(change.body)
    expect((await call(w.phone.agent, 'POST', `${path(link.id)}/withdraw`, { manage: fresh })).status).toBe(200)
  })

  it('is made, updated and withdrawn only by a sociaal-werker fully signed in on an approved device', async () => {
    const link = await made()
    const gp = await signedIn(app, db, clock, 'huisarts', { organisationId: w.org })
    await approvedBoundDevice(gp.agent, w.admin.agent, w.org)
    const unapproved = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: w.org })
    await bindDevice(unapproved.agent, await registerDevice(unapproved.agent, w.org))
    const noDevice = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: w.org })
    const halfway = new Agent(app)
    const half = await signedIn(app, db, clock, 'huisarts', { organisationId: w.org })
    halfway.csrf = ((await (await halfway.call('POST', '/api/auth/sign-in', { email: half.email, password: 'Zonnebloem-Veld-42-Oss' })).json()) as { csrfToken: string }).csrfToken
    const who: [string, Agent, number, string][] = [
      ['a GP on an approved device', gp.agent, 403, 'device-required'],
      ['a beheerder on their own device', w.admin.agent, 403, 'device-required'],
      ['a sociaal-werker on a device not approved', unapproved.agent, 403, 'device-required'],
      ['a sociaal-werker without a device', noDevice.agent, 403, 'device-required'],
      ['someone with only a password', halfway, 401, 'second-factor-required'],
      ['nobody', anonymous, 401, 'not-signed-in'],
    ]
    for (const [name, agent, status, code] of who) {
      const fresh = newLinkBody(clock.now())
      for (const [method, url, body] of [
        ['POST', '/api/resident-plans', fresh],
        ['PUT', path(link.id), { manage: link.manage, body: fresh.body, expiresOn: fresh.expiresOn }],
        ['POST', `${path(link.id)}/withdraw`, { manage: link.manage }],
      ] as const) {
        const res = await call(agent, method, url, body)
        expect({ name, method, url, status: res.status, code: res.body.code }).toEqual({ name, method, url, status, code })
      }
      expect(await stored(fresh.id)).toBeUndefined()
    }
    expect((await stored(link.id))?.body).toBe(link.body)
  })

  it('answers 410 once withdrawn, keeps no body, and stays withdrawn', async () => {
    const link = await made()
    clock.advance(60)
    expect(await call(w.phone.agent, 'POST', `${path(link.id)}/withdraw`, { manage: link.manage })).toEqual({ status: 200, body: { ok: true } })
    expect(await stored(link.id)).toMatchObject({ body: null, withdrawn_at: new Date(clock.now()) })
    expect(await call(anonymous, 'GET', path(link.id))).toEqual({ status: 410, body: { code: 'link-withdrawn', error: expect.any(String) } })
    // Again: the same answer, nothing written or audited twice.
    expect(await call(w.phone.agent, 'POST', `${path(link.id)}/withdraw`, { manage: link.manage })).toEqual({ status: 200, body: { ok: true } })
    expect((await audited(link.id)).map((a) => a.action)).toEqual(['resident-link-create', 'resident-link-withdraw'])
    // It cannot be brought back: not by an update, nor by making it again.
    const renewed = { manage: link.manage, body: sealedText(), expiresOn: addDays(today(), 30) }
    expect((await call(w.phone.agent, 'PUT', path(link.id), renewed)).status).toBe(404)
    expect((await call(w.phone.agent, 'POST', '/api/resident-plans', { id: link.id, ...renewed })).status).toBe(409)
    expect((await stored(link.id))?.body).toBeNull()
  })

  it('answers 410 after its last day in the region, empties the body then, and can be renewed with the secret', async () => {
    const link = await made()
    const saved = clock.now()
    try {
      // The last day itself still works, until midnight in Amsterdam (22:59 UTC in winter).
      clock.t = Date.parse(`${link.expiresOn}T22:59:00Z`)
      expect((await anonymous.call('GET', path(link.id))).status).toBe(200)
      clock.t = Date.parse(`${link.expiresOn}T23:00:00Z`)
      expect(await call(anonymous, 'GET', path(link.id))).toEqual({ status: 410, body: { code: 'link-expired', error: expect.any(String) } })
      expect(await stored(link.id)).toMatchObject({ body: null, withdrawn_at: null })
      expect(await call(anonymous, 'GET', path(link.id))).toEqual({ status: 410, body: { code: 'link-expired', error: expect.any(String) } })
      // The casusregisseur sends it again with a new last day.
      const renewed = { manage: link.manage, body: sealedText(), expiresOn: addDays(today(), 90) }
      expect((await call(w.phone.agent, 'PUT', path(link.id), renewed)).status).toBe(200)
      expect((await call(anonymous, 'GET', path(link.id))).body.body).toBe(renewed.body)
    } finally {
      clock.t = saved
    }
  })

  it('keeps no expired body even when nobody opens the link again', async () => {
    const link = await made()
    const saved = clock.now()
    try {
      clock.t = Date.parse(`${addDays(link.expiresOn, 1)}T12:00:00Z`)
      await made()
      expect((await stored(link.id))?.body).toBeNull()
    } finally {
      clock.t = saved
    }
  })

  it('takes a last day from the region’s today up to the limit, nothing else', async () => {
    const refused = { status: 400, body: { code: 'bad-expiry', error: expect.any(String) } }
    const post = (expiresOn: string) => call(w.phone.agent, 'POST', '/api/resident-plans', { ...newLinkBody(clock.now()), expiresOn })
    expect(await post(addDays(today(), -1))).toEqual(refused)
    expect(await post(addDays(today(), RESIDENT_LINK_MAX_DAYS + 1))).toEqual(refused)
    expect((await post(today())).status).toBe(201)
    expect((await post(addDays(today(), RESIDENT_LINK_MAX_DAYS))).status).toBe(201)
    const link = await made()
    expect(await call(w.phone.agent, 'PUT', path(link.id), { manage: link.manage, body: sealedText(), expiresOn: addDays(today(), RESIDENT_LINK_MAX_DAYS + 1) })).toEqual(refused)
    // Half past midnight in Amsterdam is still the day before in UTC: the region's date counts.
    const saved = clock.now()
    try {
      clock.t = Date.parse('2026-12-01T23:30:00Z')
      expect(await post('2026-12-01')).toEqual(refused)
      expect((await post('2026-12-02')).status).toBe(201)
    } finally {
      clock.t = saved
    }
  })

  it('answers a resend with duplicate, and any other use of a taken id with 409', async () => {
    const link = await sealedLink()
    const first = { id: link.id, manage: link.manage, body: link.body, expiresOn: link.expiresOn }
    const created = await call(w.phone.agent, 'POST', '/api/resident-plans', first)
    expect(created.status).toBe(201)
    clock.advance(60)
    expect(await call(w.phone.agent, 'POST', '/api/resident-plans', first)).toEqual({ status: 200, body: { ...created.body, duplicate: true } })
    const exists = { status: 409, body: { code: 'exists', error: expect.any(String) } }
    expect(await call(w.phone.agent, 'POST', '/api/resident-plans', { ...first, body: sealedText() })).toEqual(exists)
    expect(await call(w.phone.agent, 'POST', '/api/resident-plans', { ...first, manage: randomSecret() })).toEqual(exists)
    expect(await call(other.agent, 'POST', '/api/resident-plans', { ...first, manage: randomSecret(), body: sealedText() })).toEqual(exists)
    expect((await stored(link.id))?.body).toBe(link.body)
    expect((await audited(link.id)).map((a) => a.action)).toEqual(['resident-link-create'])
  })

  it(`takes a plan over the app's ${MAX_BODY_BYTES / 1024} KB limit, and refuses a body over ${RESIDENT_PLAN_MAX_BYTES / 1024} KB`, async () => {
    const big = sealedText(140_000) // about 187,000 characters: within the schema, three times the app's limit
    const link = { ...newLinkBody(clock.now()), body: big }
    expect((await call(w.phone.agent, 'POST', '/api/resident-plans', link)).status).toBe(201)
    expect((await call(w.phone.agent, 'PUT', path(link.id), { manage: link.manage, body: sealedText(140_000), expiresOn: link.expiresOn })).status).toBe(200)
    const tooLarge = { status: 413, body: { code: 'too-large', error: expect.any(String) } }
    const huge = 'A'.repeat(RESIDENT_PLAN_MAX_BYTES)
    expect(await call(w.phone.agent, 'POST', '/api/resident-plans', { ...newLinkBody(clock.now()), body: huge })).toEqual(tooLarge)
    expect(await call(w.phone.agent, 'PUT', path(link.id), { manage: link.manage, body: huge, expiresOn: link.expiresOn })).toEqual(tooLarge)
    // Withdrawing keeps the app's limit.
    expect(await call(w.phone.agent, 'POST', `${path(link.id)}/withdraw`, { manage: link.manage, padding: 'x'.repeat(MAX_BODY_BYTES) })).toEqual(tooLarge)
  })

  it('answers 404 to an id that is not one or is unknown, signed in or not', async () => {
    for (const agent of [anonymous, w.phone.agent]) {
      for (const id of ['not-a-uuid', randomUUID(), '..%2F..%2Fetc']) {
        const res = await call(agent, 'GET', path(id))
        expect({ id, ...res }).toEqual({ id, status: 404, body: { code: 'not-found', error: expect.any(String) } })
      }
    }
  })

  it('records nothing about who reads it: no audit row, no access-log row, no id or address in the request log', async () => {
    const link = await made()
    const lines: string[] = []
    const destination = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) })
    const logged = t.appWith({ logger: createLogger({ destination, level: 'info' }), trustedProxies: 1 })
    const count = async () => (await db.query<{ n: number }>('SELECT (SELECT count(*) FROM audit_log)::int + (SELECT count(*) FROM case_access_log)::int AS n')).rows[0]!.n
    const before = await count()
    const res = await logged.request(path(link.id), { headers: { 'X-Forwarded-For': '203.0.113.77', 'User-Agent': 'Bewoner-Telefoon/1.0' } })
    expect(res.status).toBe(200)
    expect(await count()).toBe(before)
    const log = lines.join('')
    expect(log).toContain('"route":"/api/resident-plans/:id"')
    for (const trace of [link.id, '203.0.113.77', 'Bewoner-Telefoon']) expect(log).not.toContain(trace)
  })

  it('never holds the manage secret or the key in the database, only the secret’s SHA-256', async () => {
    const link = await made()
    expect((await stored(link.id))?.manage_hash).toBe(sha256Hex(link.manage))
    // The scan finds what is there (the link id), so finding nothing else means something.
    const found = describeFindings(await scanDatabase(db, [link.manage, link.key, link.id]))
    expect(found.filter((f) => !f.startsWith(`${link.id} `))).toEqual([])
    expect(found).toContain(`${link.id} as text in resident_links`)
  })
})

