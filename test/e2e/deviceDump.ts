/**
 * Everything a page's origin keeps on the device, dumped so a plaintext scan can see it: every
 * IndexedDB database (its schema, every store's primary keys and values, every index's keys),
 * localStorage and sessionStorage (keys and values), Cache Storage (every cache, every request's
 * URL and headers, every response's headers and body), the origin private file system, and the
 * context's cookies. Values of every type are written out: strings, nested objects, Dates, Maps
 * and Sets, Blobs and Files, ArrayBuffers and typed arrays of any kind (bytes as base64, which
 * findSecrets decodes). A CryptoKey stored in IndexedDB is listed by its algorithm only: no script
 * can read a non-extractable key's bytes, which is why the vault keeps its key that way.
 * A test that scans the dump plants a known plaintext in every area first (devicePlant.ts) and
 * checks each is found, so the dump is proven to reach what it claims to read.
 */
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { findSecrets, type Finding } from '../support/secretScan'
import { DATABASES } from '../../src/app/core/storageNames'

/** Plain JSON: bytes as { $bytes: base64 }, Dates as { $date }, Blobs as { $blob, $bytes }; a published listing's `doc` as { $published }. */
export type Plain = unknown

export interface StoreDump {
  name: string
  keyPath: string | string[] | null
  rows: { key: Plain; value: Plain }[]
  indexes: { name: string; keyPath: string | string[]; entries: { key: Plain; primaryKey: Plain }[] }[]
}
export interface DatabaseDump {
  name: string
  version: number
  stores: StoreDump[]
}
export interface CacheEntryDump {
  method: string
  url: string
  requestHeaders: [string, string][]
  status: number
  responseHeaders: [string, string][]
  /** The body as text when it is UTF-8, else as base64; `builtFile`: byte for byte a file of the app as built (Published). */
  body: { text: string } | { base64: string } | { builtFile: string }
}
export interface DeviceDump {
  indexedDb: DatabaseDump[]
  localStorage: [string, string][]
  sessionStorage: [string, string][]
  caches: { name: string; entries: CacheEntryDump[] }[]
  /** Files of the origin private file system, by path, as base64. */
  files: { path: string; base64: string }[]
  cookies: { name: string; value: string; domain: string; path: string }[]
}

/**
 * What is public and the same on every phone, which nothing typed on a phone can change, by
 * SHA-256: the app's files as built, and the social map's listings as the server publishes them.
 * A dump gives those as a marker instead of their bytes (megabytes, seconds to scan, and chance
 * words: the passphrase estimator's dictionary holds Dutch surnames). Only an exact copy is left
 * out: a changed file or listing is dumped whole, and so are its URL, headers and key, and every
 * field of a listing's row besides its `doc`.
 */
export interface Published {
  /** [SHA-256 hex, path] of each file of the build. */
  files: [string, string][]
  /** SHA-256 hex of each published listing, as canonical JSON (keys sorted). */
  listings: string[]
}

/** JSON with every object's keys sorted, to compare values whatever order they were written in. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x))
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex')

/** SHA-256 (hex) of every file under a directory, by path. */
function fileHashes(dir: string, path = ''): [hash: string, path: string][] {
  return readdirSync(join(dir, path)).flatMap((name) => {
    const file = `${path}/${name}`
    return statSync(join(dir, file)).isDirectory() ? fileHashes(dir, file) : [[sha256(readFileSync(join(dir, file))), file] as [string, string]]
  })
}

/** What the harness's server publishes: its build folder and its social map (GET /api/social-map). */
export async function published({ staticDir, baseUrl }: { staticDir: string; baseUrl: string }): Promise<Published> {
  const map = (await (await fetch(`${baseUrl}/api/social-map`)).json()) as { services: unknown[] }
  return { files: fileHashes(staticDir), listings: map.services.map((s) => sha256(canonical(s))) }
}

const NOTHING_PUBLISHED: Published = { files: [], listings: [] }

/** The IndexedDB part alone, `only` these databases when given (cheap enough to poll for a saved record). */
export async function dumpIndexedDb(page: Page, only?: string[], leaveOut: Published = NOTHING_PUBLISHED): Promise<DatabaseDump[]> {
  return (await page.evaluate(dumpInPage, { everything: false, only: only ?? null, leaveOut, mapDb: DATABASES.socialMap })).indexedDb
}

/** Every storage area of the page's origin, and the context's cookies; `leaveOut`: what is public (see Published). */
export async function dumpDevice(page: Page, leaveOut: Published = NOTHING_PUBLISHED): Promise<DeviceDump> {
  const dump = await page.evaluate(dumpInPage, { everything: true, only: null, leaveOut, mapDb: DATABASES.socialMap })
  const cookies = (await page.context().cookies()).map(({ name, value, domain, path }) => ({ name, value, domain, path }))
  return { ...dump, cookies }
}

