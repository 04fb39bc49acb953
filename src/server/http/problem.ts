/**
 * Every error the server answers carries a machine `code` beside its English `error` text: the
 * app turns the code into Dutch words and never has to read the text (issue 12). Replies with an
 * error go through `problem`, so one without a code cannot be written.
 */
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** What a refused request answers: why in English, the code the app maps to its own words. */
export interface Problem {
  status: ContentfulStatusCode
  code: string
  error: string
}

/** An error reply; `extra` adds fields a client acts on (retryAfter, serverTime, reason). */
export function problem(c: Context, status: ContentfulStatusCode, code: string, error: string, extra: Record<string, unknown> = {}) {
  return c.json({ ...extra, error, code }, status)
}

/** The reply for a problem a domain module returned (`{ status, code, error }`). */
export function replyWith(c: Context, p: Problem, extra: Record<string, unknown> = {}) {
  return problem(c, p.status, p.code, p.error, extra)
}
