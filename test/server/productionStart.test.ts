import { randomUUID } from 'node:crypto'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// @ts-expect-error plain JavaScript build script without types
import { buildServer } from '../../scripts/buildServer.mjs'
import { ROOT, closeDataDirs, freshDataDir } from './cli'
import { startServer } from './serverProcess'

// Inside the project, so the bundle finds node_modules as dist-server/ does.
const outdir = join(ROOT, '.tmp', `dist-server-${randomUUID().slice(0, 8)}`)
beforeAll(async () => {
  await (buildServer as (dir: string) => Promise<string>)(outdir)
})
afterAll(async () => {
  rmSync(outdir, { recursive: true, force: true })
  await closeDataDirs()
})

describe('the production build (npm run build:server, npm run start:prod)', { timeout: 180_000 }, () => {
  it('starts with plain node, becomes ready, and stops cleanly on SIGTERM', async () => {
    const dataDir = await freshDataDir()
    const server = await startServer([join(outdir, 'main.js')], dataDir, '/api/health/ready')
    const ready = await fetch(`${server.baseUrl}/api/health/ready`)
    expect(await ready.json()).toEqual({ ready: true })
    const health = (await (await fetch(`${server.baseUrl}/api/health`)).json()) as { db: string }
    expect(health.db).toBe(process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite')
    expect(await server.stop('SIGTERM'), server.stderr()).toBe(0)
  })
})
