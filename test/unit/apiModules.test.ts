/**
 * The typed API modules (src/app/api): each function sends its method, path and body, and takes
 * only an answer that fits the shared schema of its route (src/shared/api); anything else is
 * ApiError 'bad-answer', not half a value.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../src/app/api/errors'
import { listMembers, signOutMember } from '../../src/app/api/organisations'
import { resolveReport } from '../../src/app/api/mapEditor'
import { sendEvent } from '../../src/app/api/referrals'
import { setCsrfToken } from '../../src/app/api/auth'
import { putPlan } from '../../src/app/api/plans'

const ORG = '8b9c0d1e-2f3a-4b4c-8d5e-6f7a8b9c0d1e'
const calls: { method: string; path: string; body: unknown; csrf: string | null }[] = []

function serverAnswering(answer: unknown, status = 200) {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (path: string, init: RequestInit) => {
      calls.push({ method: init.method ?? 'GET', path, body: init.body ? JSON.parse(String(init.body)) : undefined, csrf: new Headers(init.headers).get('X-CSRF-Token') })
      return new Response(JSON.stringify(answer), { status, headers: { 'Content-Type': 'application/json' } })
    }),
  )
}

afterEach(() => {
  vi.unstubAllGlobals()
  calls.length = 0
  setCsrfToken('')
})

describe('the typed API modules', () => {
  it('list an organisation’s members from the answer, checked', async () => {
    const member = { id: 'u1', email: 'a@b.example', name: 'Anna', role: 'huisarts', locked: false, totpEnabled: true, isHome: true }
    serverAnswering({ organisationName: 'Praktijk', members: [member] })
    expect(await listMembers(ORG)).toEqual([member])
    expect(calls).toEqual([{ method: 'GET', path: `/api/orgs/${ORG}/members`, body: undefined, csrf: null }])
  })

  it('refuse an answer whose role is not one of the roles, as a bad answer', async () => {
    serverAnswering({ organisationName: 'Praktijk', members: [{ id: 'u1', email: 'a@b.example', name: 'Anna', role: 'admin', locked: false, totpEnabled: true, isHome: true }] })
    await expect(listMembers(ORG)).rejects.toMatchObject({ code: 'bad-answer' })
  })

  it('send changes with the CSRF token and their body', async () => {
    setCsrfToken('t1')
    serverAnswering({ id: 'r1', status: 'resolved' })
    expect(await resolveReport('r1', 'Adres aangepast')).toEqual({ id: 'r1', status: 'resolved' })
    expect(calls).toEqual([{ method: 'POST', path: '/api/map/reports/r1/resolve', body: { resolution: 'Adres aangepast' }, csrf: 't1' }])
  })

  it('take a renamed field as a bad answer (the server says endedSessions, the app reads ended)', async () => {
    serverAnswering({ endedSessions: 2 })
    const refused = await signOutMember(ORG, 'u1').catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(ApiError)
    expect(refused).toMatchObject({ code: 'bad-answer' })
  })

  it('pass the server’s refusal on with its code', async () => {
    serverAnswering({ error: 'No such referral in your inbox.', code: 'not-found' }, 404)
    await expect(sendEvent(ORG, {} as never)).rejects.toMatchObject({ status: 404, code: 'not-found' })
  })
})

describe('a request that gets no answer', () => {
  it('keep the refusal’s other fields, such as the server’s current version with 409 version-outdated (a shared plan catches up with it)', async () => {
    serverAnswering({ error: 'Not above the stored version.', code: 'version-outdated', current: 7 }, 409)
    const refusal = await putPlan(ORG, { docId: ORG, version: 3, recipients: [] }).catch((e: unknown) => e)
    expect(refusal).toBeInstanceOf(ApiError)
    expect(refusal).toMatchObject({ status: 409, code: 'version-outdated', extra: { current: 7 } })
  })

  it('counts as no connection after 30 seconds, so it cannot hold an outbox flush for minutes', async () => {
    vi.useFakeTimers()
    try {
      vi.stubGlobal(
        'fetch',
        vi.fn((_path: string, init: RequestInit) => new Promise<Response>((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))),
      )
      const pending = listMembers(ORG).catch((e: unknown) => e)
      await vi.advanceTimersByTimeAsync(29_999)
      expect(vi.getTimerCount()).toBe(1)
      await vi.advanceTimersByTimeAsync(1)
      const error = await pending
      expect(error).toBeInstanceOf(ApiError)
      expect(error).toMatchObject({ status: 0, code: 'offline' })
    } finally {
      vi.useRealTimers()
    }
  })
})
