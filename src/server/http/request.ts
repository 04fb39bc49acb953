import type { Context } from 'hono'

/** Reads a JSON body without throwing: a readable reason instead of a stack trace. */
export async function readJson(c: Context): Promise<{ ok: true; value: unknown } | { ok: false; error: string }> {
  if (!/^application\/json\b/.test(c.req.header('Content-Type') ?? '')) return { ok: false, error: 'Send the body as JSON (Content-Type: application/json).' }
  try {
    return { ok: true, value: await c.req.json() }
  } catch {
    return { ok: false, error: 'The body is not valid JSON.' }
  }
}

/** An id from a URL: a well-formed UUID, or no such thing (answered with 404 before any query). */
export const isUuid = (value: string | undefined): value is string => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value ?? '')
