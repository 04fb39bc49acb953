/**
 * Storage of referrals, their events and the routing table (issue 5). The routes (routes/referrals.ts)
 * parse and authorise; this module queries. Writes are `INSERT … ON CONFLICT DO NOTHING`, so a
 * resend is harmless. "Today" is always the region's date from the server's clock, passed in as a
 * parameter: never `current_date`, which follows the database session's time zone (docs/glossary.md).
 */
import type { Sealed } from '../../shared/crypto/sealed'
import type { Certificate } from '../../shared/devices/certificates'
import { nextStatus, RECORDED_SHOWN_AFTER_MINUTES, WOR_FIRST_CONTACT_DAYS, type EventKind, type ReferralStatus } from '../../shared/referrals/referral'
import { TIME_ZONE } from '../../shared/core/clock'
import { audit } from '../auth/audit'
import { chainsOf } from '../auth/certificates'
import type { Database, Queryable } from '../db/types'

interface ReferralRow {
  id: string
  intervention: string
  sender_organisation_id: string
  sender_organisation_name: string
  receiving_organisation_id: string
  receiving_organisation_name: string
  status: ReferralStatus
  sent_at: string | Date
  recorded_at: string | Date | null
  /** The due day as text (YYYY-MM-DD): a `date` read as a JS Date would shift with the process's time zone. */
  first_contact_due: string | null
  first_contact_at: string | Date | null
  overdue: boolean
  sealed: Sealed
  sender_certificate: Certificate | null
  events: { id: string; kind: string; at: string; recorded_at: string | null; sealed: Sealed | null; sender_certificate: Certificate | null }[]
}

/** The device's recorded time, when it is far enough from the server's to be worth showing. */
function recordedAt(server: string | Date, recorded: string | Date | null): { recordedAt?: string } {
  if (recorded === null) return {}
  const r = new Date(recorded)
  return Math.abs(r.getTime() - new Date(server).getTime()) >= RECORDED_SHOWN_AFTER_MINUTES * 60_000 ? { recordedAt: r.toISOString() } : {}
}

const iso = (d: string | Date | null) => (d === null ? null : new Date(d).toISOString())

/**
 * Referrals matching `where` (its parameters `params`), with their events and the chains to verify
 * their senders. `today` is the region's date by the server's clock: a first contact due before it is overdue.
 */
export async function listReferrals(db: Queryable, where: string, params: unknown[], today: string) {
  const todayParam = `$${params.length + 1}::date`
  const { rows } = await db.query<ReferralRow>(
    `SELECT r.id, r.intervention, r.sender_organisation_id, so.name AS sender_organisation_name, r.receiving_organisation_id, ro.name AS receiving_organisation_name,
            r.status, r.sent_at, r.recorded_at, r.first_contact_due::text AS first_contact_due, r.first_contact_at, r.sealed,
            (SELECT d.certificate FROM devices d WHERE d.id = r.sender_device_id) AS sender_certificate,
            (r.first_contact_due IS NOT NULL AND r.first_contact_at IS NULL AND r.status NOT IN ('afgewezen', 'afgerond') AND r.first_contact_due < ${todayParam}) AS overdue,
            coalesce((SELECT json_agg(json_build_object('id', e.id, 'kind', e.kind, 'at', e.at, 'recorded_at', e.recorded_at, 'sealed', e.sealed,
                                         'sender_certificate', (SELECT d.certificate FROM devices d WHERE d.id = e.sender_device_id)) ORDER BY e.stored_at, e.id)
                      FROM referral_events e WHERE e.referral_id = r.id), '[]'::json) AS events
     FROM referrals r JOIN organisations so ON so.id = r.sender_organisation_id JOIN organisations ro ON ro.id = r.receiving_organisation_id
     WHERE ${where}
     ORDER BY r.first_contact_due NULLS LAST, r.sent_at`,
    [...params, today],
  )
  // The chains to verify the senders with, revoked beheerder devices included: a box signed before a revocation still verifies.
  const chains = await chainsOf(db, rows.flatMap((r) => [r.sender_organisation_id, r.receiving_organisation_id]), { historical: true })
  const chainsFor = (r: ReferralRow) => Object.fromEntries([r.sender_organisation_id, r.receiving_organisation_id].flatMap((id) => (chains[id] ? [[id, chains[id]]] : [])))
  return rows.map((r) => ({
    id: r.id,
    intervention: r.intervention,
    senderOrganisation: { id: r.sender_organisation_id, name: r.sender_organisation_name },
    receivingOrganisation: { id: r.receiving_organisation_id, name: r.receiving_organisation_name },
    status: r.status,
    sentAt: new Date(r.sent_at).toISOString(),
    ...recordedAt(r.sent_at, r.recorded_at),
    firstContactDue: r.first_contact_due,
    firstContactAt: iso(r.first_contact_at),
    overdue: r.overdue,
    sealed: r.sealed,
    senderCertificate: r.sender_certificate ?? null,
    events: r.events.map((e) => ({
      id: e.id,
      kind: e.kind,
      at: new Date(e.at).toISOString(),
      ...recordedAt(e.at, e.recorded_at),
      sealed: e.sealed ?? undefined,
      senderCertificate: e.sender_certificate ?? null,
    })),
    chains: chainsFor(r),
  }))
}

/** The routing table (intervention × municipality → organisation) with the organisations' names. */
export async function routesWithNames(db: Queryable) {
  const { rows } = await db.query<{ intervention: string; municipality: string; organisation_id: string; name: string }>(
    `SELECT r.intervention, r.municipality, r.organisation_id, o.name FROM referral_routes r JOIN organisations o ON o.id = r.organisation_id ORDER BY r.intervention, r.municipality`,
  )
  return rows.map((r) => ({ intervention: r.intervention, municipality: r.municipality, organisationId: r.organisation_id, organisationName: r.name }))
}

