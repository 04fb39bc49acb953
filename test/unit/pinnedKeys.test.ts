/**
 * Organisation keys pinned on first use (issue 11 finding 4, docs/device-trust.md "Certificates"):
 * a server that swaps an organisation's key for one of its own is refused until a person has seen
 * the old and the new number and accepts the new one. Real (in-memory) IndexedDB.
 */
import 'fake-indexeddb/auto'
import { Dexie } from 'dexie'
import { afterEach, describe, expect, it } from 'vitest'
import { acceptChangedKey, forgetPinnedKeys, pinnedFingerprint, pinOnFirstUse, PINNED_DB_NAME } from '../../src/app/core/pinnedKeys'

const ORG = '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6'
const OTHER = '2c1d0e9f-8a7b-4c6d-9e5f-4a3b2c1d0e9f'
const FIRST = '04718 22950 11111 22222 33333 44444'
const SERVERS = '99999 88888 77777 66666 55555 44444'
const THIRD = '12345 12345 12345 12345 12345 12345'

afterEach(() => forgetPinnedKeys())

describe('pinned organisation keys', () => {
  it('pins the first key it meets and accepts the same key again', async () => {
    expect(await pinnedFingerprint(ORG)).toBeNull()
    expect(await pinOnFirstUse(ORG, FIRST)).toEqual({ ok: true, fingerprint: FIRST, firstUse: true })
    expect(await pinOnFirstUse(ORG, FIRST)).toEqual({ ok: true, fingerprint: FIRST, firstUse: false })
    expect(await pinnedFingerprint(ORG)).toBe(FIRST)
    // Each organisation has its own pin.
    expect((await pinOnFirstUse(OTHER, SERVERS)).ok).toBe(true)
  })

  it('refuses a changed key until a person accepts the change that was shown', async () => {
    await pinOnFirstUse(ORG, FIRST)
    const changed = await pinOnFirstUse(ORG, SERVERS)
    expect(changed).toEqual({ ok: false, reason: 'organisation-key-changed', pinned: FIRST, fingerprint: SERVERS })
    // Asking again does not wear the pin down.
    expect((await pinOnFirstUse(ORG, SERVERS)).ok).toBe(false)
    expect(await pinnedFingerprint(ORG)).toBe(FIRST)
    // A change other than the one shown is not accepted.
    expect(await acceptChangedKey(ORG, { pinned: THIRD, fingerprint: SERVERS })).toBe(false)
    expect(await pinnedFingerprint(ORG)).toBe(FIRST)
    expect(await acceptChangedKey(ORG, { pinned: FIRST, fingerprint: SERVERS })).toBe(true)
    expect(await pinOnFirstUse(ORG, SERVERS)).toEqual({ ok: true, fingerprint: SERVERS, firstUse: false })
    expect((await pinOnFirstUse(ORG, FIRST)).ok).toBe(false)
  })

  it('treats a damaged record as a changed key, not as no key', async () => {
    await pinOnFirstUse(ORG, FIRST)
    const db = new Dexie(PINNED_DB_NAME)
    db.version(1).stores({ pins: 'organisationId' })
    await db.table('pins').put({ organisationId: ORG, fingerprint: 'garbage', pinnedAt: 0 })
    db.close()
    expect(await pinOnFirstUse(ORG, SERVERS)).toMatchObject({ ok: false, pinned: 'invalid' })
  })

  it('refuses a fingerprint that is not six groups of five digits', async () => {
    await expect(pinOnFirstUse(ORG, 'abc')).rejects.toThrow()
  })
})
