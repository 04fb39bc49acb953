import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { Readiness } from '../../src/server/routes/health'
import { shutDown } from '../../src/server/shutdown'

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = ''
      res.on('data', (d: Buffer) => (body += d.toString()))
      res.on('end', () => resolve({ status: res.statusCode!, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

async function started(app: Hono) {
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise((r) => server.once('listening', r))
  return { server, port: (server.address() as AddressInfo).port }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('stopping the server', () => {
  it('lets a request in flight finish, refuses new connections, then closes the database and releases the data directory', async () => {
    const steps: string[] = []
    const app = new Hono().get('/slow', async (c) => {
      await pause(600)
      steps.push('answered')
      return c.text('done')
    })
    const { server, port } = await started(app)
    const readiness = new Readiness()
    const inFlight = get(port, '/slow')
    await pause(150)
    const stopped = shutDown({
      server,
      readiness,
      closeDatabase: async () => void steps.push('database closed'),
      release: () => steps.push('lock released'),
    })
    expect(readiness.isStopping).toBe(true)
    await pause(50)
    await expect(get(port, '/slow')).rejects.toThrow(/ECONNREFUSED/)
    expect(await inFlight).toEqual({ status: 200, body: 'done' })
    expect(await stopped).toEqual({ isClean: true })
    expect(steps).toEqual(['answered', 'database closed', 'lock released'])
  })

  it('does not wait longer than the grace period for a request that never ends', async () => {
    const app = new Hono().get('/hang', () => new Promise<Response>(() => {}))
    const { server, port } = await started(app)
    const hanging = get(port, '/hang').catch((e: Error) => e)
    await pause(100)
    const start = Date.now()
    let isClosed = false
    expect(await shutDown({ server, readiness: new Readiness(), closeDatabase: async () => void (isClosed = true), release: () => {}, graceMs: 300 })).toEqual({ isClean: false })
    expect(Date.now() - start).toBeLessThan(3_000)
    expect(isClosed).toBe(true)
    expect(await hanging).toBeInstanceOf(Error)
  })
})