/**
 * Runs in the page. Self-contained (Playwright sends its source): helpers are local arrows.
 * `everything`: also web storage, Cache Storage and the file system; `only`: these databases;
 * `leaveOut`: what is public; `mapDb`: the social map's database, whose `services` are its listings.
 */
async function dumpInPage({ everything, only, leaveOut, mapDb }: { everything: boolean; only: string[] | null; leaveOut: Published; mapDb: string }): Promise<Omit<DeviceDump, 'cookies'>> {
  const hex = (b: ArrayBuffer) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('')
  const sha256 = async (data: Uint8Array<ArrayBuffer>) => hex(await crypto.subtle.digest('SHA-256', data))
  const canonical = (v: unknown): string =>
    JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x))
  const listings = new Set(leaveOut.listings)
  const isPublished = async (db: string, store: string, value: unknown) =>
    listings.size > 0 && db === mapDb && store === 'services' && listings.has(await sha256(new TextEncoder().encode(canonical((value as { doc?: unknown })?.doc))))
  const base64 = (bytes: Uint8Array) => {
    let s = ''
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
    return btoa(s)
  }
  // A string with control characters may be bytes kept as text (NUL in JSON is "\u0000"): its code units too.
  const stringOf = (s: string): unknown =>
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0008\u000e-\u001f]/.test(s)
      ? { $string: s, $bytes: base64([...s].every((c) => c.charCodeAt(0) < 256) ? Uint8Array.from(s, (c) => c.charCodeAt(0)) : new Uint8Array(Uint16Array.from(s, (c) => c.charCodeAt(0)).buffer)) }
      : s
  // Synchronous (tens of thousands of values): a Blob's bytes are filled in once read, awaited below.
  const reading: Promise<void>[] = []
  const plain = (v: unknown): unknown => {
    if (typeof v === 'string') return stringOf(v)
    if (typeof v === 'bigint') return { $bigint: String(v) }
    if (v === null || typeof v !== 'object') return v
    if (v instanceof Date) return { $date: Number.isNaN(v.getTime()) ? 'invalid' : v.toISOString() }
    if (v instanceof ArrayBuffer) return { $bytes: base64(new Uint8Array(v)) }
    if (ArrayBuffer.isView(v)) return { $type: v.constructor.name, $bytes: base64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) }
    if (v instanceof Blob) {
      const out: Record<string, unknown> = { $blob: v.type, $name: v instanceof File ? v.name : undefined }
      reading.push(v.arrayBuffer().then((b) => void (out.$bytes = base64(new Uint8Array(b)))))
      return out
    }
    if (v instanceof CryptoKey) return { $cryptoKey: v.algorithm, extractable: v.extractable, usages: v.usages }
    if (v instanceof Map) return { $map: plain([...v.entries()]) }
    if (v instanceof Set) return { $set: plain([...v]) }
    if (v instanceof RegExp) return { $regexp: v.source, flags: v.flags }
    if (v instanceof Error) return { $error: v.name, message: v.message }
    if (v instanceof String || v instanceof Number || v instanceof Boolean) return plain(v.valueOf())
    if (Array.isArray(v)) return v.map(plain)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [plain(k), plain(x)]))
  }
  const done = <T>(r: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))))
  /** Every [key, primaryKey, value?] a cursor walks. */
  const walk = (source: IDBObjectStore | IDBIndex, withValues: boolean) =>
    new Promise<[IDBValidKey, IDBValidKey, unknown][]>((resolve, reject) => {
      const out: [IDBValidKey, IDBValidKey, unknown][] = []
      const r = withValues ? (source as IDBObjectStore).openCursor() : source.openKeyCursor()
      r.onerror = () => reject(r.error)
      r.onsuccess = () => {
        const cursor = r.result
        if (!cursor) return resolve(out)
        out.push([cursor.key, cursor.primaryKey, withValues ? (cursor as IDBCursorWithValue).value : undefined])
        cursor.continue()
      }
    })

  const indexedDb: DatabaseDump[] = []
  for (const info of await indexedDB.databases()) {
    if (!info.name || (only && !only.includes(info.name))) continue
    const db = await done(indexedDB.open(info.name))
    try {
      const stores: StoreDump[] = []
      for (const storeName of Array.from(db.objectStoreNames)) {
        const store = db.transaction(storeName).objectStore(storeName)
        const indexNames = Array.from(store.indexNames)
        const indexes = indexNames.map((n) => store.index(n))
        // Every cursor opened in one go, before the transaction may end.
        const [rows, ...indexRows] = await Promise.all([walk(store, true), ...indexes.map((i) => walk(i, false))])
        const left = await Promise.all(rows!.map(([, , value]) => isPublished(info.name!, storeName, value)))
        stores.push({
          name: storeName,
          keyPath: store.keyPath,
          // Only a published listing's `doc` is left out: every other field of its row is dumped.
          rows: rows!.map(([key, , value], i) => ({ key: plain(key), value: left[i] ? { ...(plain({ ...(value as object), doc: undefined }) as object), doc: { $published: 'listing' } } : plain(value) })),
          indexes: indexes.map((index, i) => ({ name: index.name, keyPath: index.keyPath, entries: indexRows[i]!.map(([key, primaryKey]) => ({ key: plain(key), primaryKey: plain(primaryKey) })) })),
        })
      }
      indexedDb.push({ name: info.name, version: db.version, stores })
    } finally {
      db.close()
    }
  }
  await Promise.all(reading)
  if (!everything) return { indexedDb, localStorage: [], sessionStorage: [], caches: [], files: [] }

  const webStorage = (s: Storage) => Array.from({ length: s.length }, (_, i) => s.key(i)!).map((k): [string, string] => [k, s.getItem(k) ?? ''])
  const built = new Map(leaveOut.files)
  const bodyOf = async (bytes: Uint8Array<ArrayBuffer>): Promise<CacheEntryDump['body']> => {
    const file = built.size ? built.get(await sha256(bytes)) : undefined
    if (file) return { builtFile: file }
    try {
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) }
    } catch {
      return { base64: base64(bytes) }
    }
  }
  const caches_: DeviceDump['caches'] = []
  for (const name of await caches.keys()) {
    const cache = await caches.open(name)
    const entries: CacheEntryDump[] = []
    for (const request of await cache.keys()) {
      const response = await cache.match(request)
      entries.push({
        method: request.method,
        url: request.url,
        requestHeaders: [...request.headers.entries()],
        status: response?.status ?? 0,
        responseHeaders: response ? [...response.headers.entries()] : [],
        body: await bodyOf(response ? new Uint8Array(await response.arrayBuffer()) : new Uint8Array()),
      })
    }
    caches_.push({ name, entries })
  }
  const files: DeviceDump['files'] = []
  const readDir = async (dir: FileSystemDirectoryHandle, path: string): Promise<void> => {
    for await (const [name, handle] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
      if (handle.kind === 'directory') await readDir(handle as FileSystemDirectoryHandle, `${path}${name}/`)
      else files.push({ path: path + name, base64: base64(new Uint8Array(await (await (handle as FileSystemFileHandle).getFile()).arrayBuffer())) })
    }
  }
  await readDir(await navigator.storage.getDirectory(), '/')
  return { indexedDb, localStorage: webStorage(localStorage), sessionStorage: webStorage(sessionStorage), caches: caches_, files }
}

