/**
 * The values a browser-test server must never log, gathered while the tests run: what the tests
 * register (`neverLog`, from test/e2e/signIn.ts and test/e2e/apiClient.ts), what the admin CLI
 * printed for the set-up, the one-time bootstrap code, and everything the browsers exchange with
 * the API: session and device cookies, CSRF tokens, TOTP secrets and the session's answers, ids in
 * paths, query values and request bodies. test/e2e/harness.ts checks the server's whole output against them when it stops
 * (test/support/logScan.ts): the README's "no bodies, addresses, ids or query strings".
 */
import type { Browser, BrowserContext, Request, Response } from 'playwright-core'
import { checkLog } from '../support/logScan'

/**
 * Shorter values are skipped: two or three characters ("wor", "Oss", a status) match by chance.
 * A short name ("Jan Bos") or a number (a birth year) is sought; the log's own fixed words (route
 * templates, messages, field names) are not, test/support/logScan.ts leaves them out.
 */
const MIN_LENGTH = 4
const UUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi
/** What the server hands out in its answers that identifies a person or a session. */
const ANSWER_KEYS = new Set(['id', 'userId', 'organisationId', 'homeOrganisationId', 'deviceId', 'counterId', 'email', 'name', 'csrfToken', 'secret', 'uri', 'token', 'link', 'code', 'password'])

const registered = new Set<string>()

/** Values no browser-test server may ever write to its output (one process per test file, so per file). */
export function neverLog(...values: (string | null | undefined)[]): void {
  for (const v of values) if (typeof v === 'string' && v.length >= MIN_LENGTH) registered.add(v)
}

/** Every string and number in a JSON value (keys limited to `only` where given). */
function strings(value: unknown, only?: Set<string>, key = ''): string[] {
  if (typeof value === 'string' || typeof value === 'number') return !only || only.has(key) ? [String(value)] : []
  if (Array.isArray(value)) return value.flatMap((v) => strings(v, only, key))
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, only, k))
  return []
}

/** Cookie values out of a Cookie or Set-Cookie header. */
const cookieValues = (header: string | undefined): string[] =>
  (header ?? '').split(/[;\n]\s*/).flatMap((part) => {
    const i = part.indexOf('=')
    return i > 0 && !/^(path|max-age|expires|domain|samesite)$/i.test(part.slice(0, i).trim()) ? [part.slice(i + 1)] : []
  })

/** Every segment of a path (its template words are the log's own, left out by test/support/logScan.ts) and every query value. */
function fromUrl(url: URL): string[] {
  return [...url.pathname.split('/').map(decodeURIComponent), ...url.searchParams.values()]
}

const parse = (text: string | null | undefined): unknown => {
  try {
    return text ? JSON.parse(text) : undefined
  } catch {
    return text
  }
}

/** Ids and query values in a request's path, its body, and (for the session's own routes) the answer's tokens, ids and addresses. */
export function neverLogExchange(path: string, body: unknown, answer?: unknown): void {
  neverLog(...fromUrl(new URL(path, 'http://x')), ...strings(typeof body === 'string' ? parse(body) : body))
  if (isSessionPath(path)) neverLog(...strings(answer, ANSWER_KEYS))
}

/** The session's own answers (sign-in, second factor, /me, links): the rest is public or listed by id in later paths. */
const isSessionPath = (path: string) => path.startsWith('/api/auth/') || path.startsWith('/api/links/')

export class LogWatch {
  private readonly pending: Promise<unknown>[] = []

  constructor(private readonly baseUrl: string) {}

  /** The set-up's e-mail addresses, names, passwords and ids (test/e2e/harness.ts `setup`). */
  fromSetup(commands: string[][], outputs: string[]): void {
    for (const args of commands) if (args[0] === 'user:create') neverLog(args[1], args[2])
    for (const out of outputs) neverLog(...(out.match(UUIDS) ?? []), /Password \(shown once\): (\S+)/.exec(out)?.[1])
  }

  /** Watches every context the browser makes from now on (new contexts and `newPage`'s own). */
  watch(browser: Browser): void {
    const newContext = browser.newContext.bind(browser)
    browser.newContext = async (...args) => this.context(await newContext(...args))
    const newPage = browser.newPage.bind(browser)
    browser.newPage = async (...args) => {
      const page = await newPage(...args)
      this.context(page.context())
      return page
    }
  }

  private context(context: BrowserContext): BrowserContext {
    const api = (url: string) => url.startsWith(`${this.baseUrl}/api/`)
    context.on('request', (r) => void (api(r.url()) && this.track(this.request(r))))
    context.on('response', (r) => void (api(r.url()) && isSessionPath(new URL(r.url()).pathname) && this.track(this.response(r))))
    return context
  }

  private track(p: Promise<void>): void {
    this.pending.push(p.catch(() => {}))
  }

  private async request(r: Request): Promise<void> {
    neverLogExchange(r.url(), r.postData() ?? undefined)
    const headers = await r.allHeaders()
    neverLog(headers['x-csrf-token'], ...cookieValues(headers.cookie))
  }

  private async response(r: Response): Promise<void> {
    neverLog(...cookieValues((await r.allHeaders())['set-cookie']))
    if ((r.headers()['content-type'] ?? '').includes('json')) neverLogExchange(r.url(), undefined, parse(await r.text()))
  }

  /** Waits for the header and body reads still under way (before the browser closes). */
  async settled(): Promise<void> {
    for (let seen = 0; seen < this.pending.length; ) {
      const batch = this.pending.slice(seen)
      seen = this.pending.length
      await Promise.all(batch)
    }
  }

  /** What is wrong with the server's whole output (empty: it kept its promise). */
  problems(output: string, extra: string[] = []): string[] {
    return checkLog(output, [...registered, ...extra]).problems
  }
}
