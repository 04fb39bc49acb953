/**
 * Map updates by delta (docs/social-map-sync.md): bytes (gzip) and time for the full document
 * against a delta of one changed listing, at 1,000 and 10,000 listings, in the same process.
 * Server: the request that builds the answer on in-memory PGlite (a full document built anew, as
 * after each new version; the delta read from the database). Phone: LocalSocialMap.refresh()
 * taking that answer (Zod, the Dexie store on fake-indexeddb, the search index), from nothing
 * for the full document and from the previous version for the delta. Reported as delta/full.
 */
import 'fake-indexeddb/auto'
import { gzipSync } from 'node:zlib'
import { Hono } from 'hono'
import { LocalSocialMap } from '../src/app/features/socialMap/data/localSocialMap'
import { SocialMapDb } from '../src/app/features/socialMap/data/repository'
import { openDatabase } from '../src/server/db/database'
import type { Database } from '../src/server/db/types'
import { socialMapRoutes } from '../src/server/routes/socialMap'
import { generateServices } from '../src/server/seed/syntheticServices'
import { PublishedMapCache } from '../src/server/socialMap/publishedMap'
import { bumpMapVersion, mapVersion, storeServices } from '../src/server/socialMap/repository'

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now()
  const result = await f()
  return [result, performance.now() - t0]
}

/** Answers every request with one body, the way the server sent it (JSON, no gzip: the phone's fetch unpacks gzip itself). */
const serve = (text: string) => (async () => new Response(text, { status: 200, headers: { 'Content-Type': 'application/json' } })) as typeof fetch

async function atSize(db: Database, size: number, runs: number) {
  const services = generateServices(size, 7)
  await db.transaction(async (tx) => {
    const version = await bumpMapVersion(tx)
    await tx.query(`INSERT INTO services (id, doc, status, changed_version) SELECT (e->>'id')::uuid, e, e->>'status', $2 FROM jsonb_array_elements($1::jsonb) AS e`, [JSON.stringify(services), version])
  })
  const held = await mapVersion(db)
  const before = JSON.stringify(await (await new Hono().route('/', socialMapRoutes(new PublishedMapCache(db))).request('/')).json())
  await storeServices(db, [{ ...services[Math.floor(size / 2)]!, name: 'Taalcafé Heesch (nu ook op vrijdag)' }])

  const serverTimes = { full: [] as number[], delta: [] as number[] }
  const deltaQuery = `/?since=${held.version}&at=${encodeURIComponent(held.publishedAt)}`
  const gzip = { headers: { 'Accept-Encoding': 'gzip' } }
  for (let r = 0; r < runs; r++) {
    // A new cache each run: the full document built for a new version, as the first phone asking pays.
    const app = new Hono().route('/', socialMapRoutes(new PublishedMapCache(db)))
    serverTimes.full.push((await timed(async () => (await app.request('/', gzip)).arrayBuffer()))[1])
    serverTimes.delta.push((await timed(async () => (await app.request(deltaQuery, gzip)).arrayBuffer()))[1])
  }
  const app = new Hono().route('/', socialMapRoutes(new PublishedMapCache(db)))
  const fullText = await (await app.request('/')).text()
  const deltaText = await (await app.request(deltaQuery)).text()
  const bytes = {
    full_gzip: gzipSync(fullText).byteLength,
    delta_gzip: gzipSync(deltaText).byteLength,
    full_json: Buffer.byteLength(fullText),
    delta_json: Buffer.byteLength(deltaText),
  }

  const phoneTimes = { full: [] as number[], delta: [] as number[] }
  for (let r = 0; r < runs; r++) {
    const fresh = new SocialMapDb(`bench-map-full-${size}-${r}`)
    const [, fullMs] = await timed(() => new LocalSocialMap(fresh, serve(fullText)).refresh())
    await fresh.delete()
    // The phone holding the previous version (not timed), then the delta.
    const holding = new SocialMapDb(`bench-map-delta-${size}-${r}`)
    let answer = before
    const phone = new LocalSocialMap(holding, (async () => new Response(answer, { status: 200 })) as typeof fetch)
    await phone.refresh()
    answer = deltaText
    const [result, deltaMs] = await timed(() => phone.refresh())
    if (result.status !== 'updated') throw new Error(`the delta was not applied: ${result.status}`)
    await holding.delete()
    phoneTimes.full.push(fullMs)
    phoneTimes.delta.push(deltaMs)
  }
  const ms = (xs: number[]) => round(median(xs), 1)
  return {
    bytes,
    ratio_gzip_delta_to_full: round(bytes.delta_gzip / bytes.full_gzip, 4),
    ratio_json_delta_to_full: round(bytes.delta_json / bytes.full_json, 4),
    server_ms: { full: ms(serverTimes.full), delta: ms(serverTimes.delta), ratio_delta_to_full: round(median(serverTimes.delta) / median(serverTimes.full), 3) },
    phone_apply_ms: { full: ms(phoneTimes.full), delta: ms(phoneTimes.delta), ratio_delta_to_full: round(median(phoneTimes.delta) / median(phoneTimes.full), 3) },
  }
}

export async function mapDeltaBench(sizes = [1_000, 10_000], runs = 3) {
  const out: Record<string, Awaited<ReturnType<typeof atSize>>> = {}
  for (const size of sizes) {
    const db = await openDatabase(undefined)
    try {
      out[size] = await atSize(db, size, runs)
    } finally {
      await db.close()
    }
  }
  return out
}