/** The dump as labelled texts, one per key, value, header or body, for findSecrets (a finding's `where` says which). */
export function dumpTexts(dump: DeviceDump): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = []
  const add = (where: string, value: unknown) => out.push({ where, text: typeof value === 'string' ? value : JSON.stringify(value) })
  for (const db of dump.indexedDb) {
    add(`indexedDB ${db.name} schema`, { name: db.name, stores: db.stores.map((s) => ({ name: s.name, keyPath: s.keyPath, indexes: s.indexes.map((i) => [i.name, i.keyPath]) })) })
    for (const store of db.stores) {
      store.rows.forEach((row, i) => {
        add(`indexedDB ${db.name}/${store.name} #${i} key`, row.key)
        add(`indexedDB ${db.name}/${store.name} #${i} value`, row.value)
      })
      for (const index of store.indexes) index.entries.forEach((e, i) => add(`indexedDB ${db.name}/${store.name}.${index.name} #${i} key`, e.key))
    }
  }
  for (const area of ['localStorage', 'sessionStorage'] as const) {
    dump[area].forEach(([key, value], i) => {
      add(`${area} #${i} key`, key)
      add(`${area} #${i} value`, value)
    })
  }
  for (const cache of dump.caches) {
    add(`cacheStorage ${cache.name} name`, cache.name)
    cache.entries.forEach((e, i) => {
      add(`cacheStorage ${cache.name} #${i} request`, { method: e.method, url: e.url, headers: e.requestHeaders })
      add(`cacheStorage ${cache.name} #${i} response headers`, { status: e.status, headers: e.responseHeaders })
      add(`cacheStorage ${cache.name} #${i} response body`, 'text' in e.body ? e.body.text : 'base64' in e.body ? { $bytes: e.body.base64 } : '')
    })
  }
  dump.files.forEach((f, i) => add(`file #${i}`, { path: f.path, $bytes: f.base64 }))
  dump.cookies.forEach((c, i) => add(`cookie #${i}`, c))
  return out
}

/** Every form of every secret found anywhere in the dump. */
export function scanDump(dump: DeviceDump, secrets: string[]): Finding[] {
  return dumpTexts(dump).flatMap(({ where, text }) => findSecrets(text, secrets, where))
}

/** The values of one store (empty when the database or store is not there). */
export function storeValues(dbs: DatabaseDump[], database: string, store: string): Plain[] {
  return dbs.find((d) => d.name === database)?.stores.find((s) => s.name === store)?.rows.map((r) => r.value) ?? []
}
