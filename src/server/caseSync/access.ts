/**
 * Who did what with a case (NEN 7513; docs/case-sync.md, "Server"): one row per create, fetch,
 * update and snapshot (later share, handover, remove, recover) with the user, the device, the
 * case's random id, the device's organisation, the action and the server's time. Ids only.
 */
import { ACCESS_EXPORT_PAGE, type AccessLogEntry } from '../../shared/api/caseSync'
import { TIME_ZONE } from '../../shared/core/clock'
import { audit } from '../auth/audit'
import type { Queryable } from '../db/types'

export type AccessAction = AccessLogEntry['action']

/** The person and device a request runs for (a session bound to an approved device). */
export interface Actor {
  userId: string
  deviceId: string
  organisationId: string
}

export async function logAccess(db: Queryable, actor: Actor, documentId: string, action: AccessAction, at: Date): Promise<void> {
  await db.query('INSERT INTO case_access_log (at, user_id, device_id, document_id, organisation_id, action) VALUES ($1, $2, $3, $4, $5, $6)', [
    at,
    actor.userId,
    actor.deviceId,
    documentId,
    actor.organisationId,
    action,
  ])
}

interface LogRow {
  id: string
  at: Date | string
  user_id: string | null
  user_name: string | null
  device_id: string | null
  document_id: string
  organisation_id: string | null
  action: AccessAction
}
const SELECT_ROWS = `SELECT l.id::text AS id, l.at, l.user_id, u.name AS user_name, l.device_id, l.document_id, l.organisation_id, l.action
  FROM case_access_log l LEFT JOIN users u ON u.id = l.user_id`
const entry = (r: LogRow) => ({ at: new Date(r.at).toISOString(), userId: r.user_id, userName: r.user_name, deviceId: r.device_id, docId: r.document_id, action: r.action })

/** The newest rows of one case (its members see them on the device). */
export async function accessLogOf(db: Queryable, documentId: string, limit = 1000) {
  const { rows } = await db.query<LogRow>(`${SELECT_ROWS} WHERE l.document_id = $1 ORDER BY l.id DESC LIMIT $2`, [documentId, limit])
  return rows.map(entry)
}

/**
 * A beheerder's export: the rows of their organisations' devices and of the cases their
 * organisations hold, between two region days (inclusive), in pages after a row id. Reading it is
 * itself audited.
 */
export async function exportAccessLog(db: Queryable, reader: { userId: string; organisationIds: string[] }, range: { from: string; to: string; after: number }) {
  const { rows } = await db.query<LogRow>(
    `${SELECT_ROWS}
     WHERE (l.organisation_id = ANY($1::uuid[]) OR l.document_id IN (SELECT id FROM sync_documents WHERE organisation_id = ANY($1::uuid[])))
       AND l.at >= ($2::date)::timestamp AT TIME ZONE '${TIME_ZONE}'
       AND l.at < ($3::date + 1)::timestamp AT TIME ZONE '${TIME_ZONE}'
       AND l.id > $4
     ORDER BY l.id LIMIT $5`,
    [reader.organisationIds, range.from, range.to, range.after, ACCESS_EXPORT_PAGE + 1],
  )
  for (const organisationId of reader.organisationIds) {
    await audit(db, { actorId: reader.userId, organisationId, action: 'read-case-access-log', entity: 'case_access_log' })
  }
  const page = rows.slice(0, ACCESS_EXPORT_PAGE)
  return {
    entries: page.map((r) => ({ id: Number(r.id), ...entry(r), organisationId: r.organisation_id })),
    next: rows.length > ACCESS_EXPORT_PAGE ? Number(page.at(-1)!.id) : null,
  }
}
