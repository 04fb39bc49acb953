/**
 * One part of a valid request corrupted at a time: a path value (sent raw, as typed: '%00',
 * '..%2F', a bare '%', 5,000 characters, a quote), a query value, one field of the JSON body
 * (missing, wrong type, too long, boundary numbers, an unknown id of the right shape), or the
 * whole body / its content type. And how to tell, from the answer, whether the request got past
 * validation into the handler's own logic.
 */
import fc from 'fast-check'
import type { Valid } from './catalogue'

const MISSING = Symbol('missing')
type FieldValue = unknown

/** Path values as typed; they go into the URL unescaped. */
export const RAW_PATH_VALUES = ['%00', '..%2F..%2Fetc%2Fpasswd', '%', '%E0%A4%A', 'a'.repeat(5_000), "1' OR '1'='1", '..', ' ', '\u00e9', '0'] as const

const fieldValue: fc.Arbitrary<FieldValue> = fc.oneof(
  fc.constantFrom<FieldValue>(MISSING, null, true, 0, -1, 1.5, 2 ** 53, -(2 ** 31), 1e308, '', ' ', '\u0000', 'x'.repeat(5_000), [], {}, [null], '2026-13-45T99:00:00.000Z', "'; DROP TABLE users; --", JSON.parse('{"__proto__":{"admin":true}}') as FieldValue),
  fc.uuid().map((u) => u as FieldValue),
  fc.string({ maxLength: 40 }).map((s) => s as FieldValue),
  fc.integer().map((n) => n as FieldValue),
  fc.anything({ maxDepth: 2 }).map((v) => v as FieldValue),
)

export type Mutation =
  | { kind: 'valid' }
  | { kind: 'param'; pick: number; value: string }
  | { kind: 'query'; pick: number; value: string | typeof MISSING }
  | { kind: 'field'; pick: number; value: FieldValue; keepType: boolean }
  | { kind: 'body'; raw: string }
  | { kind: 'content-type'; type: string }

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'valid' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('param' as const), pick: fc.nat(), value: fc.oneof(fc.constantFrom<string>(...RAW_PATH_VALUES), fc.uuid(), fc.string({ maxLength: 20 }).map(encodeURIComponent)) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('query' as const), pick: fc.nat(), value: fc.oneof(fc.constantFrom<string | typeof MISSING>(MISSING, '', '%', '2026-H3', '9999-H1', 'x'.repeat(5_000)), fc.string({ maxLength: 12 }).map(encodeURIComponent)) }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('field' as const), pick: fc.nat(), value: fieldValue, keepType: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('body' as const),
      raw: fc.oneof(
        fc.anything({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'),
        fc.string({ maxLength: 200 }),
        fc.constantFrom('', '{', '[{"id":', '{"a":1,}', 'null', '"x"', '1e999999', '{"__proto__":{"admin":true}}', 'y'.repeat(80_000)),
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('content-type' as const), type: fc.constantFrom('text/plain', 'application/json; charset=latin1', 'multipart/form-data', 'application/x-www-form-urlencoded', '') }) },
)

/** Every place in a JSON value (objects' keys and arrays' items, at any depth), as key paths. */
function places(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return []
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value)
  return keys.flatMap((k) => [[...at, k], ...places((value as Record<string | number, unknown>)[k], [...at, k])])
}

/** A value of the same type as the original, but wrong in content (so it passes a type check more often). */
function sameType(original: unknown, value: FieldValue): FieldValue {
  if (typeof original === 'string') return typeof value === 'string' ? value : `${original}x`.toUpperCase()
  if (typeof original === 'number') return typeof value === 'number' ? value : original + 1
  if (typeof original === 'boolean') return !original
  if (Array.isArray(original)) return [...original, ...original]
  return value
}

export interface Sent {
  path: string
  init: RequestInit & { headers: Record<string, string> }
  /** The path values, as the handler sees them. */
  params: string[]
  what: string
}

const decoded = (v: string) => {
  try {
    return decodeURIComponent(v)
  } catch {
    return v
  }
}

