/** Reading what a request says: its JSON body (checked with a schema) and ids from its URL. */
import type { Context } from 'hono'
import type { z } from 'zod'
import { describeIssues } from '../../shared/core/zodIssues'
import { problem } from './problem'

/** Reads a JSON body without throwing: a readable reason instead of a stack trace. */
export async function readJson(c: Context): Promise<{ ok: true; value: unknown } | { ok: false; error: string }> {
  if (!/^application\/json\b/.test(c.req.header('Content-Type') ?? '')) return { ok: false, error: 'Send the body as JSON (Content-Type: application/json).' }
  let value: unknown
  try {
    value = await c.req.json()
  } catch {
    return { ok: false, error: 'The body is not valid JSON.' }
  }
  // PostgreSQL cannot store a NUL character in text: refused here, for every route, not as a 500 at the database.
  if (hasNul(value)) return { ok: false, error: 'The body contains a NUL character (\\u0000), which no field may hold.' }
  return { ok: true, value }
}

/** Whether any string (key or value) in parsed JSON holds U+0000. A loop, not recursion: nesting depth is the sender's choice. */
function hasNul(root: unknown): boolean {
  const stack: unknown[] = [root]
  while (stack.length) {
    const value = stack.pop()
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return true
    } else if (Array.isArray(value)) {
      for (const v of value) stack.push(v)
    }
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k.includes('\u0000')) return true
        stack.push(v)
      }
    }
  }
  return false
}

/** Parses a JSON body with a schema; answers 400 with the reasons when it does not fit. */
export async function body<S extends z.ZodType>(c: Context, schema: S): Promise<{ ok: true; value: z.infer<S> } | { ok: false; response: Response }> {
  const raw = await readJson(c)
  if (!raw.ok) return { ok: false, response: problem(c, 400, 'bad-request', raw.error) }
  const parsed = schema.safeParse(raw.value)
  if (!parsed.success) return { ok: false, response: problem(c, 400, 'bad-request', `Invalid request: ${describeIssues(parsed.error)}`) }
  return { ok: true, value: parsed.data }
}

/** An id from a URL: a well-formed UUID, or no such thing (answered with 404 before any query). */
export const isUuid = (value: string | undefined): value is string => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value ?? '')
