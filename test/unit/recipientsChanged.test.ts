/**
 * No silent reseal (issue 11 finding 4, docs/device-trust.md "Who receives"): when the server
 * answers `recipients-changed`, the waiting referral is not sealed again to whatever keys the
 * server now hands out. It waits with that reason; only after the GP saw the new list and confirmed
 * is it sealed again, to exactly the confirmed devices, and sent. A real vault, real device keys
 * and a real (in-memory) IndexedDB; the network is played.
 */
import 'fake-indexeddb/auto'
import { Dexie } from 'dexie'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { CaseDb } from '../../src/app/features/cases/caseDb'
import { Vault } from '../../src/app/features/cases/vault'
import { DEVICE_DB_NAME, deviceRecord, encryptionKey, prepareRegistration, rememberRegistration, signingKey, useDeviceVault } from '../../src/app/core/deviceIdentity'
import { flushOutbox, queueReferral, referralDb, resealReferral, waitingItems } from '../../src/app/features/referrals/referralOutbox'
import { openSealed, sealSigned, type SealedV2 } from '../../src/shared/crypto/sealed'
import { referralContext } from '../../src/shared/referrals/referral'

const ORG = '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6'
const RECEIVER = '2c1d0e9f-8a7b-4c6d-9e5f-4a3b2c1d0e9f'
const ME = '0b6a5f0e-6f3b-4b8e-9d57-1c2d3e4f5a6b'
const SANNE = '9f8e7d6c-5b4a-4392-8a1b-0c9d8e7f6a5b'
const NEW_DEVICE = '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b'

let caseDb: CaseDb
let vault: Vault
const posted: { sealed: SealedV2 }[] = []
let directoryAsked = 0

const jwkOf = async () => {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])) as CryptoKeyPair
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey)
  return { kty: kty as 'EC', crv: crv as 'P-256', x: x!, y: y! }
}

beforeAll(async () => {
  caseDb = new CaseDb('recipients-changed-test')
  vault = new Vault(caseDb)
  useDeviceVault(() => vault)
  await Dexie.delete(DEVICE_DB_NAME)
  await vault.setUp('wandelcafé bij de Maas op dinsdag')
  await prepareRegistration()
  await rememberRegistration(ME, ORG)
})
afterAll(() => {
  useDeviceVault(undefined)
  caseDb.close()
})
beforeEach(async () => {
  await referralDb.outbox.clear()
  posted.length = 0
  directoryAsked = 0
  vi.stubGlobal(
    'fetch',
    vi.fn(async (path: string, init?: RequestInit) => {
      if (path === '/api/referrals' && init?.method === 'POST') {
        const body = JSON.parse(String(init.body)) as { sealed: SealedV2 }
        posted.push(body)
        // The server wants another recipient list than the one the GP saw.
        const ok = body.sealed.recipients.some((r) => r.deviceId === NEW_DEVICE)
        return new Response(JSON.stringify(ok ? { status: 'stored' } : { error: 'changed', code: 'recipients-changed' }), { status: ok ? 201 : 409, headers: { 'Content-Type': 'application/json' } })
      }
      if (path === '/api/referrals/directory') directoryAsked++
      return new Response('{}', { status: 404 })
    }),
  )
})
afterEach(() => vi.unstubAllGlobals())

async function waiting(): Promise<string> {
  const id = crypto.randomUUID()
  const me = { deviceId: ME, publicKey: (await deviceRecord())!.publicKeys.publicKey }
  const sentAt = new Date().toISOString()
  const sealed = await sealSigned({ patient: 'Geertruida Zonneveld' }, [me, { deviceId: SANNE, publicKey: await jwkOf() }], referralContext(id), { deviceId: ME, signingKey: await signingKey() }, sentAt)
  await queueReferral({ id, intervention: 'wor', senderOrganisationId: ORG, receivingOrganisationId: RECEIVER, sentAt, sealed }, '12345 12345 12345 12345 12345 12345')
  return id
}

describe('recipients changed while the referral waited', () => {
  it('keeps it, with the reason, and seals nothing again until the GP confirms', async () => {
    const id = await waiting()
    const before = (await referralDb.outbox.get(id))!.body.sealed
    expect(await flushOutbox()).toBe(1)
    expect(posted).toHaveLength(1)
    const [item] = await waitingItems()
    expect(item!.problem).toEqual({ status: 409, code: 'recipients-changed' })
    // Not resealed, and no new keys even asked for.
    expect(item!.body.sealed).toEqual(before)
    expect(directoryAsked).toBe(0)
    // Trying again later sends the same box; still nothing resealed behind the GP's back.
    await flushOutbox(Date.now() + 3_600_000)
    expect(posted.at(-1)!.sealed).toEqual(before)
  })

  it('seals again to exactly the devices the GP confirmed, signed by this device, and sends it', async () => {
    const id = await waiting()
    await flushOutbox()
    const me = { deviceId: ME, publicKey: (await deviceRecord())!.publicKeys.publicKey }
    await resealReferral(id, [me, { deviceId: NEW_DEVICE, publicKey: await jwkOf() }])
    const resealed = (await referralDb.outbox.get(id))!
    expect(resealed.problem).toBeUndefined()
    expect(resealed.body.sealed.recipients.map((r) => r.deviceId)).toEqual([ME, NEW_DEVICE])
    expect(resealed.body.sealed.sender.deviceId).toBe(ME)
    // This phone's copy still opens: the content went along unchanged.
    expect(await openSealed(resealed.body.sealed, ME, await encryptionKey(), referralContext(id))).toEqual({ patient: 'Geertruida Zonneveld' })
    expect(await flushOutbox()).toBe(0)
  })
})
