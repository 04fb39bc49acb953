/** The contract check itself (test/server/contract.ts): what it lets through and what it refuses. */
import { describe, expect, it } from 'vitest'
import { contractProblem } from '../server/contract'

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

describe('the response contract', () => {
  it('accepts an answer that fits its route’s schema', async () => {
    expect(await contractProblem('POST /api/auth/sign-out', json({ ok: true }))).toBeNull()
  })
  it('names a field the server renamed', async () => {
    expect(await contractProblem('POST /api/auth/sign-out-everywhere', json({ endedSessions: 2 }))).toMatch(/ended.*expected number/)
  })
  it('names a field the schema does not describe, even deep inside', async () => {
    const me = { id: 'u', email: 'a@b.nl', name: 'A', secondFactor: true, totpEnabled: true, memberships: [{ organisationId: 'o', organisationName: 'O', role: 'huisarts', isRegion: false, secret: 1 }], csrfToken: 't', device: null }
    expect(await contractProblem('GET /api/auth/me', json(me))).toMatch(/\.memberships\[0\]\.secret/)
  })
  it('refuses a route that has no schema, and an answer that is no JSON', async () => {
    expect(await contractProblem('GET /api/nothing', json({}))).toMatch(/no response schema/)
    expect(await contractProblem('GET /api/health', new Response('ok'))).toMatch(/not JSON/)
  })
  it('leaves refusals alone (their shape is the error reply)', async () => {
    expect(await contractProblem('GET /api/auth/me', json({ error: 'x', code: 'not-signed-in' }, 401))).toBeNull()
  })
})
