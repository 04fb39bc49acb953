/** A small cookie-keeping API client for setting up test accounts from Node. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { counterAt, totpAt } from '../../src/server/auth/totp'

/** The first start's one-time code: the server writes it to a 0600 file when its output is no terminal. */
export function bootstrapCode(dataDir: string): string {
  return /\/beheer\/start#([A-Za-z0-9_-]+)/.exec(readFileSync(join(dataDir, 'bootstrap-link.txt'), 'utf8'))![1]!
}

export class ApiClient {
  cookie = ''
  csrf = ''
  constructor(readonly base: string) {}

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(this.base + path, {
      method,
      headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...(this.cookie ? { Cookie: this.cookie } : {}), ...(this.csrf ? { 'X-CSRF-Token': this.csrf } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })
    const set = res.headers.get('set-cookie')
    if (set) this.cookie = set.split(';')[0]!
    const json = (await res.json()) as T & { csrfToken?: string }
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
    if (json.csrfToken) this.csrf = json.csrfToken
    return json
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
    // The second factor gives the session a new cookie and CSRF token (taken over by call()).
    await this.call('POST', '/api/auth/totp/confirm', { code: totpAt(secret, counterAt(Date.now())) })
  }
}
