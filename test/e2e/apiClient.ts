/** The browser tests' API client for setting up accounts from Node: the shared Agent over real HTTP. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { counterAt, totpAt } from '../../src/server/auth/totp'
import { Agent } from '../support/agent'
import { neverLog, neverLogExchange } from './logWatch'

/** The first start's one-time code: the server writes it to a 0600 file when its output is no terminal. */
export function bootstrapCode(dataDir: string): string {
  return /\/beheer\/start#([A-Za-z0-9_-]+)/.exec(readFileSync(join(dataDir, 'bootstrap-link.txt'), 'utf8'))![1]!
}

export class ApiClient {
  /** The cookie jar and CSRF token (test/support/agent.ts), talking to the harness's server. */
  readonly agent: Agent
  constructor(readonly base: string) {
    this.agent = new Agent(base)
  }
  get cookie(): string {
    return this.agent.cookie
  }
  get csrf(): string {
    return this.agent.csrf
  }

  /** The JSON answer; a refusal throws with its status and body. */
  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const answer = await this.agent.ask<T>(method, path, body)
    // None of the exchange, the session's cookies and CSRF token may reach the server's log (test/e2e/harness.ts checks when it stops).
    neverLogExchange(path, body, answer)
    neverLog(...this.agent.jar.values(), this.agent.csrf)
    return answer
  }

  /** Invites a person (this client is their beheerder); they accept with their own password, as from the link. */
  async invite(organisationId: string, person: { email: string; name: string; role: string }, password: string): Promise<void> {
    const { link } = await this.call<{ link: string }>('POST', `/api/orgs/${organisationId}/invitations`, person)
    await new ApiClient(this.base).call('POST', '/api/links/redeem', { token: link.split('#')[1], password, name: person.name })
  }

  /** Password, then authenticator set-up with the code an app would show. */
  async signInFirstTime(email: string, password: string): Promise<void> {
    await this.call('POST', '/api/auth/sign-in', { email, password })
    const { secret } = await this.call<{ secret: string }>('POST', '/api/auth/totp/setup')
    neverLog(email, password, secret)
    // The second factor gives the session a new cookie and CSRF token (the agent takes them over).
    await this.call('POST', '/api/auth/totp/confirm', { code: totpAt(secret, counterAt(Date.now())) })
  }
}
