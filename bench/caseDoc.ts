/**
 * The case as a Yjs document (src/shared/caseSync/recordDoc.ts), what it costs on each change:
 * - writing a case into its Y.Doc after one keystroke (the diff of the whole record, one
 *   transaction, one small update) against the JSON.stringify of the record that the draft
 *   already runs on each change (useCaseDraft.ts);
 * - reading the doc back into a validated record against caseRecordSchema.parse alone, which
 *   every opening of a case does anyway;
 * - the bytes of one keystroke's update, and the doc's whole state against the record's JSON.
 */
import * as Y from 'yjs'
import { caseRecordSchema, newCase, type CaseRecord } from '../src/shared/cases/v2'
import { readRecord, writeRecord } from '../src/shared/caseSync/recordDoc'

const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d
const uuid = () => crypto.randomUUID()

/** A worked case: long answers to the three questions, 20 small steps, a samenwerkoverleg. */
function workedCase(): CaseRecord {
  const c = newCase(uuid(), 'samenwerkwijze', new Date('2026-03-02T09:00:00Z'))
  c.resident = { name: 'Anna de Vries', birthYear: 1950, municipality: 'Oss' }
  c.questions = { wil: 'Ik wil weer mensen zien en naar buiten. '.repeat(30), kan: 'Koken, zingen. '.repeat(20), nodig: 'Vervoer. '.repeat(20) }
  c.strengths = 'Doorzetter. '.repeat(40)
  c.lifeDomains = { wonen: { score: 3, wantsToTalk: true, note: 'Trap is lastig. '.repeat(10) }, geldzaken: { score: 2, wantsToTalk: true } }
  c.network = Array.from({ length: 5 }, (_, i) => ({ id: uuid(), name: `Naaste ${i}`, relation: 'buur', canDo: 'Boodschappen' }))
  c.steps = Array.from({ length: 20 }, (_, i) => ({ id: uuid(), what: `Kleine stap ${i}: iemand bellen`, who: 'inwoner' as const, done: i % 2 === 0 }))
  c.consultation = {
    date: '2026-03-05',
    residentPresent: true,
    participants: Array.from({ length: 4 }, (_, i) => ({ id: uuid(), name: `P ${i}`, role: 'r', organisation: 'o', discipline: 'd' })),
    actions: Array.from({ length: 6 }, (_, i) => ({ id: uuid(), what: `Actie ${i}`, owner: 'Sanne' })),
  }
  return c
}

function perRun(fn: (i: number) => void, runs: number): number {
  for (let i = 0; i < 20; i++) fn(i) // warm up
  const t0 = performance.now()
  for (let i = 0; i < runs; i++) fn(i)
  return (performance.now() - t0) / runs
}

export function caseDocBench(runs = 500) {
  const record = workedCase()
  const doc = new Y.Doc()
  writeRecord(doc, record)
  const updates: number[] = []
  doc.on('updateV2', (u: Uint8Array) => updates.push(u.length))
  const start = record.questions.wil
  const typed = 'Ik wil ook graag weer fietsen. '.repeat(10)
  const keystroke = perRun((i) => {
    record.questions.wil = start + typed.slice(0, 1 + (i % typed.length))
    record.updatedAt = new Date(Date.UTC(2026, 2, 2, 9, 0, i % 60)).toISOString()
    writeRecord(doc, record)
  }, runs)
  const stringify = perRun(() => JSON.stringify(record), runs)
  const stored = JSON.parse(JSON.stringify(record)) as unknown
  const read = perRun(() => readRecord(doc), runs / 5)
  const parse = perRun(() => caseRecordSchema.parse(stored), runs / 5)
  const sortedUpdates = updates.slice(20).sort((a, b) => a - b)
  return {
    per_keystroke_doc_write_ms: round(keystroke),
    per_keystroke_draft_stringify_ms: round(stringify),
    ratio_doc_write_vs_stringify: round(keystroke / stringify, 1),
    update_bytes_per_keystroke_p50: sortedUpdates[Math.floor(sortedUpdates.length / 2)],
    read_record_ms: round(read),
    schema_parse_ms: round(parse),
    ratio_read_record_vs_parse: round(read / parse, 2),
    doc_state_kb: round(Y.encodeStateAsUpdateV2(doc).length / 1024, 1),
    record_json_kb: round(JSON.stringify(record).length / 1024, 1),
  }
}
