/**
 * "Ik wil hulp" (issue 20, docs/help-request.md): a resident's own request, sealed on the phone
 * with no sender key (v3), routed to the social work organisation of their municipality. These
 * tests perform the attacks the route is guarded against (a flood from one address, a flood into
 * one municipality, a bot filling the honeypot) and show that the server keeps nothing a resident wrote.
 */
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Database } from '../../src/server/db/types'
import { HELP_REQUESTS_PER_ADDRESS, HELP_REQUESTS_PER_ADDRESS_PER_DAY, HELP_REQUESTS_PER_MUNICIPALITY } from '../../src/server/routes/helpRequests'
import { openUnauthenticated, sealSigned, sealUnauthenticated, type SealedUnauthenticated } from '../../src/shared/crypto/sealed'
import { recipientOf, verifyDeviceCertificate, type Certificate } from '../../src/shared/devices/certificates'
import { helpRequestContext, type HelpDirectory, type HelpRequestContent } from '../../src/shared/helpRequests/helpRequest'
import { describeFindings, findSecrets, scanDatabase } from '../support/secretScan'
import { Agent, Clock, signedIn } from './agent'
import { approvedBoundDevice } from './devices'
import { setupServerTest, type TestApp } from './fixture'
import { referralWorld } from './referralWorld'

let db: Database
let close: () => Promise<void>
let app: TestApp
let appWith: (o: { trustedProxies: number }) => TestApp
const clock = new Clock()

beforeEach(async () => {
  ;({ db, close, app, appWith } = await setupServerTest({ clock }))
})
afterEach(async () => {
  await close()
})

const CONTENT: HelpRequestContent = {
  question: 'Sinds mijn man is overleden kom ik de deur niet meer uit en de rekeningen stapelen zich op.',
  domains: ['geldzaken', 'sociaal-netwerk'],
  contact: { name: 'Wilhelmina Krabbendam', phone: '06 2718 2818', email: 'w.krabbendam@voorbeeld.nl', preferredTime: 'ochtend' },
  municipality: 'Oss',
  consent: { given: true, date: '2026-11-22' },
}
const SECRETS = ['Wilhelmina', 'Krabbendam', '2718 2818', '27182818', 'w.krabbendam', 'overleden', 'rekeningen stapelen']

const rows = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM help_requests')).rows[0]!.n

/** What the resident's phone does: take Oss from the public directory, keep only certificates that verify in the chain, seal to them. */
async function sealedRequest(resident: Agent, id = crypto.randomUUID(), content: HelpRequestContent = CONTENT) {
  const dir = (await (await resident.call('GET', '/api/help-requests/directory')).json()) as HelpDirectory
  const entry = dir.municipalities.find((m) => m.municipality === content.municipality)!
  const certs: Certificate[] = []
  for (const k of entry.keys) if ((await verifyDeviceCertificate(k, entry.chain, null)).ok) certs.push(k as Certificate)
  const sealed = await sealUnauthenticated(content, certs.map(recipientOf), helpRequestContext(id, entry.organisation.id))
  return { id, body: { id, municipality: content.municipality, organisationId: entry.organisation.id, sealed }, entry }
}

