/**
 * The README's log promise on the app itself: JSON lines with route templates, status and timing
 * only; no bodies, addresses, ids or query strings (src/server/log.ts). Many routes (sign-in with
 * its second factor and wrong answers, member admin, devices, a referral, a count snapshot, a
 * refusal, a 404, a 413) and a forced 500 whose error message holds personal data, in process and
 * in a real server process (its whole output); the log is checked by test/support/logScan.ts. The
 * same check runs on every browser-test server's output when it stops (test/e2e/harness.ts).
 */
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../src/server/db/database'
import { createLogger, type Logger } from '../../src/server/log'
import { buildExampleMap } from '../../src/server/seed/exampleMap'
import { storeServices } from '../../src/server/socialMap/repository'
import { counterAt, totpAt } from '../../src/server/auth/totp'
import { sealSigned } from '../../src/shared/crypto/sealed'
import { signMessage } from '../../src/shared/crypto/signatures'
import { recipientOf, type Certificate } from '../../src/shared/devices/certificates'
import { snapshotMessage } from '../../src/shared/kpi/snapshot'
import { referralContext, type ReferralContent } from '../../src/shared/referrals/referral'
import { checkLog } from '../support/logScan'
import { findSecrets } from '../support/secretScan'
import { Agent, Clock, PASSWORD } from './agent'
import { closeDataDirs, freshDataDir, openDataDir } from './cli'
import { setupServerTest, testApp, type ServerTest } from './fixture'
import { startServer } from './serverProcess'
import { referralWorld } from './referralWorld'

let t: ServerTest
let lines: string[]
let logger: Logger
const clock = new Clock()
/** Requests sent through `counted`: each must have its one log line. */
let sent = 0

beforeEach(async () => {
  lines = []
  sent = 0
  const destination = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) })
  logger = createLogger({ destination, level: 'info' })
  // A proxy in front is believed, so the app knows the client's address (which must stay out of the log).
  t = await setupServerTest({ clock, logger, trustedProxies: 1 })
})
afterEach(() => t.close())
afterAll(closeDataDirs)

const CLIENT_IP = '203.0.113.77'
const PATIENT = 'Geertruida Zonneveld'
const REPORT = { message: 'Mevrouw Jansen belde: adres klopt niet', contact: 'jansen@example.org' }

/** The app as every agent of this test reaches it, counting requests. */
const counted = () => ({ request: (path: string, init: RequestInit) => (sent++, t.app.request(path, init)) })
const requestLines = () => checkLog(lines.join(''), []).entries.filter((e) => e.msg === 'request')

