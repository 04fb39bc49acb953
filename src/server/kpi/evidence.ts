/**
 * Builds the evidence file of a half-year (src/shared/kpi/evidence.ts; docs/kpi.md "Evidence"):
 * every counting id's newest snapshot for the period with what its device signed, the device's
 * certificate and its organisation's chain, the snapshots stored before signatures were kept, and
 * the totals. Counts only.
 */
import type { Database } from '../db/types'
import { evidenceContentSchema, EVIDENCE_FORMAT, totalsOf, withDigest, type EvidenceFile } from '../../shared/kpi/evidence'
import type { SignedEvidence } from './ingest'
import { chainsOf } from '../auth/certificates'

export async function evidenceFile(db: Database, period: string, now: Date): Promise<EvidenceFile> {
  const { rows } = await db.query<{
    counter_id: string
    organisation_id: string
    organisation_name: string
    signed: SignedEvidence | null
    correction: boolean
    received_at: Date | string
    certificate: unknown
    counts: unknown[]
    measures: unknown[]
  }>(
    `SELECT s.counter_id, s.organisation_id, o.name AS organisation_name, s.signed, s.correction, s.received_at, d.certificate,
            coalesce((SELECT json_agg(json_build_object('intervention', c.intervention, 'municipality', c.municipality, 'referrerType', c.referrer_type,
                        'referred', c.referred, 'included', c.included, 'completed', c.completed, 'includedCumulative', c.included_cumulative)
                        ORDER BY c.intervention, c.municipality, c.referrer_type)
                      FROM kpi_counts c WHERE c.counter_id = s.counter_id AND c.period = s.period), '[]'::json) AS counts,
            coalesce((SELECT json_agg(json_build_object('measure', m.measure, 'bucket', m.bucket, 'intervention', m.intervention, 'municipality', m.municipality,
                        'referrerType', m.referrer_type, 'ageBand', m.age_band, 'count', m.count)
                        ORDER BY m.measure, m.bucket, m.intervention, m.municipality, m.referrer_type, m.age_band)
                      FROM kpi_measures m WHERE m.counter_id = s.counter_id AND m.period = s.period), '[]'::json) AS measures
     FROM kpi_snapshots s JOIN organisations o ON o.id = s.organisation_id
     LEFT JOIN devices d ON d.id = (s.signed->>'deviceId')::uuid
     WHERE s.period = $1
     ORDER BY o.name, s.counter_id`,
    [period],
  )
  const stamp = (d: Date | string) => new Date(d).toISOString()
  const snapshots = rows.flatMap((r) =>
    r.signed
      ? [{ counterId: r.counter_id, organisationId: r.organisation_id, period, ...r.signed, certificate: r.signed.certificate ?? r.certificate ?? null, receivedAt: stamp(r.received_at), correction: r.correction }]
      : [],
  )
  // Before issue 18 nothing of the signature was kept: the figures are listed as they count.
  const unsigned = rows.flatMap((r) =>
    !r.signed && (r.counts.length || r.measures.length) ? [{ counterId: r.counter_id, organisationId: r.organisation_id, rows: r.counts, measures: r.measures, receivedAt: stamp(r.received_at) }] : [],
  )
  const organisationIds = [...new Set(rows.map((r) => r.organisation_id))]
  const chains = await chainsOf(db, organisationIds, { historical: true })
  const names = new Map(rows.map((r) => [r.organisation_id, r.organisation_name]))
  const content = evidenceContentSchema.parse({
    format: EVIDENCE_FORMAT,
    period,
    exportedAt: now.toISOString(),
    organisations: organisationIds.map((id) => ({ organisationId: id, name: names.get(id)!, chain: chains[id] ?? null })),
    snapshots,
    unsigned,
    totals: { rows: [], measures: [] },
  })
  content.totals = totalsOf([...content.snapshots, ...content.unsigned])
  return withDigest(content)
}
