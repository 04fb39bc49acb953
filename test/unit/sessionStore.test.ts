import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useSessionStore } from '../../src/app/features/professional/useSessionStore'

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
