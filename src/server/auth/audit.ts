/** NEN 7513 audit trail: who did what on which record. Ids and actions only, never content. */
import type { Queryable } from '../db/types'

export interface AuditEntry {
  actorId: string | null
  organisationId?: string | null
  action: string
  entity: string
  entityId?: string | null
}

export async function audit(db: Queryable, e: AuditEntry): Promise<void> {
  await db.query('INSERT INTO audit_log (actor_id, organisation_id, action, entity, entity_id) VALUES ($1, $2, $3, $4, $5)', [
    e.actorId,
    e.organisationId ?? null,
    e.action,
    e.entity,
    e.entityId ?? null,
  ])
}
