/**
 * The cached referral lists on a shared browser (issue 11 finding 2): the inbox kept for reading
 * offline leaves the device on lock and on sign-out, so the next person — or someone who finds the
 * phone locked — gets nothing from it. The app's own stores and a real (in-memory) IndexedDB; the
 * network is the only thing played, as in sessionStore.test.ts.
 */
import 'fake-indexeddb/auto'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useCaseVault } from '../../src/app/features/cases/useCaseVault'
import { useSessionStore } from '../../src/app/core/useSessionStore'
import { loadList, referralDb } from '../../src/app/features/referrals/referralOutbox'
import { seal } from '../../src/shared/crypto/sealed'
import type { ListedReferral } from '../../src/shared/referrals/referral'

const ORG_A = '2c1d0e9f-8a7b-4c6d-9e5f-4a3b2c1d0e9f'
const ORG_B = '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b'
const DEVICE = '9f8e7d6c-5b4a-4392-8a1b-0c9d8e7f6a5b'

async function inbox(): Promise<{ referrals: ListedReferral[] }> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])) as CryptoKeyPair
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey)
  const id = crypto.randomUUID()
  const sealed = await seal({ patient: 'Geertruida Zonneveld' }, [{ deviceId: DEVICE, publicKey: { kty, crv, x, y } }], `referral|${id}`)
  return {
    referrals: [
      {
        id,
        intervention: 'wor',
        senderOrganisation: { id: ORG_A, name: 'Huisartsenpraktijk De Linde' },
        receivingOrganisation: { id: ORG_B, name: 'Welzijn Oss' },
        status: 'verstuurd',
        sentAt: '2026-11-30T09:00:00.000Z',
        firstContactDue: null,
        firstContactAt: null,
        overdue: false,
        sealed,
        senderCertificate: null,
        events: [],
        chains: {},
      },
    ],
  }
}

let online = true
let list: { referrals: ListedReferral[] }
const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } })

beforeEach(async () => {
  setActivePinia(createPinia())
  await referralDb.lists.clear()
  list = await inbox()
  online = true
  vi.stubGlobal(
    'fetch',
    vi.fn(async (path: string) => {
      if (!online) throw new TypeError('Failed to fetch')
      if (path === '/api/referrals/inbox') return json(list)
      if (path === '/api/auth/sign-out') return json({ ok: true })
      return new Response('{}', { status: 404 })
    }),
  )
})
afterEach(() => vi.unstubAllGlobals())

/** Read the inbox online (it is kept), then go offline: what would the page show? */
async function offlineCopyAfter(step: () => Promise<void>) {
  expect((await loadList('inbox')).referrals).toHaveLength(1)
  expect(await referralDb.lists.count()).toBe(1)
  await step()
  online = false
  return loadList('inbox').then(
    (r) => r.referrals,
    () => 'nothing',
  )
}

describe('the cached referral lists', () => {
  it('are gone after the vault locks: offline, the locked phone has no inbox to show', async () => {
    expect(await offlineCopyAfter(() => useCaseVault().lock())).toBe('nothing')
    expect(await referralDb.lists.count()).toBe(0)
  })

  it('are gone after sign-out: the next person on this browser sees nothing of them', async () => {
    expect(await offlineCopyAfter(() => useSessionStore().signOut())).toBe('nothing')
    expect(await referralDb.lists.count()).toBe(0)
  })

  it('are gone after a sign-out that cannot reach the server', async () => {
    expect(
      await offlineCopyAfter(async () => {
        online = false
        await expect(useSessionStore().signOut()).rejects.toThrow()
      }),
    ).toBe('nothing')
  })

  it('are kept while the vault is open, for reading offline', async () => {
    expect(await offlineCopyAfter(async () => undefined)).toHaveLength(1)
  })
})
