/**
 * The social map's editors. A kaartbeheerder creates, edits, retires and verifies listings
 * and resolves residents' reports; members of the organisation that owns a listing may
 * propose changes, which a kaartbeheerder accepts or rejects with a reason.
 */
import { randomUUID } from 'node:crypto'
import { Hono } from 'hono'
import { z } from 'zod'
import { reasonSchema, resolutionSchema } from '../../shared/accounts/schemas'
import { serviceSchema, type Service } from '../../shared/socialMap/hsds'
import { localMoment } from '../../shared/core/clock'
import { audit } from '../auth/audit'
import { currentUser, grants, requireRole, requireUser, type AppEnv } from '../auth/middleware'
import type { Database } from '../db/types'
import { applyChange, serviceById } from '../socialMap/editing'
import { problem } from '../http/problem'
import { reply } from '../http/reply'
import { body, isUuid } from '../http/request'

const editSchema = z.strictObject({ service: serviceSchema, ownerOrganisationId: z.guid().nullable().optional() })
const proposalSchema = z.strictObject({ service: serviceSchema })
const EDITOR = 'kaartbeheerder'

export function mapEditorRoutes(db: Database) {
  const app = new Hono<AppEnv>()
  app.use('*', requireUser())
  const editor = requireRole(EDITOR)
  const today = () => localMoment(new Date()).date

  app.get('/services', editor, async (c) => {
    const { rows } = await db.query<{ id: string; name: string; status: string; assured_date: string | null; city: string | null }>(
      `SELECT id, doc->>'name' AS name, status, doc->>'assured_date' AS assured_date,
              doc#>>'{service_at_locations,0,location,addresses,0,city}' AS city
       FROM services ORDER BY doc->>'name'`,
    )
    return reply(c, 'GET /api/map/services', { services: rows.map((r) => ({ id: r.id, name: r.name, status: r.status, assuredDate: r.assured_date, village: r.city })) })
  })

  app.get('/organisations', editor, async (c) => {
    const { rows } = await db.query<{ id: string; name: string }>('SELECT id, name FROM organisations ORDER BY name')
    return reply(c, 'GET /api/map/organisations', { organisations: rows })
  })

  /** The listings owned by the caller's organisations: what they may propose changes to. */
  app.get('/own-services', async (c) => {
    const orgs = currentUser(c).memberships.map((m) => m.organisationId)
    const { rows } = await db.query<{ doc: Service }>(`SELECT doc FROM services WHERE owner_organisation_id = ANY($1::uuid[]) AND status <> 'defunct' ORDER BY doc->>'name'`, [orgs])
    return reply(c, 'GET /api/map/own-services', { services: rows.map((r) => r.doc) })
  })

  app.get('/services/:id', editor, async (c) => {
    const id = c.req.param('id')
    const found = isUuid(id) ? await serviceById(db, id) : null
    if (!found) return problem(c, 404, 'not-found', 'No such listing.')
    return reply(c, 'GET /api/map/services/:id', { service: found.doc, ownerOrganisationId: found.owner })
  })

  app.post('/services', editor, async (c) => {
    const b = await body(c, editSchema)
    if (!b.ok) return b.response
    if (await serviceById(db, b.value.service.id)) return problem(c, 409, 'exists', 'A listing with this id exists already.')
    const version = await db.transaction((tx) => applyChange(tx, b.value.service, 'create', currentUser(c).userId, b.value.ownerOrganisationId ?? null))
    return reply(c, 'POST /api/map/services', { id: b.value.service.id, mapVersion: version }, 201)
  })

  app.put('/services/:id', editor, async (c) => {
    const b = await body(c, editSchema)
    if (!b.ok) return b.response
    if (b.value.service.id !== c.req.param('id')) return problem(c, 400, 'bad-request', 'The id in the body differs from the address.')
    if (!(await serviceById(db, c.req.param('id')))) return problem(c, 404, 'not-found', 'No such listing.')
    const version = await db.transaction((tx) => applyChange(tx, b.value.service, 'edit', currentUser(c).userId, b.value.ownerOrganisationId))
    return reply(c, 'PUT /api/map/services/:id', { id: b.value.service.id, mapVersion: version })
  })

  for (const action of ['retire', 'verify'] as const) {
    app.post(`/services/:id/${action}`, editor, async (c) => {
      const id = c.req.param('id')
      const current = isUuid(id) ? await serviceById(db, id) : null
      if (!current) return problem(c, 404, 'not-found', 'No such listing.')
      const next: Service = action === 'retire' ? { ...current.doc, status: 'defunct' } : { ...current.doc, assured_date: today() }
      const version = await db.transaction((tx) => applyChange(tx, next, action, currentUser(c).userId))
      return reply(c, action === 'verify' ? 'POST /api/map/services/:id/verify' : 'POST /api/map/services/:id/retire', { id, mapVersion: version, ...(action === 'verify' ? { assuredDate: next.assured_date } : {}) })
    })
  }

  app.get('/services/:id/versions', editor, async (c) => {
    const id = c.req.param('id')
    if (!isUuid(id)) return problem(c, 404, 'not-found', 'No such listing.')
    const { rows } = await db.query<{ id: string; change: string; changed_at: Date; changed_by: string | null; name: string | null; doc: Service }>(
      `SELECT v.id::text, v.change, v.changed_at, v.changed_by, u.name, v.doc FROM service_versions v LEFT JOIN users u ON u.id = v.changed_by
       WHERE v.service_id = $1 ORDER BY v.id DESC`,
      [id],
    )
    return reply(c, 'GET /api/map/services/:id/versions', { versions: rows.map((r) => ({ id: r.id, change: r.change, changedAt: new Date(r.changed_at).toISOString(), changedBy: r.name, service: r.doc })) })
  })

  app.get('/reports', editor, async (c) => {
    const status = c.req.query('status') === 'resolved' ? 'resolved' : 'open'
    // Newest first, so a flood of old spam cannot hide today's real report; the total says how many wait.
    const { rows } = await db.query<{ id: string; service_id: string; message: string; contact: string | null; received_at: Date; name: string | null; resolution: string | null }>(
      `SELECT r.id, r.service_id, r.message, r.contact, r.received_at, s.doc->>'name' AS name, r.resolution
       FROM listing_reports r LEFT JOIN services s ON s.id = r.service_id WHERE r.status = $1 ORDER BY r.received_at DESC, r.id LIMIT 500`,
      [status],
    )
    const total = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM listing_reports WHERE status = $1', [status])
    await audit(db, { actorId: currentUser(c).userId, action: 'read-reports', entity: 'listing_report' })
    return reply(c, 'GET /api/map/reports', {
      total: total.rows[0]!.n,
      reports: rows.map((r) => ({ id: r.id, serviceId: r.service_id, serviceName: r.name, message: r.message, contact: r.contact, receivedAt: new Date(r.received_at).toISOString(), resolution: r.resolution })),
    })
  })

  app.post('/reports/:id/resolve', editor, async (c) => {
    const b = await body(c, resolutionSchema)
    if (!b.ok) return b.response
    const id = c.req.param('id')
    const actor = currentUser(c).userId
    const { rows } = isUuid(id)
      ? await db.query(`UPDATE listing_reports SET status = 'resolved', resolution = $2, resolved_by = $3, resolved_at = now() WHERE id = $1 AND status = 'open' RETURNING id`, [id, b.value.resolution, actor])
      : { rows: [] }
    if (!rows.length) return problem(c, 404, 'not-found', 'No open report with this id.')
    await audit(db, { actorId: actor, action: 'resolve', entity: 'listing_report', entityId: id })
    return reply(c, 'POST /api/map/reports/:id/resolve', { id, status: 'resolved' })
  })

  app.post('/proposals', async (c) => {
    const b = await body(c, proposalSchema)
    if (!b.ok) return b.response
    const user = currentUser(c)
    const current = await serviceById(db, b.value.service.id)
    if (!current) return problem(c, 404, 'not-found', 'No such listing.')
    if (!current.owner || !user.memberships.some((m) => m.organisationId === current.owner)) {
      return problem(c, 403, 'forbidden', 'Only members of the organisation that owns this listing may propose changes.')
    }
    const id = randomUUID()
    await db.query('INSERT INTO proposals (id, service_id, organisation_id, proposed_by, doc) VALUES ($1, $2, $3, $4, $5::jsonb)', [id, current.doc.id, current.owner, user.userId, JSON.stringify(b.value.service)])
    await audit(db, { actorId: user.userId, organisationId: current.owner, action: 'propose', entity: 'service', entityId: current.doc.id })
    return reply(c, 'POST /api/map/proposals', { id, status: 'open' }, 201)
  })

  app.get('/proposals', async (c) => {
    const user = currentUser(c)
    const isEditor = user.memberships.some((m) => grants(m, EDITOR))
    const orgs = user.memberships.map((m) => m.organisationId)
    const { rows } = await db.query<{ id: string; service_id: string; organisation_id: string; status: string; reason: string | null; created_at: Date; doc: Service; name: string }>(
      `SELECT p.id, p.service_id, p.organisation_id, p.status, p.reason, p.created_at, p.doc, u.name FROM proposals p JOIN users u ON u.id = p.proposed_by
       WHERE ($1::boolean OR p.organisation_id = ANY($2::uuid[])) ORDER BY p.created_at DESC LIMIT 500`,
      [isEditor, orgs],
    )
    return reply(c, 'GET /api/map/proposals', { proposals: rows.map((r) => ({ id: r.id, serviceId: r.service_id, organisationId: r.organisation_id, status: r.status, reason: r.reason, createdAt: new Date(r.created_at).toISOString(), proposedBy: r.name, service: r.doc })) })
  })

  app.post('/proposals/:id/accept', editor, async (c) => {
    const id = c.req.param('id')
    const actor = currentUser(c).userId
    const result = await db.transaction(async (tx) => {
      const { rows } = isUuid(id)
        ? await tx.query<{ doc: Service }>(`UPDATE proposals SET status = 'accepted', decided_by = $2, decided_at = now() WHERE id = $1 AND status = 'open' RETURNING doc`, [id, actor])
        : { rows: [] }
      if (!rows.length) return null
      // Stored before, validated again: the schema may have grown stricter since.
      const parsed = serviceSchema.safeParse(rows[0]!.doc)
      if (!parsed.success) throw new Error('stored proposal no longer valid')
      return applyChange(tx, parsed.data, 'accept-proposal', actor)
    })
    if (result === null) return problem(c, 404, 'not-found', 'No open proposal with this id.')
    return reply(c, 'POST /api/map/proposals/:id/accept', { id, status: 'accepted', mapVersion: result })
  })

  app.post('/proposals/:id/reject', editor, async (c) => {
    const b = await body(c, reasonSchema)
    if (!b.ok) return b.response
    const id = c.req.param('id')
    const actor = currentUser(c).userId
    const { rows } = isUuid(id)
      ? await db.query(`UPDATE proposals SET status = 'rejected', reason = $2, decided_by = $3, decided_at = now() WHERE id = $1 AND status = 'open' RETURNING id`, [id, b.value.reason, actor])
      : { rows: [] }
    if (!rows.length) return problem(c, 404, 'not-found', 'No open proposal with this id.')
    await audit(db, { actorId: actor, action: 'reject-proposal', entity: 'proposal', entityId: id })
    return reply(c, 'POST /api/map/proposals/:id/reject', { id, status: 'rejected' })
  })

  return app
}
