/**
 * What the shared samenwerkplan's rules have in common (docs/shared-plan.md "Server"; the contract
 * is src/shared/api/plans.ts): the answer type, one transaction per write in which every refusal
 * rolls back what was written before it, the plan's binding to one case, and who counts as acting
 * for an organisation.
 */
import type { Database, Queryable } from '../db/types'
import { ACTING_ON_ITS_DEVICE } from '../caseSync/documents'
import type { Actor } from '../caseSync/access'

export type { Actor }

export type PlanRefusal = { ok: false; status: 400 | 403 | 404 | 409 | 429; code: string; error: string; current?: number }
export type PlanResult<T> = { ok: true; status: 200 | 201; value: T } | PlanRefusal

export const planRefusal = (status: PlanRefusal['status'], code: string, error: string, extra: { current?: number } = {}): PlanRefusal => ({ ok: false, status, code, error, ...extra })
export const ok = <T>(value: T, status: 200 | 201 = 200): PlanResult<T> => ({ ok: true, status, value })

/** No such case (or plan) for this person: the same answer as the case routes give. */
export const NOT_FOUND = planRefusal(404, 'not-found', 'No such case or plan for you.')
/** The largest number an integer column holds: a version or key generation above it is refused, not a database error. */
export const MAX_INT = 2_147_483_647

export const NOT_LEAD = planRefusal(403, 'not-lead', 'Only the lead of the case (casusregisseur) may do this.')

class Refused extends Error {
  constructor(readonly refusal: PlanRefusal) {
    super(refusal.code)
  }
}

/**
 * One transaction; a refusal returned by `fn` rolls it back, so a refused request writes nothing
 * whatever it wrote before it found out (the fuzz checks every table).
 */
export async function write<T>(db: Database, fn: (tx: Queryable) => Promise<PlanResult<T>>): Promise<PlanResult<T>> {
  try {
    return await db.transaction(async (tx) => {
      const r = await fn(tx)
      if (!r.ok) throw new Refused(r)
      return r
    })
  } catch (e) {
    if (e instanceof Refused) return e.refusal
    throw e
  }
}

/**
 * A participant acts for an organisation only while they are a huisarts or sociaal-werker there
 * (`alias`: the table with `user_id` and `organisation_id`).
 */
export const ACTING_PARTICIPANT = (alias: string) =>
  `EXISTS (SELECT 1 FROM memberships pm WHERE pm.user_id = ${alias}.user_id AND pm.organisation_id = ${alias}.organisation_id AND pm.role IN ('huisarts', 'sociaal-werker'))`

/** The session's role on the case, while they act for their organisation on a device of it (src/server/caseSync/documents.ts). */
export async function caseRole(db: Queryable, docId: string, actor: Pick<Actor, 'userId' | 'organisationId'>): Promise<'lead' | 'member' | undefined> {
  const { rows } = await db.query<{ role: 'lead' | 'member' }>(`SELECT m.role FROM sync_members m WHERE m.document_id = $1 AND m.user_id = $2 AND ${ACTING_ON_ITS_DEVICE('$3')}`, [docId, actor.userId, actor.organisationId])
  return rows[0]?.role
}

export interface PlanRow {
  document_id: string
  version: number
}

/** The plan's row (locked as asked); `elsewhere` when it is bound to another case. */
export async function planOfCase(tx: Queryable, planId: string, docId: string, lock?: 'update' | 'share'): Promise<PlanRow | 'elsewhere' | undefined> {
  const { rows } = await tx.query<PlanRow>(`SELECT document_id, version FROM shared_plans WHERE plan_id = $1${lock ? ` FOR ${lock === 'update' ? 'UPDATE' : 'SHARE'}` : ''}`, [planId])
  const plan = rows[0]
  if (!plan) return undefined
  return plan.document_id === docId ? plan : 'elsewhere'
}

/** Binds the plan to the case on first use (or finds it bound to another: `false`). */
export async function bindPlan(tx: Queryable, planId: string, docId: string, at: Date): Promise<boolean> {
  await tx.query('INSERT INTO shared_plans (plan_id, document_id, version, created_at, updated_at) VALUES ($1, $2, 0, $3, $3) ON CONFLICT (plan_id) DO NOTHING', [planId, docId, at])
  const plan = await planOfCase(tx, planId, docId, 'update')
  return !!plan && plan !== 'elsewhere'
}

/** Keys sorted at every level: jsonb keeps no key order, so stored and sent content are compared this way. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(value)
}
