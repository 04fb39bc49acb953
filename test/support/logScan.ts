/**
 * Checks a server's log against the README's promise: JSON lines (pino) carrying route templates,
 * status, timing and error kinds only; no bodies, addresses, ids or query strings (src/server/log.ts).
 * Used on the in-process log of test/server/logging.test.ts and on the whole output of every
 * browser-test server (test/e2e/harness.ts).
 */
import { randomUUID } from 'node:crypto'
import { createApp } from '../../src/server/app'
import type { Database } from '../../src/server/db/types'
import { silentLogger } from '../../src/server/log'
import { describeFindings, findSecrets } from './secretScan'

/** pino's fields (src/server/log.ts sets `base`: no pid, no hostname) and the ones app.ts writes; a new field is a decision for log.ts, not an accident. */
export const LOG_FIELDS = new Set(['level', 'time', 'app', 'msg', 'method', 'route', 'status', 'ms', 'error'])

/** Lines main.ts prints as plain text at start and stop (no personal data: the bootstrap code goes to a file). */
export const START_UP_LINES = [
  /^The social map was empty: loaded \d+ example services \(voorbeeldgegevens\)\.$/,
  /^The method was empty: stored the bundled method as version 1\.$/,
  /^Samenwerkwijze is running on http:\/\/localhost:\d+ \(database: (pglite in \S+|postgres)\)$/,
  /^No accounts yet\. The one-time link for the first beheerder is in \S+ \(readable by this user only\)\.$/,
  /^Stopped: requests still running after the grace period were cut off\.$/,
]

/** The only messages src/server writes (app.ts: a request, a failing handler). */
const MESSAGES = new Set(['request', 'request failed'])
/** src/server/log.ts `base`. */
const APP = 'samenwerkwijze'
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
/** pino's and app.ts's numeric fields. */
const NUMBERS = ['level', 'time', 'status', 'ms']
/** An error kind is a class name ending in "Error" ("TypeError", "HashingBusyError"; node-postgres names its own "error"). */
const ERROR_KIND = /^(([A-Z][a-z]*)*Error|error)$/

let appRoutes: Set<string> | undefined
/** The route templates of the app's /api routes and middleware (createApp's `app.routes`; building it touches no database). */
export function apiRouteTemplates(): Set<string> {
  appRoutes ??= new Set(createApp({} as Database, { serverKey: Buffer.alloc(32), logger: silentLogger() }).routes.map((r) => r.path).filter((p) => p.startsWith('/api')))
  return appRoutes
}

export interface LogCheck {
  /** The parsed JSON lines. */
  entries: Record<string, unknown>[]
  /** Everything wrong with the log, one line each (empty: clean). */
  problems: string[]
}

/**
 * Parses and checks a log: every line JSON (or one of `plainLines`), only LOG_FIELDS, the app's
 * name, one of the fixed messages, HTTP methods, route templates the app has (`routes`, default
 * apiRouteTemplates()), error kinds, numbers where pino and app.ts write numbers, and none of
 * `secrets` in any form the scanner knows (test/support/secretScan.ts). The scan proves it can
 * see on each call: a value planted beside the log must be found, or that is a problem too.
 * A value the log's own fixed words contain (the app's name "samenwerkwijze" a case form also
 * sends, "beheerder" of a start-up line, a route word, a field name) is no leak and is not
 * sought; a field that broke its rule does not count as permitted.
 */
export function checkLog(output: string, secrets: Iterable<string>, options: { plainLines?: RegExp[]; routes?: Set<string> } = {}): LogCheck {
  const { plainLines = START_UP_LINES, routes = apiRouteTemplates() } = options
  const entries: Record<string, unknown>[] = []
  const problems: string[] = []
  /** The permitted text: start-up lines, field names, and the fields of JSON lines that kept to their rules. */
  const permitted: string[] = [...LOG_FIELDS, 'planted']
  for (const line of output.split('\n')) {
    if (line.trim() === '') continue
    if (plainLines.some((p) => p.test(line))) {
      permitted.push(line)
      continue
    }
    let entry: unknown
    try {
      entry = JSON.parse(line)
    } catch {
      problems.push(`not a JSON line: ${line.slice(0, 200)}`)
      continue
    }
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`not a JSON object: ${line.slice(0, 200)}`)
      continue
    }
    const e = entry as Record<string, unknown>
    entries.push(e)
    const problem = (why: string) => problems.push(`${why}: ${line.slice(0, 200)}`)
    const extra = Object.keys(e).filter((k) => !LOG_FIELDS.has(k))
    if (extra.length) problem(`fields beyond route, status, timing and error kind (${extra.join(', ')})`)
    const wrongNumbers = NUMBERS.filter((k) => k in e && typeof e[k] !== 'number')
    if (wrongNumbers.length) problem(`not a number in ${wrongNumbers.join(', ')}`)
    if (e.app !== APP) problem(`not the app's name in app`)
    const msgOk = typeof e.msg === 'string' && MESSAGES.has(e.msg)
    if (!msgOk) problem(`a message beyond ${[...MESSAGES].join(', ')}`)
    const methodOk = typeof e.method === 'string' && METHODS.has(e.method)
    if ((e.msg === 'request' || 'method' in e) && !methodOk) problem('not an HTTP method')
    const routeOk = typeof e.route === 'string' && routes.has(e.route)
    if ((msgOk || 'route' in e) && !routeOk) problem('no route template of the app')
    const errorOk = typeof e.error === 'string' && ERROR_KIND.test(e.error)
    if ((e.msg === 'request failed' || 'error' in e) && !errorOk) problem('an error line with more than the error kind')
    permitted.push(APP, ...[msgOk && e.msg, methodOk && e.method, routeOk && e.route, errorOk && e.error].filter((v) => typeof v === 'string'))
  }
  const words = [...new Set(permitted)].join('\n').toLowerCase()
  const planted = `geplant-${randomUUID()}`
  const list = [...new Set([...secrets].filter((s) => s.length > 0 && !words.includes(s.toLowerCase()))), planted]
  // Each distinct line once: lines that differ only in their clock and timing fields (digits,
  // which hold no text) are one line to the scan. Then a line with the planted value
  // base64-encoded, as a leak might be.
  const distinct = new Set(output.split('\n').map((line) => line.replace(/"(time|ms)":\d+/g, '"$1":0')))
  const found = findSecrets(`${[...distinct].join('\n')}\n{"planted":"${Buffer.from(planted).toString('base64')}"}`, list, 'log')
  if (!found.some((f) => f.secret === planted)) problems.push('the scan did not find the value planted beside the log: it cannot see')
  problems.push(...describeFindings(found.filter((f) => f.secret !== planted)))
  return { entries, problems }
}