describe('ik wil hulp', () => {
  it("reaches the routed organisation's worker once, opens there, and leaves nothing readable on the server", async () => {
    const w = await referralWorld({ app, db, clock })
    const resident = new Agent(app)
    const { id, body, entry } = await sealedRequest(resident)
    // The directory names the organisation and hands out its receiving devices' certificates, as a GP's does.
    expect(entry.organisation).toEqual({ id: w.welzijn.organisationId, name: expect.any(String) })
    expect((entry.keys as Certificate[]).map((k) => k.deviceId)).toEqual([w.workerPhone.id])
    expect((await resident.call('POST', '/api/help-requests', body)).status).toBe(201)
    // The answer got lost and the phone seals and sends again: nothing new is stored.
    const again = await sealedRequest(resident, id)
    const resend = await resident.call('POST', '/api/help-requests', again.body)
    expect([resend.status, await resend.json()]).toEqual([200, { status: 'exists' }])
    expect(await rows()).toBe(1)

    const inbox = (await (await w.worker.agent.call('GET', '/api/help-requests/inbox')).json()) as { requests: { id: string; answerBy: string; sealed: SealedUnauthenticated }[] }
    expect(inbox.requests.map((r) => r.id)).toEqual([id])
    // Received on Sunday 22 November 2026: three working days later is Wednesday the 25th.
    expect(inbox.requests[0]!.answerBy).toBe('2026-11-25')
    expect(await openUnauthenticated(inbox.requests[0]!.sealed, w.workerPhone.id, w.workerPhone.keys.encryption.privateKey, helpRequestContext(id, w.welzijn.organisationId))).toEqual(CONTENT)
    // Moved to another request id, the box does not open.
    await expect(openUnauthenticated(inbox.requests[0]!.sealed, w.workerPhone.id, w.workerPhone.keys.encryption.privateKey, helpRequestContext(crypto.randomUUID(), w.welzijn.organisationId))).rejects.toThrow('tampered')

    // The scan can see: the request's id is found as text in its row.
    expect(describeFindings(await scanDatabase(db, [id]))).toContain(`${id} as text in help_requests`)
    expect(describeFindings(await scanDatabase(db, SECRETS))).toEqual([])

    // Another organisation's worker sees none of it; nobody signed in sees no inbox.
    const other = await signedIn(app, db, clock, 'beheerder')
    const stranger = await signedIn(app, db, clock, 'sociaal-werker', { organisationId: other.organisationId })
    await approvedBoundDevice(stranger.agent, other.agent, other.organisationId)
    expect(await (await stranger.agent.call('GET', '/api/help-requests/inbox')).json()).toEqual({ requests: [] })
    expect((await new Agent(app).call('GET', '/api/help-requests/inbox')).status).toBe(401)

    // Taken in (or thrown away): only the receiving organisation's worker removes it, and then it is gone for everyone.
    expect((await stranger.agent.call('DELETE', `/api/help-requests/${id}`)).status).toBe(404)
    expect((await new Agent(app).call('DELETE', `/api/help-requests/${id}`)).status).toBe(401)
    expect(await rows()).toBe(1)
    expect((await w.worker.agent.call('DELETE', `/api/help-requests/${id}`)).status).toBe(200)
    expect(await rows()).toBe(0)
    expect(await (await w.worker.agent.call('GET', '/api/help-requests/inbox')).json()).toEqual({ requests: [] })
    expect((await w.worker.agent.call('DELETE', `/api/help-requests/${id}`)).status).toBe(404)
    const logged = await db.query(`SELECT action FROM audit_log WHERE entity = 'help_request' AND entity_id = $1`, [id])
    expect(logged.rows).toEqual([{ action: 'delete-help-request' }])
  })

  it("keeps nothing of what a resident wrote, sent through the app's own queue, sealing and HTTP client", async () => {
    const w = await referralWorld({ app, db, clock })
    // The phone: the app's outbox module on fake-indexeddb, its requests recorded as they left it and answered by the app.
    const sent: string[] = []
    const stored = new Map<string, string>()
    vi.stubGlobal('localStorage', { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => void stored.set(k, v), removeItem: (k: string) => void stored.delete(k) })
    vi.stubGlobal('addEventListener', () => undefined)
    vi.stubGlobal('removeEventListener', () => undefined)
    vi.stubGlobal('fetch', async (path: string, init: RequestInit = {}) => {
      sent.push(`${path}\n${JSON.stringify(init.headers ?? {})}\n${typeof init.body === 'string' ? init.body : ''}`)
      return app.request(path, init)
    })
    try {
      const { helpRequestState, queueHelpRequest } = await import('../../src/app/features/helpRequest/helpRequestOutbox')
      const long = { ...CONTENT, question: `${CONTENT.question} ${'De buren doen de boodschappen, maar dat kan niet zo blijven. '.repeat(28)}`.slice(0, 2_000).trim() }
      const id = await queueHelpRequest(long, '')
      expect(await helpRequestState(id)).toMatchObject({ waiting: false, record: { organisationName: expect.any(String), sentAt: expect.any(String) } })
      expect(await rows()).toBe(1)
      // The scans can see: the id went out in a body and is in the table.
      expect(findSecrets(sent.join('\n'), [id]).length).toBeGreaterThan(0)
      expect(describeFindings(await scanDatabase(db, [id]))).toContain(`${id} as text in help_requests`)
      expect(describeFindings(findSecrets(sent.join('\n'), SECRETS))).toEqual([])
      expect(describeFindings(await scanDatabase(db, SECRETS))).toEqual([])
      const inbox = (await (await w.worker.agent.call('GET', '/api/help-requests/inbox')).json()) as { requests: { sealed: SealedUnauthenticated }[] }
      expect(await openUnauthenticated(inbox.requests[0]!.sealed, w.workerPhone.id, w.workerPhone.keys.encryption.privateKey, helpRequestContext(id, w.welzijn.organisationId))).toEqual(long)
      // Nothing waits any more, and the start-up flag is gone.
      expect(stored.size).toBe(0)
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('answers a bot that fills the honeypot as if stored, and stores nothing', async () => {
    await referralWorld({ app, db, clock })
    const { body } = await sealedRequest(new Agent(app))
    const res = await new Agent(app).call('POST', '/api/help-requests', { ...body, website: 'https://goedkope-pillen.example' })
    expect([res.status, await res.json()]).toEqual([201, { status: 'stored' }])
    expect(await rows()).toBe(0)
  })

  it('refuses a flood from one address, and lets other addresses and the next hour through', async () => {
    await referralWorld({ app, db, clock })
    const proxied = appWith({ trustedProxies: 1 })
    const flooder = new Agent(proxied, { 'X-Forwarded-For': '203.0.113.7' })
    // The attack: one address sends request after request (each valid, with its own id).
    const answers: number[] = []
    for (let i = 0; i <= HELP_REQUESTS_PER_ADDRESS; i++) answers.push((await flooder.call('POST', '/api/help-requests', (await sealedRequest(flooder)).body)).status)
    expect(answers).toEqual([...Array<number>(HELP_REQUESTS_PER_ADDRESS).fill(201), 429])
    expect(await rows()).toBe(HELP_REQUESTS_PER_ADDRESS)
    // Another address is not held back by the flooder's count.
    const neighbour = new Agent(proxied, { 'X-Forwarded-For': '198.51.100.20' })
    expect((await neighbour.call('POST', '/api/help-requests', (await sealedRequest(neighbour)).body)).status).toBe(201)
    clock.advance(3600)
    expect((await flooder.call('POST', '/api/help-requests', (await sealedRequest(flooder)).body)).status).toBe(201)
  })

  it('holds one address to a daily limit too: it cannot refill a municipality’s hour every hour (review of issue 20)', async () => {
    await referralWorld({ app, db, clock })
    const proxied = appWith({ trustedProxies: 1 })
    const flooder = new Agent(proxied, { 'X-Forwarded-For': '203.0.113.8' })
    // The attack: the hourly allowance, used up again every hour.
    let stored = 0
    for (let hour = 0; hour < 4; hour++) {
      for (let i = 0; i < HELP_REQUESTS_PER_ADDRESS; i++) if ((await flooder.call('POST', '/api/help-requests', (await sealedRequest(flooder)).body)).status === 201) stored++
      clock.advance(3600)
    }
    expect(stored).toBe(HELP_REQUESTS_PER_ADDRESS_PER_DAY)
    expect(await rows()).toBe(HELP_REQUESTS_PER_ADDRESS_PER_DAY)
    clock.advance(86_400)
    expect((await flooder.call('POST', '/api/help-requests', (await sealedRequest(flooder)).body)).status).toBe(201)
  })

  it('refuses a flood into one municipality from many addresses', async () => {
    await referralWorld({ app, db, clock })
    const proxied = appWith({ trustedProxies: 1 })
    const { body } = await sealedRequest(new Agent(proxied, { 'X-Forwarded-For': '192.0.2.1' }))
    const answers: number[] = []
    for (let i = 0; i <= HELP_REQUESTS_PER_MUNICIPALITY; i++) {
      const from = new Agent(proxied, { 'X-Forwarded-For': `10.${Math.floor(i / 250)}.${i % 250}.1` })
      answers.push((await from.call('POST', '/api/help-requests', { ...body, id: crypto.randomUUID() })).status)
    }
    expect(answers.filter((s) => s === 201)).toHaveLength(HELP_REQUESTS_PER_MUNICIPALITY)
    expect(answers.at(-1)).toBe(429)
    expect(await rows()).toBe(HELP_REQUESTS_PER_MUNICIPALITY)
  })

  it('refuses bad input and writes nothing', async () => {
    const w = await referralWorld({ app, db, clock })
    const proxied = appWith({ trustedProxies: 1 })
    let n = 0
    // Each attempt from its own address, so the per-address limit is not what refuses them.
    const resident = { call: (method: string, path: string, b?: unknown) => new Agent(proxied, { 'X-Forwarded-For': `192.0.2.${++n}` }).call(method, path, b) }
    const { body, entry } = await sealedRequest(new Agent(app))
    const signed = await sealSigned(CONTENT, (entry.keys as Certificate[]).map(recipientOf), helpRequestContext(body.id, body.organisationId), { deviceId: w.gpPhone.id, signingKey: w.gpPhone.keys.signing.privateKey }, new Date().toISOString())
    const bad: [string, unknown][] = [
      ['no JSON', undefined],
      ['no box', { ...body, sealed: undefined }],
      ['a signed (v2) box', { ...body, sealed: signed }],
      ['the content beside the box', { ...body, contact: CONTENT.contact }],
      ['an id that is no uuid', { ...body, id: 'hulp-1' }],
      ['an unknown municipality', { ...body, municipality: 'Amsterdam' }],
    ]
    for (const [what, b] of bad) expect((await resident.call('POST', '/api/help-requests', b)).status, what).toBe(400)
    // No route for Boekel yet.
    expect((await resident.call('POST', '/api/help-requests', { ...body, municipality: 'Boekel' })).status).toBe(404)
    // Sealed to a device the organisation does not have (or missing one of its devices): sealed again by the phone.
    const wrong = { ...body, sealed: { ...body.sealed, recipients: [{ ...body.sealed.recipients[0]!, deviceId: crypto.randomUUID() }] } }
    const refused = await resident.call('POST', '/api/help-requests', wrong)
    expect([refused.status, ((await refused.json()) as { code: string }).code]).toEqual([409, 'recipients-changed'])
    expect((await resident.call('POST', '/api/help-requests', { ...body, organisationId: w.practice.organisationId })).status).toBe(409)
    expect(await rows()).toBe(0)
  })
})
