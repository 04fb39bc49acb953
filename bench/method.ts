/**
 * The method as data (docs/method.md), what it costs on a phone:
 * - opening a case under a newer method version (schema read + migrateCase + where it stands)
 *   against the schema read alone, which every opening does anyway;
 * - the guide's work on each change (currentStepOf + fidelityOf) against the draft's own
 *   JSON.stringify of the record that already runs on each change (useCaseDraft.ts);
 * - the size of a method version on the wire against the social map document phones already
 *   download (both gzip, the map at 1,000 services).
 */
import { gzipSync } from 'node:zlib'
import { caseRecordSchema, newCase, type CaseRecord } from '../src/shared/cases/v2'
import { INTERVENTION_IDS } from '../src/shared/interventions'
import { methodDefinitionSchema, type MethodDefinition } from '../src/shared/method/definition'
import { migrateCase } from '../src/shared/method/migrate'
import { currentStepOf, fidelityOf } from '../src/shared/method/progress'
import { BUNDLED_METHOD } from '../src/shared/method/sigMethod'
import { generateServices } from '../src/server/seed/syntheticServices'

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d

/** Version 2: one field replaced (moveAnswer) and one essential retired, like test/unit/method.test.ts. */
function version2(): MethodDefinition {
  const v2 = structuredClone(BUNDLED_METHOD)
  v2.version = 2
  const contact = v2.pathways.wor.steps[1]!
  const field = contact.blocks.find((b) => 'field' in b)!
  contact.blocks = contact.blocks.filter((b) => b !== field)
  if ('field' in field) v2.pathways.wor.steps[2]!.blocks.push({ field: { ...field.field, id: 'wor-first-contact-way' } })
  v2.pathways.vg.steps[2]!.essentials = v2.pathways.vg.steps[2]!.essentials.filter((e) => e.id !== 'vg-not-diagnosis')
  v2.migrations = [
    { op: 'moveAnswer', from: 'wor-contact-way', to: 'wor-first-contact-way' },
    { op: 'retireEssential', essential: 'vg-not-diagnosis' },
  ]
  return methodDefinitionSchema.parse(v2)
}

function sampleCases(count: number): CaseRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const c = newCase(crypto.randomUUID(), INTERVENTION_IDS[i % INTERVENTION_IDS.length]!, new Date('2026-03-02T09:00:00Z'))
    c.resident = { name: `Inwoner ${i}`, municipality: 'Oss' }
    c.consent = { given: true, purpose: 'hulp', scope: 'team' }
    c.referral = { date: '2026-03-01', referrerType: 'huisarts' }
    c.questions = { wil: 'Weer mensen zien'.repeat(5), kan: 'Koken', nodig: 'Vervoer' }
    c.lifeDomains = { wonen: { score: 3, wantsToTalk: true }, geldzaken: { score: 2, wantsToTalk: false } }
    c.steps = Array.from({ length: 8 }, (_, j) => ({ id: crypto.randomUUID(), what: `Stap ${j}`, who: 'inwoner' as const, done: j % 2 === 0 }))
    c.method.answers = { 'wor-contact-way': 'telefoon', 'wor-other-route': 'nee' }
    c.method.essentials = { 'vg-not-diagnosis': { state: 'met', on: '2026-03-03' } }
    return c
  })
}

function timeBest(fn: () => void, runs: number): number {
  let best = Infinity
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now()
    fn()
    best = Math.min(best, performance.now() - t0)
  }
  return best
}

export function methodBench(count = 1_000, runs = 20) {
  const v2 = version2()
  const stored = sampleCases(count).map((c) => JSON.parse(JSON.stringify(c)) as unknown)
  const definitions = [BUNDLED_METHOD, v2]
  const readOnly = timeBest(() => {
    for (const s of stored) caseRecordSchema.parse(s)
  }, runs)
  const readAndMigrate = timeBest(() => {
    for (const s of stored) {
      const m = migrateCase(caseRecordSchema.parse(s), definitions)
      if (m.ok) currentStepOf(v2, m.record)
    }
  }, runs)
  const records = stored.map((s) => caseRecordSchema.parse(s))
  const stringify = timeBest(() => {
    for (const c of records) JSON.stringify(c)
  }, runs)
  const guide = timeBest(() => {
    for (const c of records) {
      currentStepOf(v2, c)
      fidelityOf(v2, c)
    }
  }, runs)
  const methodGzip = gzipSync(JSON.stringify(v2)).length
  const mapGzip = gzipSync(JSON.stringify({ version: 1, publishedAt: '', services: generateServices(1_000, 42) })).length
  return {
    cases: count,
    open_read_only_ms: round(readOnly),
    open_read_and_migrate_ms: round(readAndMigrate),
    ratio_open_migrate_vs_read: round(readAndMigrate / readOnly),
    per_change_draft_stringify_ms: round(stringify),
    per_change_guide_ms: round(guide),
    ratio_guide_vs_draft_stringify: round(guide / stringify),
    method_version_gzip_kb: round(methodGzip / 1024, 1),
    social_map_1000_gzip_kb: round(mapGzip / 1024, 1),
    ratio_method_vs_map_download: round(methodGzip / mapGzip, 3),
  }
}
