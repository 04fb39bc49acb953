/**
 * A known plaintext in every storage area a device dump reads (deviceDump.ts), and out again: a
 * test that scans the dump plants first and checks each place is found, so the dump and the scan
 * are proven to reach every area, every kind of key and every type of value.
 */
import type { Page } from 'playwright-core'
import { DATABASES } from '../../src/app/core/storageNames'

const PLANT_DB = 'dump-plant'
const PLANT_CACHE = 'dump-plant'
const PLANT_KEY = 'dump-plant'
/** A field added to the social map's first listing row, beside its published `doc` (the map must be on the device). */
const PLANT_FIELD = 'dumpPlant'

/**
 * Where `plantEverywhere` puts its text: one pattern per place, each must match a finding's `where`.
 * IndexedDB: as a primary key, as an index key, in a value of every type the app might use, and
 * in a social map row whose `doc` is published (left out of a dump, the rest of the row not).
 */
export const PLANT_PLACES: RegExp[] = [
  /^indexedDB dump-plant\/keyed #0 key$/,
  /^indexedDB dump-plant\/keyed\.note #0 key$/,
  ...['a-string', 'b-nested', 'c-blob', 'd-uint8', 'e-uint16', 'f-buffer', 'g-dataview', 'h-map', 'i-binary-string'].map((_, i) => new RegExp(`^indexedDB dump-plant/values #${i} value$`)),
  new RegExp(`^indexedDB ${DATABASES.socialMap}/services #\\d+ value$`),
  /^localStorage #\d+ key$/,
  /^localStorage #\d+ value$/,
  /^sessionStorage #\d+ value$/,
  /^cacheStorage dump-plant #0 request$/,
  /^cacheStorage dump-plant #0 response body$/,
  /^file #\d+$/,
  /^cookie #\d+$/,
]

/** Writes `text` into every storage area (see PLANT_PLACES). */
export async function plantEverywhere(page: Page, text: string): Promise<void> {
  await page.evaluate(
    async ({ text, db: dbName, cache, key }) => {
      const utf8 = new TextEncoder().encode(text)
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(dbName, 1)
        r.onupgradeneeded = () => {
          r.result.createObjectStore('keyed', { keyPath: 'id' }).createIndex('note', 'note')
          r.result.createObjectStore('values')
        }
        r.onsuccess = () => resolve(r.result)
        r.onerror = () => reject(r.error)
      })
      const values: [string, unknown][] = [
        ['a-string', text],
        ['b-nested', { deep: [{ deeper: text }] }],
        ['c-blob', new Blob([text], { type: 'text/plain' })],
        ['d-uint8', utf8],
        ['e-uint16', Uint16Array.from(text, (c) => c.charCodeAt(0))],
        ['f-buffer', utf8.slice().buffer],
        ['g-dataview', new DataView(utf8.slice().buffer)],
        ['h-map', new Map([['note', text]])],
        ['i-binary-string', String.fromCharCode(...new Uint8Array(Uint16Array.from(text, (c) => c.charCodeAt(0)).buffer))],
      ]
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction(['keyed', 'values'], 'readwrite')
        // The text as the primary key and as an index key (each dumped and labelled on its own).
        tx.objectStore('keyed').put({ id: text, note: text })
        for (const [k, v] of values) tx.objectStore('values').put(v, k)
        tx.oncomplete = () => resolve()
        tx.onerror = () => reject(tx.error)
      })
      db.close()
      localStorage.setItem(`${key}:${text}`, 'x')
      localStorage.setItem(key, text)
      sessionStorage.setItem(key, text)
      await (await caches.open(cache)).put(new Request(`/dump-plant?${new URLSearchParams({ note: text })}`), new Response(text))
      const file = await (await navigator.storage.getDirectory()).getFileHandle(`${key}.txt`, { create: true })
      const writable = await file.createWritable()
      await writable.write(text)
      await writable.close()
      document.cookie = `${key}=${encodeURIComponent(text)}; path=/`
    },
    { text, db: PLANT_DB, cache: PLANT_CACHE, key: PLANT_KEY },
  )
  await plantInMap(page, text)
}

/** Sets (`text`) or deletes (null) PLANT_FIELD on the first row of the social map's listings. */
async function plantInMap(page: Page, text: string | null): Promise<void> {
  await page.evaluate(
    async ({ text, mapDb, field }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(mapDb)
        r.onsuccess = () => resolve(r.result)
        r.onerror = () => reject(r.error)
      })
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('services', 'readwrite')
        const r = tx.objectStore('services').openCursor()
        r.onsuccess = () => {
          if (!r.result) return reject(new Error('no social map listing on the device to plant beside'))
          const row = { ...(r.result.value as Record<string, unknown>) }
          if (text === null) delete row[field]
          else row[field] = text
          r.result.update(row)
        }
        tx.oncomplete = () => resolve()
        tx.onerror = () => reject(tx.error)
      })
      db.close()
    },
    { text, mapDb: DATABASES.socialMap, field: PLANT_FIELD },
  )
}

/** Takes out what plantEverywhere wrote. */
export async function removePlant(page: Page, text: string): Promise<void> {
  await page.evaluate(
    async ({ text, db, cache, key }) => {
      await new Promise<void>((resolve, reject) => {
        const r = indexedDB.deleteDatabase(db)
        r.onsuccess = () => resolve()
        r.onerror = () => reject(r.error)
      })
      localStorage.removeItem(`${key}:${text}`)
      localStorage.removeItem(key)
      sessionStorage.removeItem(key)
      await caches.delete(cache)
      await (await navigator.storage.getDirectory()).removeEntry(`${key}.txt`)
      document.cookie = `${key}=; path=/; max-age=0`
    },
    { text, db: PLANT_DB, cache: PLANT_CACHE, key: PLANT_KEY },
  )
  await plantInMap(page, null)
}
