import { Hono } from 'hono'
import type { Database } from '../db/database'

export function healthRoutes(db: Database) {
  return new Hono().get('/', async (c) => {
    await db.query('SELECT 1')
    return c.json({ status: 'ok', db: db.kind })
  })
}
