/**
 * The professional API seen from the app: same-origin JSON with the session cookie and the
 * CSRF token, answers checked with Zod, failures turned into an ApiError with a code the UI
 * translates.
 */
import { z } from 'zod'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message)
  }
}

let csrfToken = ''
export function setCsrfToken(token: string) {
  csrfToken = token
}

const errorSchema = z.object({ error: z.string(), code: z.string().optional(), retryAfter: z.number().optional() })

export async function api<S extends z.ZodType>(method: string, path: string, schema: S, body?: unknown): Promise<z.infer<S>> {
  let res: Response
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...(method !== 'GET' && csrfToken ? { 'X-CSRF-Token': csrfToken } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })
  } catch {
    throw new ApiError(0, 'offline', 'No connection')
  }
  const data: unknown = await res.json().catch(() => undefined)
  if (!res.ok) {
    const e = errorSchema.safeParse(data)
    throw new ApiError(res.status, e.success ? (e.data.code ?? String(res.status)) : String(res.status), e.success ? e.data.error : `HTTP ${res.status}`, e.success ? e.data.retryAfter : undefined)
  }
  const parsed = schema.safeParse(data)
  if (!parsed.success) throw new ApiError(res.status, 'bad-answer', 'Unexpected answer from the server')
  return parsed.data
}

/** isRegion: the region's own organisation (the programme office), where region-wide roles live. */
export const membershipSchema = z.object({
  organisationId: z.string(),
  organisationName: z.string(),
  role: z.enum(['huisarts', 'sociaal-werker', 'kaartbeheerder', 'programma', 'beheerder']),
  isRegion: z.boolean(),
})
export const meSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  secondFactor: z.boolean(),
  totpEnabled: z.boolean(),
  /** The organisation that made the account; it (or the region) may lock or reset it. */
  homeOrganisationId: z.string().nullable().optional(),
  memberships: z.array(membershipSchema),
  csrfToken: z.string(),
  /** The device this session is bound to (docs/device-trust.md); an older server leaves it out. */
  device: z.object({ id: z.string(), organisationId: z.string(), status: z.enum(['pending', 'approved', 'revoked']) }).nullable().optional(),
})
export type Me = z.infer<typeof meSchema>
export const okSchema = z.object({}).loose()
