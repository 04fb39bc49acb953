import 'fake-indexeddb/auto'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { prepareRegistration, rememberRegistration, useDeviceVault } from '../../src/app/core/deviceIdentity'
import { CaseDb } from '../../src/app/features/cases/caseDb'
import { Vault } from '../../src/app/features/cases/vault'
import { useSessionStore } from '../../src/app/core/useSessionStore'
import { verifyMessage } from '../../src/shared/crypto/signatures'
import { challengeMessage } from '../../src/shared/devices/deviceTrust'

const DEVICE_ID = '3a4b5c6d-7e8f-4a0b-9c1d-2e3f4a5b6c7d'
const ORG_ID = '8b9c0d1e-2f3a-4b4c-8d5e-6f7a8b9c0d1e'
const CHALLENGE = 'Q'.repeat(43)

const me = { id: 'u1', email: 'a@b.example', name: 'Anna', secondFactor: true, totpEnabled: true, memberships: [], csrfToken: 'c2' }

/** A server that answers the code step with `answer` and /me with a signed-in person. */
function serverAnswering(answer: unknown) {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (path: string) => new Response(JSON.stringify(path === '/api/auth/me' ? me : answer), { status: 200, headers: { 'Content-Type': 'application/json' } })),
  )
}

describe('the session store after the code step', () => {
  beforeEach(() => setActivePinia(createPinia()))
  afterEach(() => vi.unstubAllGlobals())

  it('remembers how many failed sign-in attempts the server counted since the last sign-in', async () => {
    serverAnswering({ ok: true, failedAttempts: 3, csrfToken: 'c1' })
    const session = useSessionStore()
    await session.confirmTotp('123456', false)
    expect(session.failedAttempts).toBe(3)
    expect(session.isSignedIn).toBe(true)
  })
  it('accepts an older server that does not send failedAttempts, and then says nothing', async () => {
    serverAnswering({ ok: true })
    const session = useSessionStore()
    await session.confirmTotp('123456', true)
    expect(session.failedAttempts).toBe(0)
  })
  it('forgets the count once the person has read it', async () => {
    serverAnswering({ ok: true, failedAttempts: 2 })
    const session = useSessionStore()
    await session.confirmTotp('123456', false)
    session.acknowledgeFailedAttempts()
    expect(session.failedAttempts).toBe(0)
  })
})

describe('the session and this device', () => {
  beforeEach(() => setActivePinia(createPinia()))
  afterEach(() => {
    vi.unstubAllGlobals()
    useDeviceVault(undefined)
  })

  it('binds a fresh session to the registered device by answering a bind challenge with the authentication key', async () => {
    const caseDb = new CaseDb('session-bind-test')
    const vault = new Vault(caseDb)
    await vault.setUp('wandelcafé bij de Maas op dinsdag')
    useDeviceVault(() => vault)
    const keys = await prepareRegistration()
    await rememberRegistration(DEVICE_ID, ORG_ID)
    vault.lock() // binding needs no unlock

    const calls: { path: string; body?: unknown }[] = []
    let bound = false
    vi.stubGlobal(
      'fetch',
      vi.fn(async (path: string, init?: RequestInit) => {
        const body = init?.body ? (JSON.parse(String(init.body)) as unknown) : undefined
        calls.push({ path, body })
        const answer =
          path === '/api/auth/me'
            ? { ...me, device: bound ? { id: DEVICE_ID, organisationId: ORG_ID, status: 'approved' } : null }
            : path === `/api/devices/${DEVICE_ID}/challenge`
              ? { challenge: CHALLENGE, expiresAt: '2026-11-30T09:02:00.000Z' }
              : path === `/api/devices/${DEVICE_ID}/bind`
                ? ((bound = true), { id: DEVICE_ID, status: 'approved', bound: true })
                : { ok: true }
        return new Response(JSON.stringify(answer), { status: 200, headers: { 'Content-Type': 'application/json' } })
      }),
    )
    const session = useSessionStore()
    await session.confirmTotp('123456', false)

    expect(calls.map((c) => c.path)).toEqual(['/api/auth/totp', '/api/auth/me', `/api/devices/${DEVICE_ID}/challenge`, `/api/devices/${DEVICE_ID}/bind`, '/api/auth/me'])
    expect(calls[2]!.body).toEqual({ purpose: 'bind' })
    const proof = calls[3]!.body as { challenge: string; signature: string }
    expect(proof.challenge).toBe(CHALLENGE)
    expect(await verifyMessage(keys.authKey, challengeMessage(DEVICE_ID, 'bind', CHALLENGE), proof.signature)).toBe(true)
    expect(session.me?.device?.id).toBe(DEVICE_ID)

    // Loaded again with the session bound: nothing more is asked.
    calls.length = 0
    await session.load()
    expect(calls.map((c) => c.path)).toEqual(['/api/auth/me'])
    caseDb.close()
  })
})
