/** A small cookie-keeping API client for setting up test accounts from Node. */
import { counterAt, totpAt } from '../../src/server/auth/totp'

export class ApiClient {
  cookie = ''
  csrf = ''
  constructor(private readonly base: string) {}

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

  /** Password, then authenticator set-up with the code an app would show. */
  async signInFirstTime(email: string, password: string): Promise<void> {
    await this.call('POST', '/api/auth/sign-in', { email, password })
    const { secret } = await this.call<{ secret: string }>('POST', '/api/auth/totp/setup')
    await this.call('POST', '/api/auth/totp/confirm', { code: totpAt(secret, counterAt(Date.now())) })
  }
}
