/**
 * The contract between server and app (issue 12): every 2xx answer must fit the shared response
 * schema of its route (src/shared/api/index.ts), the one the app reads it with. A field the
 * schema lacks counts too (the app would silently drop it), and so does a route without a schema.
 * The authorisation matrix calls this for every answer it receives.
 */
import type { z } from 'zod'
import { RESPONSES } from '../../src/shared/api'
import { describeIssues } from '../../src/shared/core/zodIssues'

const schemas: Record<string, z.ZodType> = RESPONSES

/** The routes that have a response schema: the matrix compares them with the server's routes. */
export const routesWithSchema = (): string[] => Object.keys(schemas)

/** Paths of fields in `raw` that the parsed value lost: what the schema does not describe. */
function undescribed(raw: unknown, parsed: unknown, path: string): string[] {
  if (Array.isArray(raw) && Array.isArray(parsed)) return raw.flatMap((r, i) => undescribed(r, parsed[i], `${path}[${i}]`))
  if (!raw || typeof raw !== 'object' || !parsed || typeof parsed !== 'object') return []
  const kept = parsed as Record<string, unknown>
  return Object.entries(raw).flatMap(([k, v]) => (k in kept ? undescribed(v, kept[k], `${path}.${k}`) : [`${path}.${k}`]))
}

/**
 * Why the answer breaks the contract of `route` (`METHOD /path` as the server names it), or null
 * when it keeps it. Reads a clone: the caller may still read the body.
 */
export async function contractProblem(route: string, res: Response): Promise<string | null> {
  if (res.status < 200 || res.status > 299) return null
  const schema = schemas[route]
  if (!schema) return `${route}: no response schema in src/shared/api/index.ts`
  const text = await res.clone().text()
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return `${route}: the ${res.status} answer is not JSON`
  }
  const parsed = schema.safeParse(body)
  if (!parsed.success) return `${route}: ${describeIssues(parsed.error)}`
  const extra = undescribed(body, parsed.data, '')
  return extra.length ? `${route}: fields the schema does not describe: ${extra.slice(0, 5).join(', ')}` : null
}
