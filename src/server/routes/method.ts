/**
 * The region's method (docs/method.md): phones fetch the latest like the map (public: a definition
 * holds no personal data; ETag = the version, 304 when the phone has it) and each version they
 * lack for the migration chain; the programme office lists the history and publishes the next.
 */
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { compress } from 'hono/compress'
import { methodEtag } from '../../shared/api/method'
import { methodDefinitionSchema, type MethodDefinition } from '../../shared/method/definition'
import { issuePath, type Issue } from '../../shared/core/zodIssues'
import { currentUser, grants, requireRole, requireUser, type AppEnv } from '../auth/middleware'
import type { Database } from '../db/types'
import { latestVersion, methodHistory, methodVersion, publishMethod } from '../method/repository'
import { problem } from '../http/problem'
import { reply } from '../http/reply'
import { readJson } from '../http/request'

/**
 * A definition is larger than the API's other bodies (version 1 is about 27 KB of text in two
 * languages): the route takes up to this, the rest of the API stays at MAX_BODY_BYTES (app.ts).
 */
export const METHOD_MAX_BYTES = 512 * 1024
const PUBLISHER = 'programma'

/**
 * The schema's issues as lines a person can act on: "pathways.vg.steps.1.blocks.0.field.kind:
 * Invalid option: expected one of …". A block is a core part or a field (a union): Zod only says
 * "Invalid input" there, so the line comes from the option that fits best (fewest issues).
 */
export function plainIssues(issues: readonly Issue[], prefix: PropertyKey[] = []): string[] {
  return issues.flatMap((i) => {
    const path = [...prefix, ...i.path]
    if (i.code === 'invalid_union' && i.errors.length) {
      const closest = i.errors.reduce((best, option) => (option.length < best.length ? option : best))
      if (closest.length) return plainIssues(closest, path)
    }
    return [`${path.length ? issuePath({ path }) : '(definition)'}: ${i.message}`]
  })
}

const etagMatches = (header: string | undefined, etag: string) => !!header && header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)

/** `now`: the server's clock in ms (tests pass theirs); it sets publishedAt. */
export function methodRoutes(db: Database, now: () => number = Date.now) {
  const app = new Hono<AppEnv>()

  const definition = (c: Parameters<typeof reply>[0], route: 'GET /api/method' | 'GET /api/method/versions/:version', d: MethodDefinition) => {
    c.header('ETag', methodEtag(d.version))
    c.header('X-Method-Version', String(d.version))
    // Phones ask again each time and get 304 while nothing changed (like the social map).
    c.header('Cache-Control', 'no-cache')
    c.header('Vary', 'Accept-Encoding')
    return reply(c, route, d)
  }

  // gzip when the phone takes it (a version is about 27 KB of JSON, some 5 KB compressed).
  app.get('/', compress(), async (c) => {
    const latest = await latestVersion(db)
    if (etagMatches(c.req.header('If-None-Match'), methodEtag(latest))) {
      return c.body(null, 304, { ETag: methodEtag(latest), 'X-Method-Version': String(latest), 'Cache-Control': 'no-cache' })
    }
    const d = await methodVersion(db, latest)
    if (!d) return problem(c, 404, 'not-found', 'No method has been published.')
    return definition(c, 'GET /api/method', d)
  })

  app.get('/versions/:version', compress(), async (c) => {
    const raw = c.req.param('version')
    const d = /^[1-9][0-9]{0,5}$/.test(raw) ? await methodVersion(db, Number(raw)) : null
    if (!d) return problem(c, 404, 'not-found', 'No such method version.')
    return definition(c, 'GET /api/method/versions/:version', d)
  })

  app.get('/versions', requireUser(), requireRole(PUBLISHER), async (c) => {
    return reply(c, 'GET /api/method/versions', { versions: await methodHistory(db) })
  })

  app.post(
    '/',
    requireUser(),
    requireRole(PUBLISHER),
    bodyLimit({ maxSize: METHOD_MAX_BYTES, onError: (c) => problem(c, 413, 'too-large', `The method is larger than ${METHOD_MAX_BYTES / 1024} KB.`) }),
    async (c) => {
      const raw = await readJson(c)
      if (!raw.ok) return problem(c, 400, 'bad-request', raw.error)
      const at = new Date(now())
      // The server sets the moment of publishing; whatever the body says about it does not count.
      const body = raw.value && typeof raw.value === 'object' && !Array.isArray(raw.value) ? { ...raw.value, publishedAt: at.toISOString() } : raw.value
      const parsed = methodDefinitionSchema.safeParse(body)
      if (!parsed.success) {
        const problems = plainIssues(parsed.error.issues).slice(0, 50)
        return problem(c, 422, 'bad-request', `The method is not valid: ${problems.slice(0, 5).join('; ')}`, { problems })
      }
      const user = currentUser(c)
      const region = user.memberships.find((m) => grants(m, PUBLISHER))
      const result = await publishMethod(db, parsed.data, { userId: user.userId, organisationId: region?.organisationId ?? null }, at)
      if (!result.ok) {
        if (result.status === 409) return problem(c, 409, 'conflict', result.error, { latest: result.latest })
        return problem(c, 422, 'bad-request', result.error, { problems: result.problems })
      }
      return reply(c, 'POST /api/method', { version: result.version, publishedAt: result.publishedAt }, 201)
    },
  )

  return app
}
