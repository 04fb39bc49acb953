/**
 * Inclusion counts: devices send signed snapshots (counts only) under a counting id the server
 * issued to them (docs/device-trust.md "Counting ids and signed snapshots"); the programme team
 * reads totals.
 */
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { SNAPSHOT_MAX_BYTES } from '../../shared/kpi/measures'
import { verifyMessage } from '../../shared/crypto/signatures'
import { measureReport } from '../../shared/kpi/measureReport'
import { periodSchema } from '../../shared/kpi/period'
import { implausibleCounts, implausibleMeasures } from '../../shared/kpi/plausibility'
import { counterMoveSchema, counterRequestSchema, countSnapshotSchema, snapshotMessage, VERSION_GRACE_MS } from '../../shared/kpi/snapshot'
import { periodsBodySchema } from '../../shared/kpi/accountability'
import { targetsBodySchema } from '../../shared/kpi/kpis'
import { localMoment } from '../../shared/core/clock'
import { currentUser, grants, requireApprovedDevice, requireRole, requireUser, type AppEnv } from '../auth/middleware'
import type { Database } from '../db/types'
import { evidenceFile } from '../kpi/evidence'
import { issueCounter, lockCounterFor, lockPerson, moveCounter } from '../kpi/counters'
import { listPeriods, listTargets, replacePeriods, saveTargets, type Actor } from '../kpi/periods'
import { ingestSnapshot, periodContributions, periodMeasures, periodTotals, referralCounts } from '../kpi/ingest'
import { problem } from '../http/problem'
import { reply } from '../http/reply'
import { body, isUuid } from '../http/request'

