import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/server/app'
import type { Database } from '../../src/server/db/database'
import { silentLogger } from '../../src/server/log'
import { Readiness } from '../../src/server/routes/health'
import { TEST_SERVER_KEY, testDatabase } from './helpers'

let db: Database
let close: () => Promise<void>
beforeAll(async () => ({ db, close } = await testDatabase()))
afterAll(() => close())

describe('GET /api/health/ready', () => {
  it('answers ready while the database answers, and "stopping" once the process was told to stop', async () => {
    const readiness = new Readiness()
    const app = createApp(db, { serverKey: TEST_SERVER_KEY, logger: silentLogger(), readiness })
    const before = await app.request('/api/health/ready')
    expect(before.status).toBe(200)
    expect(await before.json()).toEqual({ ready: true })

    readiness.stop()
    const after = await app.request('/api/health/ready')
    expect(after.status).toBe(503)
    expect(await after.json()).toEqual({ ready: false, code: 'stopping' })
  })

  it('is not ready when the database does not answer', async () => {
    const broken = { ...db, kind: db.kind, query: () => Promise.reject(new Error('connection refused')) } as unknown as Database
    const app = createApp(broken, { serverKey: TEST_SERVER_KEY, logger: silentLogger() })
    const res = await app.request('/api/health/ready')
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({ ready: false, code: 'database' })
  })
})