export async function allOrganisations(db: Queryable) {
  return (await db.query<{ id: string; name: string }>('SELECT id, name FROM organisations ORDER BY name')).rows
}

/** True when every id names an organisation. */
export async function organisationsExist(db: Queryable, ids: string[]): Promise<boolean> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM organisations WHERE id = ANY($1::uuid[])', [ids])
  return rows[0]!.n === ids.length
}

/** Replaces the whole routing table, audited, all or nothing. */
export async function replaceRoutes(db: Database, routes: { intervention: string; municipality: string; organisationId: string }[], actorId: string) {
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM referral_routes')
    for (const r of routes) {
      await tx.query('INSERT INTO referral_routes (intervention, municipality, organisation_id, updated_by) VALUES ($1, $2, $3, $4)', [r.intervention, r.municipality, r.organisationId, actorId])
    }
    await audit(tx, { actorId, action: 'set-routes', entity: 'referral_routes' })
  })
}

export interface ReferralParties {
  id: string
  sender_user_id: string
  sender_organisation_id: string
  receiving_organisation_id: string
}

/** Who sent a referral and who receives it; undefined when there is none with this id. */
export async function referralParties(db: Queryable, id: string): Promise<ReferralParties | undefined> {
  const { rows } = await db.query<ReferralParties>('SELECT id, sender_user_id, sender_organisation_id, receiving_organisation_id FROM referrals WHERE id = $1', [id])
  return rows[0]
}

export interface NewReferral {
  id: string
  intervention: string
  senderOrganisationId: string
  senderUserId: string
  receivingOrganisationId: string
  senderDeviceId: string
  sealed: Sealed
  /** The server's time of arrival, and the device's own (clamped). */
  sentAt: Date
  recordedAt: Date
}

/**
 * Stores a referral; false when its id was stored already. A Welzijn op Recept referral is due
 * for first contact WOR_FIRST_CONTACT_DAYS after the region's date of arrival (docs/domain.md).
 */
export async function insertReferral(db: Database, r: NewReferral): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query(
      `INSERT INTO referrals (id, intervention, sender_organisation_id, sender_user_id, receiving_organisation_id, sent_at, recorded_at, first_contact_due, sealed, sender_device_id)
       VALUES ($1, $2, $3, $4, $5, $6, $9, CASE WHEN $2 = 'wor' THEN ($6::timestamptz AT TIME ZONE '${TIME_ZONE}')::date + $7::int END, $8::jsonb, $10)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [r.id, r.intervention, r.senderOrganisationId, r.senderUserId, r.receivingOrganisationId, r.sentAt, WOR_FIRST_CONTACT_DAYS, JSON.stringify(r.sealed), r.recordedAt, r.senderDeviceId],
    )
    if (rows.length) await audit(tx, { actorId: r.senderUserId, organisationId: r.senderOrganisationId, action: 'refer', entity: 'referral', entityId: r.id })
    return rows.length > 0
  })
}

export async function eventExists(db: Queryable, id: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM referral_events WHERE id = $1', [id])).rows.length > 0
}

export interface NewEvent {
  id: string
  kind: EventKind
  sealed: Sealed
  actorUserId: string
  senderDeviceId: string
}

/**
 * Adds a status event under the referral's row lock: refused (with the status it is in) when the
 * kind does not follow, 'exists' when the id was stored already. `times` gets the referral's
 * arrival and answers the server's time and the device's clamped one.
 */
export async function storeEvent(db: Database, referral: ReferralParties, e: NewEvent, times: (sentAt: Date) => { at: Date; recorded: Date }) {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ status: ReferralStatus; sent_at: Date | string }>('SELECT status, sent_at FROM referrals WHERE id = $1 FOR UPDATE', [referral.id])
    const next = nextStatus(rows[0]!.status, e.kind)
    if (!next) return { ok: false as const, from: rows[0]!.status }
    const { at, recorded } = times(new Date(rows[0]!.sent_at))
    const inserted = await tx.query(
      'INSERT INTO referral_events (id, referral_id, kind, at, recorded_at, actor_user_id, sealed, sender_device_id) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8) ON CONFLICT (id) DO NOTHING RETURNING id',
      [e.id, referral.id, e.kind, at, recorded, e.actorUserId, JSON.stringify(e.sealed), e.senderDeviceId],
    )
    if (!inserted.rows.length) return { ok: true as const, status: 'exists' as const }
    // A first contact recorded offline counts from its clamped recorded time.
    await tx.query(
      `UPDATE referrals SET status = $2, first_contact_at = CASE WHEN $3 AND first_contact_at IS NULL THEN $4::timestamptz ELSE first_contact_at END WHERE id = $1`,
      [referral.id, next, ['contact', 'gesprek', 'afgerond'].includes(e.kind), recorded],
    )
    await audit(tx, { actorId: e.actorUserId, organisationId: referral.receiving_organisation_id, action: `referral-${e.kind}`, entity: 'referral', entityId: referral.id })
    return { ok: true as const, status: 'stored' as const }
  })
}

/** Whether a referral id is taken, and by whom. */
export async function referralSender(db: Queryable, id: string): Promise<string | undefined> {
  return (await db.query<{ sender_user_id: string }>('SELECT sender_user_id FROM referrals WHERE id = $1', [id])).rows[0]?.sender_user_id
}
