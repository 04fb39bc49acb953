import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { afterEach, describe, expect, it, vi } from 'vitest'
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

/** A promise and the function that settles it: the test decides when a request ends, no clock does. */
function gate<T = void>() {
  let open!: (value: T) => void
  const opened = new Promise<T>((r) => (open = r))
  return { open, opened }
}

describe('stopping the server', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('lets a request in flight finish, refuses new connections, then closes the database and releases the data directory', async () => {
    const steps: string[] = []
    const arrived = gate()
    const answer = gate()
    const app = new Hono().get('/slow', async (c) => {
      arrived.open()
      await answer.opened
      steps.push('answered')
      return c.text('done')
    })
    const { server, port } = await started(app)
    const readiness = new Readiness()
    const inFlight = get(port, '/slow')
    await arrived.opened
    const stopped = shutDown({
      server,
      readiness,
      closeDatabase: async () => void steps.push('database closed'),
      release: () => steps.push('lock released'),
    })
    expect(readiness.isStopping).toBe(true)
    // The listening socket is closed at once: a new connection is refused while the request still runs.
    await expect(get(port, '/slow')).rejects.toThrow(/ECONNREFUSED/)
    expect(steps, 'nothing is closed while a request is in flight').toEqual([])
    answer.open()
    expect(await inFlight).toEqual({ status: 200, body: 'done' })
    expect(await stopped).toEqual({ isClean: true })
    expect(steps).toEqual(['answered', 'database closed', 'lock released'])
  })

  it('does not wait longer than the grace period for a request that never ends', async () => {
    const arrived = gate()
    const app = new Hono().get('/hang', () => {
      arrived.open()
      return new Promise<Response>(() => {})
    })
    const { server, port } = await started(app)
    const hanging = get(port, '/hang').catch((e: Error) => e)
    await arrived.opened
    // The shutdown's own timers run on a fake clock: the grace period is measured exactly, not by the wall clock.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] })
    let isClosed = false
    let outcome: { isClean: boolean } | undefined
    const stopping = shutDown({ server, readiness: new Readiness(), closeDatabase: async () => void (isClosed = true), release: () => {}, graceMs: 300 })
    void stopping.then((o) => (outcome = o))
    await vi.advanceTimersByTimeAsync(299)
    expect(outcome, 'still waiting within the grace period').toBeUndefined()
    expect(isClosed).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(outcome, 'stopped as the grace period ends').toEqual({ isClean: false })
    expect(isClosed).toBe(true)
    expect(await hanging).toBeInstanceOf(Error)
  })
})
