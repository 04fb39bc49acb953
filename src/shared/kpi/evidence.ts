/**
 * The evidence file (bewijslast, issue 18 point 5; docs/kpi.md "Evidence"): per half-year, every
 * snapshot the figures rest on, as its device signed it — counts and measures, the signature, the
 * device's certificate — with the chains of the organisations' keys, and the totals the programme
 * reports. Anyone can check it without the server (`npm run verify-evidence`): each snapshot's
 * signature against its device's key, each device's certificate up to its organisation's key (whose
 * fingerprint the organisation confirms), and the totals against the snapshots. Counts only: no
 * person, no case.
 */
import { z } from 'zod'
import { sha256Hex, signatureSchema, verifyMessage } from '../crypto/signatures'
import { certificateSchema, fingerprint, organisationChainSchema, verifyDeviceCertificate } from '../devices/certificates'
import { countRowSchema, snapshotMessage } from './snapshot'
import { measureKey, measureRowSchema } from './measures'
import { periodSchema } from './period'
import { publicJwkSchema } from '../accounts/schemas'

export const EVIDENCE_FORMAT = 'samenwerkwijze-kpi-evidence/v1'

const signedSnapshotSchema = z.strictObject({
  counterId: z.guid(),
  organisationId: z.guid(),
  period: periodSchema,
  snapshotVersion: z.number().int().min(1),
  rows: z.array(countRowSchema),
  measures: z.array(measureRowSchema).optional(),
  signature: signatureSchema,
  deviceId: z.guid(),
  signingKey: publicJwkSchema,
  /** The device's certificate as the server holds it now (null: none, e.g. a device deleted since). */
  certificate: certificateSchema.nullable(),
  receivedAt: z.string(),
  /** Received after the period ended. */
  correction: z.boolean(),
})
export type SignedSnapshot = z.infer<typeof signedSnapshotSchema>

/** Figures stored before the server kept what was signed (issue 18): they count, but nothing proves them. */
const unsignedSnapshotSchema = z.strictObject({
  counterId: z.guid(),
  organisationId: z.guid(),
  rows: z.array(countRowSchema),
  measures: z.array(measureRowSchema),
  receivedAt: z.string(),
})

const totalRowSchema = countRowSchema
const totalMeasureSchema = z.strictObject({ ...measureRowSchema.shape })

export const evidenceContentSchema = z.strictObject({
  format: z.literal(EVIDENCE_FORMAT),
  period: periodSchema,
  exportedAt: z.string(),
  organisations: z.array(z.strictObject({ organisationId: z.guid(), name: z.string().max(300), chain: organisationChainSchema.nullable() })),
  snapshots: z.array(signedSnapshotSchema),
  unsigned: z.array(unsignedSnapshotSchema),
  totals: z.strictObject({ rows: z.array(totalRowSchema), measures: z.array(totalMeasureSchema) }),
})
export type EvidenceContent = z.infer<typeof evidenceContentSchema>

/** The file: its content and the SHA-256 of the content's JSON, to quote beside the report. */
export const evidenceFileSchema = z.strictObject({ ...evidenceContentSchema.shape, digest: z.string().regex(/^[0-9a-f]{64}$/) })
export type EvidenceFile = z.infer<typeof evidenceFileSchema>

const contentJson = (c: EvidenceContent) => JSON.stringify({ ...c, digest: undefined })
export async function withDigest(content: EvidenceContent): Promise<EvidenceFile> {
  return { ...content, digest: await sha256Hex(contentJson(content)) }
}

type Rows = z.infer<typeof countRowSchema>[]
type Measures = z.infer<typeof measureRowSchema>[]

/** The totals of a set of snapshots: per count cell and per measure cell (over organisations), sorted. */
export function totalsOf(parts: readonly { rows: Rows; measures?: Measures | undefined }[]): EvidenceContent['totals'] {
  const rows = new Map<string, Rows[number]>()
  const measures = new Map<string, Measures[number]>()
  for (const p of parts) {
    for (const r of p.rows) {
      const key = `${r.intervention}|${r.municipality}|${r.referrerType}`
      const t = rows.get(key) ?? { ...r, referred: 0, included: 0, completed: 0, includedCumulative: 0 }
      rows.set(key, { ...t, referred: t.referred + r.referred, included: t.included + r.included, completed: t.completed + r.completed, includedCumulative: t.includedCumulative + r.includedCumulative })
    }
    for (const m of p.measures ?? []) {
      const key = measureKey(m)
      measures.set(key, { ...m, count: (measures.get(key)?.count ?? 0) + m.count })
    }
  }
  const byKey = <T>(map: Map<string, T>) => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v)
  return { rows: byKey(rows), measures: byKey(measures) }
}

