/**
 * A success reply typed with the shared response schema of its route (src/shared/api/index.ts),
 * the one the app reads it with: a field the app expects and the route leaves out, or one of the
 * wrong type, is a type error here; the contract test (test/server/contract.ts) checks the
 * running server as well. Error replies go through problem.ts.
 */
import type { Context } from 'hono'
import type { z } from 'zod'
import type { RESPONSES, Route } from '../../shared/api'

/**
 * Literal types widened to their base type, arrays read-only: the database hands enum columns
 * (a role, a status) back as plain text, so here the names, shapes and base types of the fields
 * are checked; their values are checked on the running server by the contract test.
 */
type Widened<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T extends readonly (infer U)[]
        ? readonly Widened<U>[]
        : T extends object
          ? { [K in keyof T]: Widened<T[K]> }
          : T

/** What a route sends: the input side of its schema (before the app parses it), widened. */
export type Sent<R extends Route> = Widened<z.input<(typeof RESPONSES)[R]>>

/** `c.json(value, status)` for `route` ('GET /api/auth/me', as the server names the route). */
export function reply<R extends Route>(c: Context, _route: R, value: Sent<R>, status: 200 | 201 = 200) {
  return c.json(value, status)
}
