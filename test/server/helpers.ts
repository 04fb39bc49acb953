import { gunzipSync } from 'node:zlib'
import { createApp } from '../../src/server/app'
import { openDatabase, type Database } from '../../src/server/db/database'

export async function testServer() {
  const db: Database = await openDatabase(undefined)
  const app = createApp(db, { log: () => {} })
  return { db, app, close: () => db.close() }
}

export async function readMap(res: Response) {
  const buf = Buffer.from(await res.arrayBuffer())
  const text = res.headers.get('Content-Encoding') === 'gzip' ? gunzipSync(buf).toString('utf8') : buf.toString('utf8')
  return JSON.parse(text) as { version: number; services: { id: string; name: string }[] }
}