export interface EvidenceCheck {
  ok: boolean
  /** What does not hold, in words; empty when ok. */
  problems: string[]
  /** What the reader should know (unsigned figures, fingerprints to compare). */
  notes: string[]
  signedSnapshots: number
  organisations: { organisationId: string; name: string; fingerprint: string | null }[]
}

/**
 * Checks an evidence file: its digest, every snapshot's signature and certificate, the totals. With
 * `pins` (organisation id → fingerprint, as the organisations confirmed them) a chain whose key has
 * another fingerprint is a problem; without, the fingerprints are listed to compare by hand.
 */
export async function verifyEvidence(input: unknown, pins: Readonly<Record<string, string>> = {}): Promise<EvidenceCheck> {
  const parsed = evidenceFileSchema.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return { ok: false, problems: [`The file is not an evidence file: ${issue?.path.join('.') || '(top)'}: ${issue?.message}`], notes: [], signedSnapshots: 0, organisations: [] }
  }
  const file = parsed.data
  const problems: string[] = []
  const notes: string[] = []
  const { digest, ...content } = file
  if ((await sha256Hex(contentJson(content))) !== digest) problems.push('The digest does not match the content: the file was changed after export.')

  const chains = new Map(file.organisations.map((o) => [o.organisationId, o]))
  const organisations: EvidenceCheck['organisations'] = []
  for (const o of file.organisations) {
    const fp = o.chain ? await fingerprint(o.chain.organisationKey) : null
    organisations.push({ organisationId: o.organisationId, name: o.name, fingerprint: fp })
    const pin = pins[o.organisationId]
    if (pin !== undefined && pin !== fp) problems.push(`${o.name}: the organisation key's fingerprint is ${fp ?? 'missing'}, not ${pin} as confirmed.`)
  }
  for (const [i, s] of file.snapshots.entries()) {
    const name = `Snapshot ${i + 1} (${chains.get(s.organisationId)?.name ?? s.organisationId}, device ${s.deviceId})`
    if (s.period !== file.period) problems.push(`${name} is for ${s.period}, not ${file.period}.`)
    const message = await snapshotMessage({ counterId: s.counterId, organisationId: s.organisationId, period: s.period, snapshotVersion: s.snapshotVersion, rows: s.rows, measures: s.measures })
    if (!(await verifyMessage(s.signingKey, message, s.signature))) problems.push(`${name}: the signature does not match its figures.`)
    const chain = chains.get(s.organisationId)?.chain
    if (!s.certificate || !chain) {
      problems.push(`${name}: no certificate or organisation key to check the device against.`)
      continue
    }
    const cert = await verifyDeviceCertificate(s.certificate, chain, pins[s.organisationId] ?? null)
    if (!cert.ok) problems.push(`${name}: the device's certificate does not verify (${cert.reason}).`)
    else if (s.certificate.deviceId !== s.deviceId || s.certificate.signingKey.x !== s.signingKey.x || s.certificate.signingKey.y !== s.signingKey.y || s.certificate.organisationId !== s.organisationId) {
      problems.push(`${name}: the certificate is for another device or key.`)
    }
  }
  for (const u of file.unsigned) {
    notes.push(`Figures of ${chains.get(u.organisationId)?.name ?? u.organisationId} received ${u.receivedAt} were stored before signatures were kept: they count, but this file cannot prove them.`)
  }
  const recomputed = totalsOf([...file.snapshots, ...file.unsigned])
  if (JSON.stringify(recomputed) !== JSON.stringify(file.totals)) problems.push('The totals are not the sum of the snapshots.')
  return { ok: problems.length === 0, problems, notes, signedSnapshots: file.snapshots.length, organisations }
}
