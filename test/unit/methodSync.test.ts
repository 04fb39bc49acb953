/**
 * The phone receives the method like a map update (src/app/features/method/methodSync.ts): real
 * fetch against a small HTTP server, the versions stored in IndexedDB (fake-indexeddb), every
 * definition validated and taken only when it follows on from the one before it.
 */
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MethodDb } from '../../src/app/features/method/methodDb'
import { readStoredMethods, syncMethod } from '../../src/app/features/method/methodSync'
import { refreshMethod, useMethod } from '../../src/app/features/method/useMethod'
import { methodServer, version2, version3, type FakeMethodServer } from './methodSyncFixtures'

const realFetch: typeof fetch = (input, init) => fetch(input, init)
const versions = (list: { version: number }[]) => list.map((d) => d.version)

let db: MethodDb
let server: FakeMethodServer
let n = 0
beforeEach(async () => {
  db = new MethodDb(`method-test-${n++}`)
  server = await methodServer()
})
afterEach(async () => {
  db.close()
  await server.close()
})

describe('the method on the phone', () => {
  it('takes a new version once, then asks with If-None-Match and gets 304', async () => {
    server.versions.set(2, version2())
    server.latest = 2
    const first = await syncMethod(db, realFetch, server.base)
    expect(first).toMatchObject({ status: 'updated', added: [2] })
    expect(versions(first.definitions)).toEqual([1, 2])
    const again = await syncMethod(db, realFetch, server.base)
    expect(again).toMatchObject({ status: 'unchanged', added: [] })
    expect(server.requests.at(-1)).toEqual({ path: '/api/method', ifNoneMatch: '"method-2"' })
    expect(versions(again.definitions)).toEqual([1, 2])
  })

  it('keeps working with the stored versions when the server cannot be reached', async () => {
    server.versions.set(2, version2())
    server.latest = 2
    await syncMethod(db, realFetch, server.base)
    await server.close()
    const offline = await syncMethod(db, realFetch, server.base)
    expect(offline.status).toBe('offline')
    expect(versions(offline.definitions)).toEqual([1, 2])
    expect(versions((await readStoredMethods(db)).definitions)).toEqual([1, 2])
    server = await methodServer()
  })

  it('refuses a definition that does not pass validation and keeps what it had', async () => {
    server.versions.set(2, version2())
    server.latest = 2
    await syncMethod(db, realFetch, server.base)
    const broken = { ...version3(), note: { nl: ' ', en: 'Empty Dutch note' } }
    server.versions.set(3, broken)
    server.latest = 3
    const refused = await syncMethod(db, realFetch, server.base)
    expect(refused.status).toBe('invalid')
    expect(refused.reason).toMatch(/validation/)
    expect(versions(refused.definitions)).toEqual([1, 2])
    expect(await db.definitions.toCollection().primaryKeys()).toEqual([2])
    // The stored ETag still names version 2: once version 3 is repaired, it arrives.
    expect((await db.meta.get('method'))?.etag).toBe('"method-2"')
    server.versions.set(3, version3())
    expect(await syncMethod(db, realFetch, server.base)).toMatchObject({ status: 'updated', added: [3] })
  })

  it('refuses a version that does not follow on from the one before it', async () => {
    // Valid on its own, but it moves an answer from a field version 1 never had.
    const stray = version2()
    stray.migrations = [...stray.migrations, { op: 'moveAnswer', from: 'never-there', to: 'wor-route-first' }]
    server.versions.set(2, stray)
    server.latest = 2
    const refused = await syncMethod(db, realFetch, server.base)
    expect(refused).toMatchObject({ status: 'invalid', added: [] })
    expect(refused.reason).toMatch(/never-there/)
    expect(await db.definitions.count()).toBe(0)
    expect(await db.meta.get('method')).toBeUndefined()
  })

  it('fills a gap: with version 1 and a latest version 3 it fetches version 2 as well', async () => {
    server.versions.set(2, version2())
    server.versions.set(3, version3())
    server.latest = 3
    const result = await syncMethod(db, realFetch, server.base)
    expect(result).toMatchObject({ status: 'updated', added: [2, 3] })
    expect(server.requests.map((r) => r.path)).toEqual(['/api/method', '/api/method/versions/2'])
    expect(versions((await readStoredMethods(db)).definitions)).toEqual([1, 2, 3])
  })

  it('takes nothing while a version in between cannot be fetched, and fills the gap at the next sync', async () => {
    server.versions.set(2, version2())
    server.versions.set(3, version3())
    server.latest = 3
    server.failing.add(2)
    const stuck = await syncMethod(db, realFetch, server.base)
    expect(stuck).toMatchObject({ status: 'offline', added: [] })
    expect(await db.definitions.count()).toBe(0)
    expect(await db.meta.get('method'), 'no ETag: the next sync must not hear "unchanged"').toBeUndefined()
    server.failing.clear()
    expect(await syncMethod(db, realFetch, server.base)).toMatchObject({ status: 'updated', added: [2, 3] })
  })

  it('takes the versions that follow on and asks again for a refused latest one', async () => {
    const stray = version3()
    stray.migrations = [{ op: 'retireEssential', essential: 'never-there' }]
    server.versions.set(2, version2())
    server.versions.set(3, stray)
    server.latest = 3
    const half = await syncMethod(db, realFetch, server.base)
    expect(half).toMatchObject({ status: 'invalid', added: [2] })
    expect(versions(half.definitions)).toEqual([1, 2])
    server.versions.set(3, version3())
    expect(await syncMethod(db, realFetch, server.base)).toMatchObject({ status: 'updated', added: [3] })
  })

  it('does not use a stored version that no longer passes validation, nor the ones after it', async () => {
    server.versions.set(2, version2())
    server.versions.set(3, version3())
    server.latest = 3
    await syncMethod(db, realFetch, server.base)
    await db.definitions.update(2, { doc: { ...version2(), format: 'something-else' } })
    const stored = await readStoredMethods(db)
    expect(versions(stored.definitions)).toEqual([1])
    expect(stored.unreadable).toBe(2)
    expect(stored.etag).toBeUndefined()
    // Asked again without the ETag: the whole chain comes back.
    const repaired = await syncMethod(db, realFetch, server.base)
    expect(repaired).toMatchObject({ status: 'updated', added: [2, 3] })
    expect(server.requests.at(-2)).toEqual({ path: '/api/method', ifNoneMatch: undefined })
  })

  it('useMethod sees a newly received version at once', async () => {
    const method = useMethod()
    expect(method.latest.value.version).toBe(1)
    server.versions.set(2, version2())
    server.latest = 2
    const result = await refreshMethod(realFetch, server.base)
    expect(result?.status).toBe('updated')
    expect(method.latest.value.version).toBe(2)
    expect(versions(method.all.value)).toEqual([1, 2])
    expect(method.forVersion(2)?.note.nl).toMatch(/moet eerst iets anders/)
  })
})
