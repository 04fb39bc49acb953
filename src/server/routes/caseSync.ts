/**
 * Case sync (issue 16; the contract is src/shared/api/caseSync.ts, the rules docs/case-sync.md,
 * "Server"). The server routes signed ciphertext between a worker's devices and never reads a
 * case: it checks shape, sender, signature, membership and order. Every route needs a session on
 * an approved device of a sociaal-werker, except the beheerder's export of the access log. A case
 * the user is no member of is answered 404, as if it did not exist.
 */
import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { z } from 'zod'
import { createDocSchema, userKeyBoxSchema, type CreateDoc } from '../../shared/api/caseSync'
import { caseSnapshotSchema, caseUpdateSchema, MAX_SNAPSHOT_CHARS } from '../../shared/caseSync/messages'
import { currentUser, grants, requireApprovedDevice, requireRole, requireUser, type AppEnv } from '../auth/middleware'
import type { Database } from '../db/types'
import { problem } from '../http/problem'
import { reply } from '../http/reply'
import { body, isUuid } from '../http/request'
import { accessLogOf, exportAccessLog, type Actor } from '../caseSync/access'
import { signedByDevice, userKeyBoxProblem, type Refusal } from '../caseSync/checks'
import { createDoc, IdTaken, storeSnapshot, storeUpdate, type Written } from '../caseSync/documents'
import { docsOf, isMember, pull } from '../caseSync/reads'
import { storeUserKeyBox, userKeyBoxesOf } from '../caseSync/userKeys'

/** A snapshot (up to MAX_SNAPSHOT_CHARS of base64) with its key box and JSON around it; the rest of the API stays at MAX_BODY_BYTES (app.ts). */
export const CASE_SYNC_MAX_BYTES = MAX_SNAPSHOT_CHARS + 64 * 1024

const seqText = z.string().regex(/^(0|[1-9][0-9]{0,14})$/, 'must be a sequence number')
const pullQuerySchema = z.object({ known: z.guid().optional(), after: seqText.optional() })
const day = z.iso.date().refine((d) => d >= '1900-01-01', 'too early')
const exportQuerySchema = z.object({ from: day, to: day, after: seqText.optional(), format: z.enum(['json', 'csv']).optional() }).refine((q) => q.from <= q.to, 'from must not be after to')

const refusal = (c: Context, r: Refusal) => problem(c, r.status, r.code, r.error)
const ID_REUSED = { ok: false, status: 409, code: 'id-reused', error: 'An id in it is taken by something else.' } as const

/** A write's answer; an id taken in the meantime (a unique key) is a refusal, not a crash. */
async function written<T>(write: () => Promise<Written<T>>): Promise<Written<T>> {
  try {
    return await write()
  } catch (e) {
    if (e instanceof IdTaken || (e as { code?: unknown }).code === '23505') return ID_REUSED
    throw e
  }
}
const failed = (c: Context, w: Extract<Written<unknown>, { ok: false }>) => problem(c, w.status, w.code, w.error, w.expected === undefined ? {} : { expected: w.expected })

/** Why a first snapshot and key box cannot make a case (null when they can). */
function firstProblem({ snapshot: s, keyBox: k }: CreateDoc, userId: string): string | null {
  if (k.docId !== s.docId) return 'The key box and the snapshot name different cases.'
  if (k.userId !== userId) return 'The first key box is for the one who makes the case.'
  if (k.keyGen !== 1 || s.keyGen !== 1) return 'A new case starts at key generation 1.'
  if (s.parentId !== null || s.parentHash !== null || Object.keys(s.clocks).length) return 'The first snapshot has no parent and no clocks.'
  return null
}

