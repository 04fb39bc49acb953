import { Hono } from 'hono'
import type { Database } from '../db/types'
import { reply } from '../http/reply'

/** Whether this process takes new work: false from the moment it was told to stop (SIGTERM). */
export class Readiness {
  #isStopping = false
  get isStopping(): boolean {
    return this.#isStopping
  }
  stop(): void {
    this.#isStopping = true
  }
}

export function healthRoutes(db: Database, readiness: Readiness = new Readiness()) {
  return (
    new Hono()
      .get('/', async (c) => {
        await db.query('SELECT 1')
        return reply(c, 'GET /api/health', { status: 'ok', db: db.kind })
      })
      // For a load balancer or orchestrator: send traffic here only while this answers 200.
      .get('/ready', async (c) => {
        if (readiness.isStopping) return c.json({ ready: false, code: 'stopping' }, 503)
        try {
          await db.query('SELECT 1')
        } catch {
          return c.json({ ready: false, code: 'database' }, 503)
        }
        return reply(c, 'GET /api/health/ready', { ready: true })
      })
  )
}
