/**
 * The raw client of the professional API: same-origin JSON with the session cookie and the
 * CSRF token, answers checked with Zod, failures turned into an ApiError with a code the UI
 * translates. Only src/app/api/** calls it (one typed function per endpoint, answers checked with
 * the shared schemas in src/shared/api); eslint.config.js keeps it out of pages and features.
 */
import type { z } from 'zod'
import { errorReplySchema } from '../../shared/api/errors'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter?: number,
    /** The error reply's other fields (e.g. `current` with 409 `version-outdated`), unchecked: the caller validates what it reads. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message)
  }
}

let csrfToken = ''
export function setCsrfToken(token: string) {
  csrfToken = token
}

/** An older server may leave the code out: the status stands in for it. */
const errorSchema = errorReplySchema.partial({ code: true })

/**
 * A request with no answer after this long counts as no connection (status 0, 'offline'): on a bad
 * mobile line a stalled request would otherwise hold its outbox's one flush (sync/outbox.ts) until
 * the browser gives up, minutes later. The answers here are small JSON.
 */
export const REQUEST_TIMEOUT_MS = 30_000

export async function api<S extends z.ZodType>(method: string, path: string, schema: S, body?: unknown): Promise<z.infer<S>> {
  const abort = new AbortController()
  const timer = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS)
  let res: Response
  let data: unknown
  try {
    try {
      res = await fetch(path, {
        method,
        credentials: 'same-origin',
        signal: abort.signal,
        headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...(method !== 'GET' && csrfToken ? { 'X-CSRF-Token': csrfToken } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      })
    } catch {
      throw new ApiError(0, 'offline', 'No connection')
    }
    data = await res.json().catch(() => undefined)
    if (abort.signal.aborted) throw new ApiError(0, 'offline', 'No connection')
  } finally {
    clearTimeout(timer)
  }
  if (!res.ok) {
    const e = errorSchema.safeParse(data)
    if (!e.success) throw new ApiError(res.status, String(res.status), `HTTP ${res.status}`)
    const { code, error, retryAfter, ...extra } = e.data
    throw new ApiError(res.status, code ?? String(res.status), error, retryAfter, extra)
  }
  const parsed = schema.safeParse(data)
  if (!parsed.success) throw new ApiError(res.status, 'bad-answer', 'Unexpected answer from the server')
  return parsed.data
}
