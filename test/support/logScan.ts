/**
 * Checks a server's log against the README's promise: JSON lines (pino) carrying route templates,
 * status, timing and error kinds only; no bodies, addresses, ids or query strings (src/server/log.ts).
 * Used on the in-process log of test/server/logging.test.ts and on the whole output of every
 * browser-test server (test/e2e/harness.ts).
 */
import { randomUUID } from 'node:crypto'
import { describeFindings, findSecrets } from './secretScan'

/** pino's fields (src/server/log.ts sets `base`: no pid, no hostname) and the ones app.ts writes; a new field is a decision for log.ts, not an accident. */
export const LOG_FIELDS = new Set(['level', 'time', 'app', 'msg', 'method', 'route', 'status', 'ms', 'error'])

/** Lines main.ts prints as plain text at start and stop (no personal data: the bootstrap code goes to a file). */
export const START_UP_LINES = [
  /^The social map was empty: loaded \d+ example services \(voorbeeldgegevens\)\.$/,
  /^Samenwerkwijze is running on http:\/\/localhost:\d+ \(database: (pglite in \S+|postgres)\)$/,
  /^No accounts yet\. The one-time link for the first beheerder is in \S+ \(readable by this user only\)\.$/,
  /^Stopped: requests still running after the grace period were cut off\.$/,
]

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i
/** A route template's segments: words, `:params` and Hono's `*`; a concrete id or token has digits or capitals. */
const TEMPLATE_SEGMENT = /^(:[A-Za-z]+|\*|[a-z]+(-[a-z]+)*)$/
/** An error kind is a class name ("Error", "TypeError"; node-postgres names its own "error"); a message has spaces and quotes. */
const ERROR_KIND = /^[A-Za-z]+$/

export const isRouteTemplate = (route: unknown): boolean =>
  typeof route === 'string' && route.startsWith('/api') && !UUID.test(route) && route.split('/').slice(1).every((s) => TEMPLATE_SEGMENT.test(s))

export interface LogCheck {
  /** The parsed JSON lines. */
  entries: Record<string, unknown>[]
  /** Everything wrong with the log, one line each (empty: clean). */
  problems: string[]
}

/**
 * Parses and checks a log: every line JSON (or one of `plainLines`), only LOG_FIELDS, every
 * request line with a route template, every error line with an error kind, and none of
 * `secrets` in any form the scanner knows (test/support/secretScan.ts). The scan proves it can
 * see on each call: a value planted beside the log must be found, or that is a problem too.
 * A value the log's own permitted words contain (the app's name "samenwerkwijze" a case form
 * also sends, "beheerder" of a start-up line, a route word) is no leak and is not sought; a route
 * or error that broke its rule does not count as permitted.
 */
export function checkLog(output: string, secrets: Iterable<string>, plainLines: RegExp[] = START_UP_LINES): LogCheck {
  const entries: Record<string, unknown>[] = []
  const problems: string[] = []
  /** The permitted text: start-up lines, and the fields of JSON lines that kept to their rules. */
  const permitted: string[] = []
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
    const extra = Object.keys(e).filter((k) => !LOG_FIELDS.has(k))
    if (extra.length) problems.push(`fields beyond route, status, timing and error kind (${extra.join(', ')}): ${line.slice(0, 200)}`)
    const routeOk = isRouteTemplate(e.route)
    const errorOk = typeof e.error === 'string' && ERROR_KIND.test(e.error)
    if ((e.msg === 'request' || e.msg === 'request failed') && !routeOk) problems.push(`no route template: ${line.slice(0, 200)}`)
    if (e.msg === 'request failed' && !errorOk) problems.push(`an error line with more than the error kind: ${line.slice(0, 200)}`)
    if (!extra.length) permitted.push([e.app, e.msg, e.method, routeOk && e.route, errorOk && e.error].filter((v) => typeof v === 'string').join(' '))
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
