/**
 * The quick room update (docs/hsds-extensions.md, "Room"): how many places a listing has free,
 * from a phone, in one small request. The region's kaartbeheerder may for every listing; members
 * of the organisation that owns it may when they run it or lead its team (ROOM_OWNER_ROLES in
 * src/shared/socialMap/room.ts). The server stamps `updated`; the change goes through applyChange,
 * so it is versioned, audited and published as a new map version like any edit.
 */
import { randomUUID } from 'node:crypto'
import { Hono } from 'hono'
import { roomUpdateSchema } from '../../shared/api/mapRoom'
import { serviceSchema, type Service, type ServiceCapacity } from '../../shared/socialMap/hsds'
import { DEFAULT_ROOM_UNIT, DEFAULT_ROOM_UNIT_ID, mayUpdateRoom, roomOf } from '../../shared/socialMap/room'
import { currentUser, requireUser, type AppEnv } from '../auth/middleware'
import type { Database } from '../db/types'
import { applyChange } from '../socialMap/editing'
import { problem } from '../http/problem'
import { reply } from '../http/reply'
import { body, isUuid } from '../http/request'

type Outcome = { ok: true; mapVersion: number; capacity: ServiceCapacity } | { ok: false; status: 403 | 404 | 409; code: string; error: string }

/** `now`: the server's clock in ms (tests pass theirs); it stamps `updated`. */
export function mapRoomRoutes(db: Database, now: () => number = Date.now) {
  const app = new Hono<AppEnv>()
  app.use('*', requireUser())

  app.put('/services/:id/room', async (c) => {
    const id = c.req.param('id')
    if (!isUuid(id)) return problem(c, 404, 'not-found', 'No such listing.')
    const user = currentUser(c)
    // Who may is known from the stored owner, so the body is read only after the listing was found.
    const found = await db.query<{ owner_organisation_id: string | null }>('SELECT owner_organisation_id FROM services WHERE id = $1', [id])
    if (!found.rows[0]) return problem(c, 404, 'not-found', 'No such listing.')
    if (!mayUpdateRoom(user.memberships, found.rows[0].owner_organisation_id)) {
      return problem(c, 403, 'forbidden', "Only the map's editors and the team of the organisation that owns this listing may update its room.")
    }
    const b = await body(c, roomUpdateSchema)
    if (!b.ok) return b.response

    const outcome = await db.transaction(async (tx): Promise<Outcome> => {
      // Read again under a row lock: an edit at the same moment is neither lost nor mixed in halfway.
      const { rows } = await tx.query<{ doc: Service; owner_organisation_id: string | null }>('SELECT doc, owner_organisation_id FROM services WHERE id = $1 FOR UPDATE', [id])
      const row = rows[0]
      if (!row) return { ok: false, status: 404, code: 'not-found', error: 'No such listing.' }
      if (!mayUpdateRoom(user.memberships, row.owner_organisation_id)) return { ok: false, status: 403, code: 'forbidden', error: 'The listing changed hands.' }
      if (row.doc.status === 'defunct') return { ok: false, status: 409, code: 'retired', error: 'This listing was retired; it has no room to update.' }
      const previous = roomOf(row.doc)
      const { available, maximum, unit, description } = b.value
      const keptMaximum = maximum === undefined ? previous?.maximum : (maximum ?? undefined)
      if (keptMaximum !== undefined && available > keptMaximum) {
        return { ok: false, status: 409, code: 'conflict', error: `available (${available}) is more than the stored maximum (${keptMaximum}); send the maximum too.` }
      }
      const keptDescription = description === undefined ? previous?.description : description || undefined
      const newUnit = unit !== undefined && unit !== previous?.unit.name ? { id: randomUUID(), name: unit } : undefined
      const capacity: ServiceCapacity = {
        ...previous,
        id: previous?.id ?? randomUUID(),
        unit: newUnit ?? previous?.unit ?? { id: DEFAULT_ROOM_UNIT_ID, name: DEFAULT_ROOM_UNIT },
        available,
        updated: new Date(now()).toISOString(),
      }
      if (keptMaximum !== undefined) capacity.maximum = keptMaximum
      else delete capacity.maximum
      if (keptDescription !== undefined) capacity.description = keptDescription
      else delete capacity.description
      // A new unit is a new entity: the old one's id no longer names it.
      if (newUnit) delete capacity.unit_id
      const next = serviceSchema.safeParse({ ...row.doc, capacities: [capacity, ...(row.doc.capacities ?? []).slice(1)] })
      if (!next.success) return { ok: false, status: 409, code: 'conflict', error: 'The stored listing no longer passes the schema; an editor must correct it first.' }
      const mapVersion = await applyChange(tx, next.data, 'room', user.userId)
      return { ok: true, mapVersion, capacity }
    })
    if (!outcome.ok) return problem(c, outcome.status, outcome.code, outcome.error)
    return reply(c, 'PUT /api/map/services/:id/room', { id, mapVersion: outcome.mapVersion, capacity: outcome.capacity })
  })

  return app
}