/** The request a mutation makes of a valid request (the URL built by hand, so path values arrive raw). */
export function apply(method: string, template: string, valid: Valid, m: Mutation): Sent {
  const params = { ...valid.params }
  const query: Record<string, string> = { ...valid.query }
  let body: string | undefined = valid.body === undefined ? undefined : JSON.stringify(valid.body)
  let type = 'application/json'
  let what = 'valid'
  const paramNames = Object.keys(params)
  if (m.kind === 'param' && paramNames.length) {
    const name = paramNames[m.pick % paramNames.length]!
    params[name] = m.value
    what = `path :${name} = ${JSON.stringify(m.value.slice(0, 40))}`
  } else if (m.kind === 'query' && Object.keys(query).length) {
    const name = Object.keys(query)[m.pick % Object.keys(query).length]!
    if (m.value === MISSING) delete query[name]
    else query[name] = m.value
    what = `query ${name} = ${m.value === MISSING ? '(missing)' : JSON.stringify(m.value.slice(0, 40))}`
  } else if (m.kind === 'field' && valid.body !== undefined) {
    const copy = structuredClone(valid.body)
    const all = places(copy)
    if (all.length) {
      const place = all[m.pick % all.length]!
      const parent = place.slice(0, -1).reduce<Record<string | number, unknown>>((o, k) => o[k] as Record<string | number, unknown>, copy as Record<string | number, unknown>)
      const key = place.at(-1)!
      const value = m.keepType ? sameType(parent[key], m.value) : m.value
      if (value === MISSING) {
        if (Array.isArray(parent)) parent.splice(key as number, 1)
        else delete parent[key]
      } else parent[key] = value
      body = JSON.stringify(copy)
      what = `field ${place.join('.')} = ${value === MISSING ? '(missing)' : String(JSON.stringify(value)).slice(0, 40)}`
    }
  } else if (m.kind === 'body' && method !== 'GET') {
    body = m.raw
    what = `body ${JSON.stringify(m.raw.slice(0, 40))}`
  } else if (m.kind === 'content-type' && method !== 'GET') {
    type = m.type
    body ??= '{}'
    what = `content type ${JSON.stringify(m.type)}`
  }
  const path = template.replace(/:(\w+)/g, (_, name: string) => params[name] ?? `:${name}`)
  const search = Object.entries(query).map(([k, v]) => `${k}=${v}`).join('&')
  const headers: Record<string, string> = body !== undefined && type ? { 'Content-Type': type } : {}
  return { path: search ? `${path}?${search}` : path, init: { method, headers, ...(body !== undefined ? { body } : {}) }, params: paramNames.map((n) => decoded(params[n]!)), what }
}

/** Refusals before the handler's own logic: no session, wrong role, no device, CSRF, too large. */
const GATES = new Set(['not-signed-in', 'second-factor-required', 'forbidden', 'device-required', 'region-only', 'not-home-organisation', 'region-role', 'csrf', 'cross-site', 'too-large', 'rate-limited'])
/** The texts of the schema and JSON refusals (src/server/http/request.ts body/readJson, the reports and kpi routes, app.ts onError). */
const VALIDATION = /^(Invalid request|Invalid report|Invalid proposal|Send the body as JSON|The body is not valid JSON|Give a period like|Bad request)/
const isUuid = (v: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)

/**
 * Whether the request got past validation into the handler's own logic: a success, or a refusal
 * that is neither a gate (GATES), nor a schema/JSON refusal, nor made with a path value that is not
 * an id (those are answered 404 or 401 before any query, src/server/http/request.ts isUuid).
 */
export function reachedHandler(status: number, answer: { code?: unknown; error?: unknown } | null, params: string[]): boolean {
  if (status < 400) return true
  if (!answer || typeof answer.code !== 'string' || GATES.has(answer.code)) return false
  if (!params.every(isUuid)) return false
  if (answer.code === 'bad-request' && VALIDATION.test(String(answer.error))) return false
  if (answer.code === 'not-found' && answer.error === 'Not found') return false
  return true
}