describe('the server log', () => {
  it('has one JSON line per request with the route template, and nothing personal: not bodies, tokens, secrets, ids, query values or the address', async () => {
    const app = counted() as unknown as ServerTest['app']
    const w = await referralWorld({ app, db: t.db, clock })
    const people = [w.welzijn, w.worker, w.practice, w.gp, w.region]
    const map = buildExampleMap({ referenceDate: '2026-11-01' })
    await storeServices(t.db, map)
    const fromOutside = new Agent(app, { 'X-Forwarded-For': CLIENT_IP })

    // Sign-in: a wrong password, then the right one and a wrong second-factor code, then the right one.
    expect((await fromOutside.call('POST', '/api/auth/sign-in', { email: w.worker.email, password: 'Verkeerd-Wachtwoord-9' })).status).toBe(401)
    expect((await fromOutside.call('POST', '/api/auth/sign-in', { email: w.worker.email, password: PASSWORD })).status).toBe(200)
    clock.advance(30)
    const wrongCode = totpAt(w.worker.secret, counterAt(clock.now()) + 5)
    expect((await fromOutside.call('POST', '/api/auth/totp', { code: wrongCode })).status).toBe(401)
    // A wrong code makes the next attempt wait (the guard's back-off).
    clock.advance(30)
    expect((await fromOutside.call('POST', '/api/auth/totp', { code: totpAt(w.worker.secret, counterAt(clock.now())) })).status).toBe(200)
    expect((await fromOutside.call('GET', '/api/auth/me')).status).toBe(200)

    // A personal value in a query string, ids in paths, a refusal, an unknown path, a body too large.
    const query = `?zoek=${encodeURIComponent(PATIENT)}&email=${encodeURIComponent(w.gp.email)}`
    expect((await fromOutside.call('GET', `/api/social-map${query}`)).status).toBe(200)
    expect((await w.welzijn.agent.call('GET', `/api/orgs/${w.welzijn.organisationId}/members${query}`)).status).toBe(200)
    expect((await w.welzijn.agent.call('GET', `/api/orgs/${w.practice.organisationId}/members`)).status).toBe(403)
    const unknownId = crypto.randomUUID()
    expect((await fromOutside.call('GET', `/api/geen-route/${unknownId}?naam=${encodeURIComponent(PATIENT)}`)).status).toBe(404)
    const oversized = `${PATIENT} ${'x'.repeat(70 * 1024)}`
    expect((await fromOutside.call('POST', '/api/reports', { id: crypto.randomUUID(), serviceId: map[0]!.id, message: oversized })).status).toBe(413)

    // A report from a resident, and one the schema refuses (its contact still in the body).
    const reportId = crypto.randomUUID()
    expect((await fromOutside.call('POST', '/api/reports', { id: reportId, serviceId: map[0]!.id, ...REPORT })).status).toBe(201)
    expect((await fromOutside.call('POST', '/api/reports', { id: reportId, serviceId: 'geen-uuid', message: REPORT.message, contact: 'niet-goed@@example.org' })).status).toBe(400)

    // A referral, sealed on the GP's phone as the app does it.
    const referralId = crypto.randomUUID()
    const dir = (await (await w.gp.agent.call('GET', '/api/referrals/directory')).json()) as { keys: Record<string, Certificate[]>; own: Certificate[] }
    const recipients = [...dir.keys[w.welzijn.organisationId]!, ...dir.own].map(recipientOf)
    const sentAt = new Date(clock.now()).toISOString()
    const content: ReferralContent = { intervention: 'wor', patient: { name: PATIENT, phone: '06 3141 5926', email: 'g.zonneveld@voorbeeld.nl', birthYear: 1948, municipality: 'Oss' }, reasons: ['eenzaamheid'], note: 'Weinig buiten de deur', domains: ['sociaal'], urgency: 'gewoon', consent: { given: true, date: '2026-11-20' }, referrer: { name: 'Dokter Test', organisation: 'De Linde' } }
    const sealed = await sealSigned(content, recipients, referralContext(referralId), { deviceId: w.gpPhone.id, signingKey: w.gpPhone.keys.signing.privateKey }, sentAt)
    const referral = { id: referralId, intervention: 'wor', senderOrganisationId: w.practice.organisationId, receivingOrganisationId: w.welzijn.organisationId, sentAt, sealed }
    expect((await w.gp.agent.call('POST', '/api/referrals', referral)).status).toBe(201)
    expect((await w.worker.agent.call('GET', `/api/referrals/${referralId}/keys`)).status).toBe(200)

    // A count snapshot, signed by the worker's phone.
    const { counterId } = (await (await w.worker.agent.call('POST', '/api/kpi/counters', { organisationId: w.worker.organisationId })).json()) as { counterId: string }
    const snapshot = { counterId, period: '2026-H2', snapshotVersion: 1, rows: [{ intervention: 'wor' as const, municipality: 'Oss', referrerType: 'huisarts', referred: 2, included: 1, completed: 0, includedCumulative: 1 }] }
    const signature = await signMessage(w.workerPhone.keys.signing.privateKey, await snapshotMessage({ ...snapshot, organisationId: w.worker.organisationId }))
    expect((await w.worker.agent.call('POST', '/api/kpi/snapshots', { ...snapshot, signature })).status).toBe(200)

    // Member admin: the beheerder locks the worker out and lets them in again.
    expect((await w.welzijn.agent.call('POST', `/api/orgs/${w.welzijn.organisationId}/members/${w.worker.userId}/lock`)).status).toBe(200)
    expect((await w.welzijn.agent.call('POST', `/api/orgs/${w.welzijn.organisationId}/members/${w.worker.userId}/unlock`)).status).toBe(200)

    const log = lines.join('')
    const forbidden = [
      ...people.flatMap((p) => [p.email, p.secret, p.userId, p.organisationId, p.agent.csrf, ...p.agent.jar.values()]),
      ...fromOutside.jar.values(),
      fromOutside.csrf,
      PASSWORD,
      'Verkeerd-Wachtwoord-9',
      wrongCode,
      'Test sociaal-werker',
      PATIENT,
      REPORT.message,
      REPORT.contact,
      'niet-goed@@example.org',
      reportId,
      referralId,
      unknownId,
      counterId,
      signature,
      w.workerPhone.id,
      w.gpPhone.id,
      CLIENT_IP,
    ]
    const { entries, problems } = checkLog(log, forbidden)
    expect(problems).toEqual([])
    expect(requestLines()).toHaveLength(sent)
    const seen = new Set(entries.map((e) => `${String(e.method)} ${String(e.route)} ${String(e.status)}`))
    expect([...seen]).toEqual(
      expect.arrayContaining([
      'POST /api/auth/sign-in 401',
      'POST /api/auth/totp 401',
      'POST /api/auth/totp/confirm 200',
      'GET /api/social-map 200',
      'POST /api/orgs/:orgId/members/:userId/lock 200',
      'GET /api/orgs/:orgId/* 403',
      'POST /api/devices/:id/bind 200',
      'GET /api/* 404',
      'POST /api/* 413',
      'POST /api/reports 201',
      'POST /api/referrals 201',
      'GET /api/referrals/:id/keys 200',
      'POST /api/kpi/snapshots 200',
      ]),
    )

    // The check sees what would be a leak in this very log, written by the same logger: a field, and
    // personal data or an id in each field that carries words (message, route, error kind).
    const clean = lines.length
    const leaks: [object, string, string[]][] = [
      [{ body: { note: `Bezoek ${PATIENT}` } }, 'request', ['fields beyond', 'not an HTTP method', 'no route template', `${PATIENT} as text`, 'Zonneveld as text']],
      [{ method: 'GET', route: '/api/referrals/directory', status: 200 }, `referral for ${PATIENT}`, ['a message beyond', `${PATIENT} as text`, 'Zonneveld as text']],
      [{ method: 'GET', route: `/api/referrals/${referralId}/keys`, status: 200 }, 'request', ['no route template', `${referralId} as text`]],
      [{ method: 'GET', route: '/api/services/zonneveld', status: 200 }, 'request', ['no route template', 'Zonneveld as text']],
      [{ route: '/api/reports', error: 'Zonneveld' }, 'request failed', ['more than the error kind', 'Zonneveld as text']],
      [{ method: 'Zonneveld', route: '/api/reports', status: 'Zonneveld' }, 'request', ['not a number in status', 'not an HTTP method', 'Zonneveld as text']],
    ]
    for (const [fields, msg, expected] of leaks) {
      lines.length = clean
      logger.info(fields, msg)
      expect(checkLog(lines.join(''), [...forbidden, 'Zonneveld']).problems).toEqual(expected.map((p) => expect.stringContaining(p)))
    }
  }, 90_000)

  it('logs a failing handler as its route and error kind: not the error message with the personal data and SQL parameters in it', async () => {
    const map = buildExampleMap({ referenceDate: '2026-11-01' })
    await storeServices(t.db, map)
    const thrown: string[] = []
    // The database fails the way a driver does: the message names the statement and its values.
    const failing: Database = {
      kind: t.db.kind,
      exec: (sql) => t.db.exec(sql),
      transaction: (fn) => t.db.transaction(fn),
      close: () => t.db.close(),
      query: async <T>(sql: string, params?: unknown[]) => {
        if (!sql.includes('INSERT INTO listing_reports')) return t.db.query<T>(sql, params)
        const message = `duplicate key in "${sql.trim()}" for (${JSON.stringify(params)})`
        thrown.push(message)
        throw new Error(message)
      },
    }
    const app = testApp(failing, clock, { logger, trustedProxies: 1 })
    const reportId = crypto.randomUUID()
    const res = await new Agent(app, { 'X-Forwarded-For': CLIENT_IP }).call('POST', `/api/reports?van=${encodeURIComponent(REPORT.contact)}`, { id: reportId, serviceId: map[0]!.id, ...REPORT })
    expect(res.status).toBe(500)
    const body = await res.text()
    expect(body).toContain('Something went wrong on the server')
    expect(thrown.join()).toContain(REPORT.contact)

    const { entries, problems } = checkLog(lines.join(''), [REPORT.message, REPORT.contact, reportId, map[0]!.id, 'listing_reports', thrown[0]!, CLIENT_IP])
    expect(problems).toEqual([])
    expect(entries.filter((e) => e.route === '/api/reports').map(({ msg, route, status, error }) => ({ msg, route, status, error }))).toEqual([
      { msg: 'request failed', route: '/api/reports', status: undefined, error: 'Error' },
      { msg: 'request', route: '/api/reports', status: 500, error: undefined },
    ])
    expect(findSecrets(body, [REPORT.contact, 'listing_reports'])).toEqual([])
  })

  it('a real server process: a request failing on a broken table gives the generic answer, and its whole output is JSON lines with the error kind only', async () => {
    const dataDir = await freshDataDir()
    const map = buildExampleMap({ referenceDate: '2026-11-01' })
    const setup = await openDataDir(dataDir)
    await storeServices(setup, map)
    // The table reports go to is gone (a failed migration, a slip by hand): storing one throws.
    await setup.exec('ALTER TABLE listing_reports RENAME TO listing_reports_kwijt')
    await setup.close()
    const server = await startServer(['--import', 'tsx', 'src/server/main.ts'], dataDir, '/api/health', { LOG_LEVEL: 'info' })
    const session = 'c2Vzc2llLXRva2VuLXZhbi1lZW4tYmV6b2VrZXI'
    const csrf = 'csrf-token-van-een-bezoeker-1234'
    const reportId = crypto.randomUUID()
    let res: Response
    try {
      res = await fetch(`${server.baseUrl}/api/reports?van=${encodeURIComponent(REPORT.contact)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Cookie: `swz_session=${session}`, 'X-CSRF-Token': csrf, 'X-Forwarded-For': CLIENT_IP },
        body: JSON.stringify({ id: reportId, serviceId: map[0]!.id, ...REPORT }),
      })
    } finally {
      expect(await server.stop()).toBe(0)
    }
    expect(res.status).toBe(500)
    expect(await res.text()).toContain('Something went wrong on the server')

    const code = /Code: (\S+)/.exec(readFileSync(join(dataDir, 'bootstrap-link.txt'), 'utf8'))![1]!
    const output = server.stdout() + server.stderr()
    const { entries, problems } = checkLog(output, [REPORT.message, REPORT.contact, reportId, map[0]!.id, 'listing_reports', session, csrf, CLIENT_IP, '127.0.0.1', code])
    expect(problems).toEqual([])
    expect(entries.filter((e) => e.route === '/api/reports').map(({ msg, status, error }) => ({ msg, status, error }))).toEqual([
      { msg: 'request failed', status: undefined, error: expect.stringMatching(/^[A-Za-z]+$/) },
      { msg: 'request', status: 500, error: undefined },
    ])
    rmSync(dataDir, { recursive: true, force: true })
  }, 180_000)
})
