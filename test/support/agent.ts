/**
 * A client of the server that keeps its cookies and CSRF token like a browser would: the one
 * cookie-and-CSRF client of the server tests (over Hono's `app.request`, no socket) and the
 * browser tests (over real HTTP to the harness's server, test/e2e/apiClient.ts).
 */

/** Where requests go: an app's `request` (server tests) or a base URL fetched over HTTP. */
export type Transport = { request(path: string, init: RequestInit): Response | Promise<Response> } | string

export class Agent {
  /** The cookies this client holds, by name (the session and the known-device cookie). */
  readonly jar = new Map<string, string>()
  csrf = ''
  private readonly send: (path: string, init: RequestInit) => Promise<Response>

  constructor(
    transport: Transport,
    private readonly headers: Record<string, string> = {},
  ) {
    this.send = typeof transport === 'string' ? (path, init) => fetch(transport + path, init) : async (path, init) => transport.request(path, init)
  }

  /** The Cookie header this client sends; setting it replaces every cookie held. */
  get cookie(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ')
  }
  set cookie(header: string) {
    this.jar.clear()
    for (const part of header.split(/;\s*/)) {
      const i = part.indexOf('=')
      if (i > 0) this.jar.set(part.slice(0, i), part.slice(i + 1))
    }
  }

  /** One request with this client's cookies and CSRF token; the answer as it came. */
  async call(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Response> {
    const headers: Record<string, string> = { ...this.headers, ...extra }
    if (this.cookie) headers.Cookie = this.cookie
    if (this.csrf && method !== 'GET') headers['X-CSRF-Token'] = this.csrf
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const res = await this.send(path, { method, headers, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) })
    for (const set of res.headers.getSetCookie()) {
      const [pair = ''] = set.split(';')
      const i = pair.indexOf('=')
      const name = pair.slice(0, i)
      if (i < 1) continue
      if (/=$/.test(pair) || /Max-Age=0/i.test(set)) this.jar.delete(name)
      else this.jar.set(name, pair.slice(i + 1))
    }
    // Signing in hands out a new CSRF token with each new session (also after the second factor).
    if (res.ok && path.startsWith('/api/auth/') && res.headers.get('Content-Type')?.includes('json')) {
      const token = ((await res.clone().json()) as { csrfToken?: unknown }).csrfToken
      if (typeof token === 'string') this.csrf = token
    }
    return res
  }

  /** `call`, then the JSON answer; a refusal throws with its status and body. */
  async ask<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.call(method, path, body)
    const text = await res.text()
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`)
    return JSON.parse(text) as T
  }
}