/** `now`: the server's clock in ms (tests pass a fixed one); snapshot versions may not be later. */
export function kpiRoutes(db: Database, now: () => number = Date.now) {
  const app = new Hono<AppEnv>()
  app.use('*', requireUser())
  const counting = requireApprovedDevice('sociaal-werker')
  /** requireApprovedDevice ran: the session is bound to an approved device of the person. */
  const deviceOf = (c: Parameters<typeof currentUser>[0]) => currentUser(c).device!

  /** A counting id for the session's device (its live one if it has one). */
  app.post('/counters', counting, async (c) => {
    const b = await body(c, counterRequestSchema)
    if (!b.ok) return b.response
    const device = deviceOf(c)
    if (b.value.organisationId !== device.organisationId) {
      return problem(c, 403, 'forbidden', 'Your device counts for the organisation it is registered in only.')
    }
    const { counterId, created } = await issueCounter(db, device, currentUser(c).userId)
    return reply(c, 'POST /api/kpi/counters', { counterId, serverTime: now() }, created ? 201 : 200)
  })

  /** A backup restored onto a new phone: the counting id moves there, the old phone's claim ends. */
  app.post('/counters/:id/move', counting, async (c) => {
    const id = c.req.param('id')
    if (!isUuid(id)) return problem(c, 404, 'counter-unknown', 'The server never issued this counting id.')
    // No JSON body (a client from before `from`): a plain move.
    const b = c.req.header('content-type')?.includes('json') ? await body(c, counterMoveSchema) : ({ ok: true, value: {} as { from?: string } } as const)
    if (!b.ok) return b.response
    const moved = await moveCounter(db, id.toLowerCase(), deviceOf(c), currentUser(c).userId, now(), b.value.from)
    if (!moved.ok) return problem(c, moved.status, moved.code, moved.error)
    return reply(c, 'POST /api/kpi/counters/:id/move', { counterId: moved.counterId, serverTime: now() })
  })

  // A snapshot with its measures may be larger than the general body limit (measures.ts SNAPSHOT_MAX_BYTES).
  const snapshotLimit = bodyLimit({ maxSize: SNAPSHOT_MAX_BYTES, onError: (c) => problem(c, 413, 'too-large', `The snapshot is larger than ${SNAPSHOT_MAX_BYTES / 1024} KB.`) })
  app.post('/snapshots', counting, snapshotLimit, async (c) => {
    const b = await body(c, countSnapshotSchema)
    if (!b.ok) return b.response
    const user = currentUser(c)
    const device = deviceOf(c)
    const s = b.value
    const serverTime = now()
    if (s.snapshotVersion > serverTime + VERSION_GRACE_MS) {
      return problem(c, 422, 'version-in-future', `The snapshot version ${s.snapshotVersion} is later than the server's clock (${serverTime} ms). Check the device's date and time.`, { serverTime })
    }
    const implausible = implausibleCounts(s.rows) ?? implausibleMeasures(s.measures ?? [])
    if (implausible) return problem(c, 422, 'implausible-counts', `Implausible counts: ${implausible}`)
    // A counting id bound to this device belongs to the device's organisation.
    const snapshot = { ...s, organisationId: device.organisationId }
    if (!(await verifyMessage(device.signingKey, await snapshotMessage(snapshot), s.signature))) {
      return problem(c, 403, 'bad-signature', "The snapshot is not signed by your device's signing key.")
    }
    const result = await db.transaction(async (tx) => {
      await lockPerson(tx, user.userId, device.organisationId)
      const bound = await lockCounterFor(tx, s.counterId, device, user.userId, s.period)
      if (!bound.ok) return bound
      const tooMany = implausibleCounts(s.rows, bound.others) ?? implausibleMeasures(s.measures ?? [], bound.otherMeasures)
      if (tooMany) return { ok: false, status: 422, code: 'implausible-counts', error: `Implausible counts: ${tooMany}` } as const
      // The device's certificate as it is now, kept with what it signed: a later re-approval or a deleted device does not change the evidence.
      const certificate = (await tx.query<{ certificate: unknown }>('SELECT certificate FROM devices WHERE id = $1', [device.id])).rows[0]?.certificate ?? null
      const evidence = { snapshotVersion: s.snapshotVersion, rows: s.rows, ...(s.measures ? { measures: s.measures } : {}), signature: s.signature, deviceId: device.id, signingKey: device.signingKey, certificate }
      return { ok: true, answer: await ingestSnapshot(tx, snapshot, localMoment(new Date(serverTime)).date, user.userId, evidence) } as const
    })
    if (!result.ok) return problem(c, result.status, result.code, result.error)
    return reply(c, 'POST /api/kpi/snapshots', result.answer)
  })

  /** The programme office acting: the person and the region's organisation, for the audit log. */
  const programmeActor = (c: Parameters<typeof currentUser>[0]): Actor => {
    const user = currentUser(c)
    return { userId: user.userId, organisationId: user.memberships.find((m) => grants(m, 'programma'))?.organisationId ?? null }
  }

  /** The accountability periods in time order (docs/kpi.md "Periods and targets"). */
  app.get('/periods', requireRole('programma'), async (c) => reply(c, 'GET /api/kpi/periods', { periods: await listPeriods(db) }))

  /** The whole list, in order without gaps or overlaps; a period that still has targets stays. */
  app.put('/periods', requireRole('programma'), async (c) => {
    const b = await body(c, periodsBodySchema)
    if (!b.ok) return b.response
    const done = await replacePeriods(db, b.value.periods, programmeActor(c))
    if (!done.ok) return problem(c, done.status, done.code, done.error)
    return reply(c, 'PUT /api/kpi/periods', { periods: await listPeriods(db) })
  })

  app.get('/targets', requireRole('programma'), async (c) => reply(c, 'GET /api/kpi/targets', { targets: await listTargets(db) }))

  /** Targets per period, KPI and intervention: set (a number) or removed (null), all or nothing. */
  app.put('/targets', requireRole('programma'), async (c) => {
    const b = await body(c, targetsBodySchema)
    if (!b.ok) return b.response
    const done = await saveTargets(db, b.value.targets, programmeActor(c))
    if (!done.ok) return problem(c, done.status, done.code, done.error)
    return reply(c, 'PUT /api/kpi/targets', { ok: true, saved: done.saved, removed: done.removed })
  })

  app.get('/totals', requireRole('programma'), async (c) => {
    const period = periodSchema.safeParse(c.req.query('period'))
    if (!period.success) return problem(c, 400, 'bad-request', 'Give a period like 2026-H1.')
    return reply(c, 'GET /api/kpi/totals', { period: period.data, rows: await periodTotals(db, period.data), referrals: await referralCounts(db, period.data) })
  })

  /**
   * The steering measures of a half-year (issue 18, docs/kpi.md): every cell per organisation, for
   * the programme team only (small cells are masked where figures leave it, not here), and what
   * the figures rest on: per organisation the devices that reported and when.
   */
  app.get('/measures', requireRole('programma'), async (c) => {
    const period = periodSchema.safeParse(c.req.query('period'))
    if (!period.success) return problem(c, 400, 'bad-request', 'Give a period like 2026-H1.')
    const [rows, contributions] = await Promise.all([periodMeasures(db, period.data), periodContributions(db, period.data)])
    return reply(c, 'GET /api/kpi/measures', { period: period.data, rows, contributions })
  })

  /** Included, referred and completed per intervention for every period with figures or a target. */
  app.get('/trend', requireRole('programma'), async (c) => {
    const { rows } = await db.query<{ period: string; intervention: string; referred: number; included: number; completed: number; included_cumulative: number }>(
      `SELECT period, intervention, sum(referred)::int AS referred, sum(included)::int AS included, sum(completed)::int AS completed,
              sum(included_cumulative)::int AS included_cumulative
       FROM kpi_counts GROUP BY period, intervention ORDER BY period, intervention`,
    )
    return reply(c, 'GET /api/kpi/trend', { rows: rows.map((r) => ({ period: r.period, intervention: r.intervention, referred: r.referred, included: r.included, completed: r.completed, includedCumulative: r.included_cumulative })) })
  })

  /**
   * The evidence of a half-year (docs/kpi.md "Evidence"): what the figures rest on, as the devices
   * signed it, checkable with `npm run verify-evidence` without this server.
   */
  app.get('/evidence', requireRole('programma'), async (c) => {
    const period = periodSchema.safeParse(c.req.query('period'))
    if (!period.success) return problem(c, 400, 'bad-request', 'Give a period like 2026-H1.')
    const file = await evidenceFile(db, period.data, new Date(now()))
    c.header('Content-Disposition', `attachment; filename="bewijslast-${period.data}.json"`)
    return c.body(JSON.stringify(file, null, 2), 200, { 'Content-Type': 'application/json; charset=utf-8' })
  })

  /**
   * The period as a FHIR R4 MeasureReport for the financiers: the inclusion counts and the steering
   * measures (GET /measures' rows, summed over organisations), small cells masked.
   */
  app.get('/measure-report', requireRole('programma'), async (c) => {
    const period = periodSchema.safeParse(c.req.query('period'))
    if (!period.success) return problem(c, 400, 'bad-request', 'Give a period like 2026-H1.')
    const [totals, measures] = await Promise.all([periodTotals(db, period.data), periodMeasures(db, period.data)])
    const report = measureReport(period.data, totals, new Date(), measures)
    c.header('Content-Disposition', `attachment; filename="measurereport-${period.data}.json"`)
    return c.body(JSON.stringify(report, null, 2), 200, { 'Content-Type': 'application/fhir+json; charset=utf-8' })
  })

  return app
}
