import { Writable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../src/server/db/database'
import { createLogger } from '../../src/server/log'
import { buildExampleMap } from '../../src/server/seed/exampleMap'
import { storeServices } from '../../src/server/socialMap/repository'
import { Agent, Clock, PASSWORD, signedIn } from './agent'
import { setupServerTest, type TestApp } from './fixture'

let db: Database
let close: () => Promise<void>
let lines: string[]
let app: TestApp
const clock = new Clock()

beforeEach(async () => {
  lines = []
  const destination = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) })
  ;({ db, close, app } = await setupServerTest({ clock, logger: createLogger({ destination }) }))
})
afterEach(async () => {
  await close()
})

describe('the server log', () => {
  it('has one JSON line per request with the route template, and no personal data', async () => {
    const map = buildExampleMap({ referenceDate: '2026-11-01' })
    await storeServices(db, map)
    const admin = await signedIn(app, db, clock, 'beheerder')
    await new Agent(app).call('POST', '/api/auth/sign-in', { email: admin.email, password: 'Verkeerd-Wachtwoord-9' })
    const reportId = '2b7c1e2d-3f4a-4b5c-8d6e-7f8091a2b3c4'
    await new Agent(app).call('POST', '/api/reports', { id: reportId, serviceId: map[0]!.id, message: 'Mevrouw Jansen belde: adres klopt niet', contact: 'jansen@example.org' })
    await admin.agent.call('GET', `/api/orgs/${admin.organisationId}/members`)

    const entries = lines.map((l) => JSON.parse(l) as { msg: string; route?: string; status?: number })
    expect(entries.filter((e) => e.msg === 'request').map((e) => e.route)).toEqual(
      expect.arrayContaining(['/api/auth/sign-in', '/api/reports', '/api/orgs/:orgId/members']),
    )
    const all = lines.join('\n')
    for (const secret of [admin.email, PASSWORD, 'Verkeerd-Wachtwoord-9', 'Jansen', 'jansen@example.org', reportId, admin.organisationId]) {
      expect(all).not.toContain(secret)
    }
  })
})
