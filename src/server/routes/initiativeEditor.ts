/**
 * The region's map editors read residents' proposed initiatives and accept them (they become a
 * listing marked as burgerinitiatief) or reject them with a reason (docs/initiatives.md).
 */
import { randomUUID } from 'node:crypto'
import { Hono } from 'hono'
import { reasonSchema } from '../../shared/accounts/schemas'
import { localMoment } from '../../shared/core/clock'
import { initiativeProposalSchema, initiativeToService, type InitiativeProposal } from '../../shared/socialMap/initiative'
import { audit } from '../auth/audit'
import { currentUser, requireRole, requireUser, type AppEnv } from '../auth/middleware'
import type { Database } from '../db/types'
import { applyChange, serviceById } from '../socialMap/editing'
import { problem } from '../http/problem'
import { reply } from '../http/reply'
import { body, isUuid } from '../http/request'

class Refusal extends Error {
  constructor(
    readonly status: 404 | 409,
    readonly code: string,
  ) {
    super(code)
  }
}

export function initiativeEditorRoutes(db: Database, now: () => number) {
  const app = new Hono<AppEnv>()
  app.use('/initiatives/*', requireUser(), requireRole('kaartbeheerder'))
  app.use('/initiatives', requireUser(), requireRole('kaartbeheerder'))

  app.get('/initiatives', async (c) => {
    const status = c.req.query('status') === 'decided' ? 'decided' : 'open'
    const { rows } = await db.query<{ id: string; name: string; doc: unknown; status: string; reason: string | null; received_at: Date; decided_at: Date | null }>(
      `SELECT id, name, doc, status, reason, received_at, decided_at FROM initiative_proposals
       WHERE ${status === 'open' ? `status = 'open'` : `status <> 'open'`} ORDER BY received_at DESC, id LIMIT 500`,
    )
    const total = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM initiative_proposals WHERE ${status === 'open' ? `status = 'open'` : `status <> 'open'`}`)
    await audit(db, { actorId: currentUser(c).userId, action: 'read-initiatives', entity: 'initiative_proposal' })
    return reply(c, 'GET /api/map/initiatives', {
      total: total.rows[0]!.n,
      initiatives: rows.map((r) => {
        // A stored record is an input like any other: one that no longer fits is shown as such, not trusted.
        const proposal = r.doc === null ? null : initiativeProposalSchema.safeParse(r.doc)
        return {
          id: r.id,
          name: r.name,
          status: r.status,
          reason: r.reason,
          receivedAt: new Date(r.received_at).toISOString(),
          decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
          proposal: proposal?.success ? proposal.data : null,
          unreadable: proposal !== null && !proposal.success,
        }
      }),
    })
  })

  app.post('/initiatives/:id/accept', async (c) => {
    const id = c.req.param('id')
    if (!isUuid(id)) return problem(c, 404, 'not-found', 'No open proposal with this id.')
    const actor = currentUser(c).userId
    try {
      const version = await db.transaction(async (tx) => {
        const { rows } = await tx.query<{ doc: unknown }>(`SELECT doc FROM initiative_proposals WHERE id = $1 AND status = 'open' FOR UPDATE`, [id])
        if (!rows.length) throw new Refusal(404, 'not-found')
        const parsed = initiativeProposalSchema.safeParse(rows[0]!.doc)
        if (!parsed.success) throw new Refusal(409, 'unreadable')
        if (await serviceById(tx, id)) throw new Refusal(409, 'exists')
        const proposal: InitiativeProposal = parsed.data
        const service = initiativeToService(proposal, randomUUID, localMoment(new Date(now())).date)
        // The listing now holds what is published; the proposal's own copy of the resident's details goes.
        await tx.query(`UPDATE initiative_proposals SET status = 'accepted', doc = NULL, decided_by = $2, decided_at = $3 WHERE id = $1`, [id, actor, new Date(now())])
        return applyChange(tx, service, 'accept-initiative', actor, null)
      })
      return reply(c, 'POST /api/map/initiatives/:id/accept', { id, status: 'accepted', serviceId: id, mapVersion: version })
    } catch (e) {
      if (!(e instanceof Refusal)) throw e
      if (e.code === 'not-found') return problem(c, 404, 'not-found', 'No open proposal with this id.')
      if (e.code === 'exists') return problem(c, 409, 'exists', 'A listing with this id exists already.')
      return problem(c, 409, 'unreadable', 'The stored proposal no longer passes the check; reject it with a reason.')
    }
  })

  app.post('/initiatives/:id/reject', async (c) => {
    const b = await body(c, reasonSchema)
    if (!b.ok) return b.response
    const id = c.req.param('id')
    const actor = currentUser(c).userId
    // Rejected: the resident's details go; the name and the reason stay for the editors' history.
    const { rows } = isUuid(id)
      ? await db.query(`UPDATE initiative_proposals SET status = 'rejected', doc = NULL, reason = $2, decided_by = $3, decided_at = $4 WHERE id = $1 AND status = 'open' RETURNING id`, [
          id,
          b.value.reason,
          actor,
          new Date(now()),
        ])
      : { rows: [] }
    if (!rows.length) return problem(c, 404, 'not-found', 'No open proposal with this id.')
    await audit(db, { actorId: actor, action: 'reject-initiative', entity: 'initiative_proposal', entityId: id })
    return reply(c, 'POST /api/map/initiatives/:id/reject', { id, status: 'rejected' })
  })
  return app
}
