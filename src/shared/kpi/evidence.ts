/**
 * The evidence file (bewijslast, issue 18 point 5; docs/kpi.md "Evidence"): per half-year, every
 * snapshot the figures rest on, as its device signed it — counts and measures, the signature, the
 * device's certificate — with the chains of the organisations' keys, and the totals the programme
 * reports. Anyone can check it without the server (`npm run verify-evidence`): each snapshot's
 * signature against its device's key, each device's certificate up to its organisation's key (whose
 * fingerprint the organisation confirms) and for the counting role, each counting id once, and the
 * totals against the snapshots. Counts only: no person, no case.
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
  /** Snapshots whose figures nothing in the file proves (stored before signatures were kept). */
  unsignedSnapshots: number
  organisations: { organisationId: string; name: string; fingerprint: string | null }[]
  /**
   * What the check covered, for the reader to compare with the report: the half-year, the digest
   * (the report quotes it) and the totals. A good file of another half-year verifies too.
   */
  period: string | null
  digest: string | null
  totals: EvidenceContent['totals'] | null
}

export interface VerifyOptions {
  /**
   * Figures listed as unsigned count in the totals but nothing proves them: whoever wrote the file
   * could have put any figure there. Without this they make the check fail; with it they are
   * accepted as unproven (and named in the notes).
   */
  acceptUnsigned?: boolean
}

/**
 * Only a device certified for this role counts: the server takes snapshots only from a member who
 * is sociaal-werker in the device's organisation (routes/kpi.ts, requireApprovedDevice). A phone
 * certified for another role (the programme officer's, a beheerder's) signs, but may not count.
 */
export const COUNTING_ROLE = 'sociaal-werker' as const

/**
 * Checks an evidence file: its digest, every snapshot's signature and certificate (certified to
 * count), every counting id once, the totals. With `pins` (organisation id → fingerprint, as the
 * organisations confirmed them) every organisation in the file must be pinned and match; without,
 * the fingerprints are listed to compare by hand.
 */
export async function verifyEvidence(input: unknown, pinsGiven: Readonly<Record<string, string>> = {}, options: VerifyOptions = {}): Promise<EvidenceCheck> {
  const parsed = evidenceFileSchema.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return { ok: false, problems: [`The file is not an evidence file: ${issue?.path.join('.') || '(top)'}: ${issue?.message}`], notes: [], signedSnapshots: 0, unsignedSnapshots: 0, organisations: [], period: null, digest: null, totals: null }
  }
  const file = parsed.data
  const problems: string[] = []
  const notes: string[] = []
  const { digest, ...content } = file
  if ((await sha256Hex(contentJson(content))) !== digest) problems.push('The digest does not match the content: the file was changed after export.')

  // Ids are compared as the server writes them (lower case): a pin typed in capitals still pins.
  const pins = new Map(Object.entries(pinsGiven).map(([id, fp]) => [id.toLowerCase(), fp.trim()]))
  const chains = new Map(file.organisations.map((o) => [o.organisationId, o]))
  const organisations: EvidenceCheck['organisations'] = []
  const listed = new Set<string>()
  for (const o of file.organisations) {
    const fp = o.chain ? await fingerprint(o.chain.organisationKey) : null
    organisations.push({ organisationId: o.organisationId, name: o.name, fingerprint: fp })
    // A second entry would lend its chain (the last one listed is used) to the organisation's snapshots.
    if (listed.has(o.organisationId)) problems.push(`${o.name} (${o.organisationId}) is listed more than once among the organisations.`)
    listed.add(o.organisationId)
    const pin = pins.get(o.organisationId)
    if (pin !== undefined && pin !== fp) problems.push(`${o.name}: the organisation key's fingerprint is ${fp ?? 'missing'}, not ${pin} as confirmed.`)
    // Pinning some organisations is no check of the others: one the file's writer made up would pass.
    if (pin === undefined && pins.size > 0) problems.push(`${o.name} (${o.organisationId}): its key is not pinned, so nothing confirms its fingerprint ${fp ?? '(no key)'}.`)
  }
  if (pins.size === 0) notes.push("No fingerprints were pinned: compare each organisation's fingerprint with the one it confirms; until then this file shows only that the figures were signed under these keys.")
  for (const id of pins.keys()) if (!listed.has(id)) notes.push(`Pinned organisation ${id} has no figures in this file.`)
  // The server keeps one snapshot per counting id and half-year: one listed twice (signed, unsigned or both) counts double.
  const seen = new Set<string>()
  for (const s of [...file.snapshots, ...file.unsigned]) {
    const id = s.counterId.toLowerCase()
    if (seen.has(id)) problems.push(`Counting id ${s.counterId} is listed more than once: its figures would count twice.`)
    seen.add(id)
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
    const cert = await verifyDeviceCertificate(s.certificate, chain, pins.get(s.organisationId) ?? null)
    if (!cert.ok) problems.push(`${name}: the device's certificate does not verify (${cert.reason}).`)
    else if (s.certificate.deviceId !== s.deviceId || s.certificate.signingKey.x !== s.signingKey.x || s.certificate.signingKey.y !== s.signingKey.y || s.certificate.organisationId !== s.organisationId) {
      problems.push(`${name}: the certificate is for another device or key.`)
    } else if (!s.certificate.roles.includes(COUNTING_ROLE)) {
      problems.push(`${name}: the device is not certified to count (its roles: ${s.certificate.roles.join(', ')}; counting needs ${COUNTING_ROLE}).`)
    }
  }
  for (const u of file.unsigned) {
    notes.push(`Figures of ${chains.get(u.organisationId)?.name ?? u.organisationId} received ${u.receivedAt} were stored before signatures were kept: they count, but this file cannot prove them.`)
  }
  if (file.unsigned.length && !options.acceptUnsigned) {
    problems.push(`${file.unsigned.length} snapshot(s) are unsigned: their figures are in the totals, but nothing in this file proves them (whoever wrote the file could have put any figure there). Accept them as unproven only if you know they are from before signatures were kept.`)
  }
  const recomputed = totalsOf([...file.snapshots, ...file.unsigned])
  if (JSON.stringify(recomputed) !== JSON.stringify(file.totals)) problems.push('The totals are not the sum of the snapshots.')
  return { ok: problems.length === 0, problems, notes, signedSnapshots: file.snapshots.length, unsignedSnapshots: file.unsigned.length, organisations, period: file.period, digest, totals: file.totals }
}