/** `now`: the server's clock in ms (tests pass theirs); it stamps the access log and the rows. */
export function caseSyncRoutes(db: Database, now: () => number = Date.now) {
  const app = new Hono<AppEnv>()
  app.use('*', requireUser())
  const onDevice = requireApprovedDevice('sociaal-werker')
  const large = bodyLimit({ maxSize: CASE_SYNC_MAX_BYTES, onError: (c) => problem(c, 413, 'too-large', `The body is larger than ${Math.round(CASE_SYNC_MAX_BYTES / 1024)} KB.`) })
  const actorOf = (c: Context<AppEnv>): Actor => {
    const user = currentUser(c)
    return { userId: user.userId, deviceId: user.device!.id, organisationId: user.device!.organisationId }
  }

  /**
   * NEN 7513 for a beheerder: the rows of their organisations' devices and cases, by region day.
   * JSON like every answer (the contract test reads it); `format=csv` gives the same rows as a file.
   */
  app.get('/access-log', requireRole('beheerder'), async (c) => {
    const q = exportQuerySchema.safeParse(c.req.query())
    if (!q.success) return problem(c, 400, 'bad-request', 'Give from and to as days (YYYY-MM-DD), from not after to.')
    const user = currentUser(c)
    const organisationIds = [...new Set(user.memberships.filter((m) => grants(m, 'beheerder')).map((m) => m.organisationId))]
    const page = await exportAccessLog(db, { userId: user.userId, organisationIds }, { from: q.data.from, to: q.data.to, after: Number(q.data.after ?? 0) })
    if (q.data.format === 'csv') {
      const lines = page.entries.map((e) => [e.id, e.at, e.userId ?? '', e.deviceId ?? '', e.docId, e.organisationId ?? '', e.action].join(','))
      return c.body(['id,at,user_id,device_id,case_id,organisation_id,action', ...lines].join('\n') + '\n', 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': 'attachment; filename="case-access-log.csv"',
        ...(page.next === null ? {} : { 'X-Next-After': String(page.next) }),
      })
    }
    return reply(c, 'GET /api/case-sync/access-log', page)
  })

  app.get('/user-keys', onDevice, async (c) => {
    const a = actorOf(c)
    return reply(c, 'GET /api/case-sync/user-keys', { boxes: await userKeyBoxesOf(db, a.userId, a.deviceId) })
  })

  app.post('/user-keys', onDevice, async (c) => {
    const b = await body(c, userKeyBoxSchema)
    if (!b.ok) return b.response
    const a = actorOf(c)
    const wrong = await userKeyBoxProblem(db, a.userId, a.deviceId, b.value)
    if (wrong) return refusal(c, wrong)
    const stored = await storeUserKeyBox(db, a.userId, a.organisationId, b.value, new Date(now()))
    return reply(c, 'POST /api/case-sync/user-keys', { duplicate: !stored }, stored ? 201 : 200)
  })

  app.get('/docs', onDevice, async (c) => {
    return reply(c, 'GET /api/case-sync/docs', { docs: await docsOf(db, actorOf(c)) })
  })

  app.post('/docs', onDevice, large, async (c) => {
    const b = await body(c, createDocSchema)
    if (!b.ok) return b.response
    const a = actorOf(c)
    const wrong = firstProblem(b.value, a.userId)
    if (wrong) return problem(c, 400, 'not-a-first-snapshot', wrong)
    const unsigned = await signedByDevice(db, a.deviceId, [b.value.snapshot, b.value.keyBox])
    if (unsigned) return refusal(c, unsigned)
    const w = await written(() => createDoc(db, b.value, a, new Date(now())))
    return w.ok ? reply(c, 'POST /api/case-sync/docs', w.value, w.status) : failed(c, w)
  })

  app.get('/docs/:docId', onDevice, async (c) => {
    const docId = c.req.param('docId')
    if (!isUuid(docId)) return problem(c, 404, 'not-found', 'No such case for you.')
    const q = pullQuerySchema.safeParse(c.req.query())
    if (!q.success) return problem(c, 400, 'bad-request', 'Give known as a snapshot id and after as a sequence number.')
    const found = await pull(db, docId, actorOf(c), q.data.known, Number(q.data.after ?? 0), new Date(now()))
    if (!found) return problem(c, 404, 'not-found', 'No such case for you.')
    return reply(c, 'GET /api/case-sync/docs/:docId', found)
  })

  for (const [kind, schema] of [
    ['updates', caseUpdateSchema],
    ['snapshots', caseSnapshotSchema],
  ] as const) {
    app.post(`/docs/:docId/${kind}`, onDevice, large, async (c) => {
      const docId = c.req.param('docId')
      if (!isUuid(docId)) return problem(c, 404, 'not-found', 'No such case for you.')
      const b = await body(c, schema)
      if (!b.ok) return b.response
      if (b.value.docId !== docId) return problem(c, 400, 'doc-mismatch', 'The case in the address and in the body differ.')
      const a = actorOf(c)
      const unsigned = await signedByDevice(db, a.deviceId, [b.value])
      if (unsigned) return refusal(c, unsigned)
      const at = new Date(now())
      if ('clock' in b.value) {
        const u = b.value
        const w = await written(() => storeUpdate(db, u, a, at))
        return w.ok ? reply(c, 'POST /api/case-sync/docs/:docId/updates', w.value, w.status) : failed(c, w)
      }
      const s = b.value
      const w = await written(() => storeSnapshot(db, s, a, at))
      return w.ok ? reply(c, 'POST /api/case-sync/docs/:docId/snapshots', w.value, w.status) : failed(c, w)
    })
  }

  app.get('/docs/:docId/access-log', onDevice, async (c) => {
    const docId = c.req.param('docId')
    if (!isUuid(docId) || !(await isMember(db, docId, actorOf(c)))) return problem(c, 404, 'not-found', 'No such case for you.')
    return reply(c, 'GET /api/case-sync/docs/:docId/access-log', { entries: await accessLogOf(db, docId) })
  })

  return app
}
