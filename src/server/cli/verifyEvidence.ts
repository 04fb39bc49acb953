/**
 * `npm run verify-evidence -- <file> [--pin <organisation id>=<fingerprint> …] [--accept-unsigned]`:
 * checks an evidence file exported from the KPI dashboard (docs/kpi.md "Evidence") without the
 * server: the digest, every snapshot's device signature, every device's certificate up to its
 * organisation's key (and certified to count), every counting id once, and the totals. Prints the
 * organisations' key fingerprints to compare with what each organisation confirms, or checks them
 * against --pin (then every organisation in the file must be pinned). Figures listed as unsigned
 * (stored before signatures were kept) fail the check unless --accept-unsigned accepts them as
 * unproven. Exit code 0 when everything holds, 1 when not, 2 on a wrong call.
 */
import { readFileSync } from 'node:fs'
import { verifyEvidence, type EvidenceContent } from '../../shared/kpi/evidence'

async function main(args: string[]): Promise<number> {
  const pins: Record<string, string> = {}
  const files: string[] = []
  let acceptUnsigned = false
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--pin') {
      const [id, fp] = (args[++i] ?? '').split('=')
      if (!id || !fp) return usage('--pin needs <organisation id>=<fingerprint>')
      pins[id.trim().toLowerCase()] = fp.trim()
    } else if (args[i] === '--accept-unsigned') acceptUnsigned = true
    else if (args[i]!.startsWith('--')) return usage(`unknown option ${args[i]}`)
    else files.push(args[i]!)
  }
  if (files.length !== 1) return usage('give one evidence file')
  let input: unknown
  try {
    input = JSON.parse(readFileSync(files[0]!, 'utf8'))
  } catch (e) {
    console.error(`Cannot read ${files[0]}: ${(e as Error).message}`)
    return 1
  }
  const check = await verifyEvidence(input, pins, { acceptUnsigned })
  // What was checked, to compare with the report: a good file of another half-year verifies too.
  if (check.period) out(`Period: ${check.period}`)
  if (check.digest) out(`Digest: ${check.digest} (compare with the digest the report quotes)`)
  for (const line of check.totals ? totalsLines(check.totals) : []) out(line)
  for (const o of check.organisations) out(`Organisation ${o.name} (${o.organisationId}): key fingerprint ${o.fingerprint ?? '(no key)'}`)
  for (const n of check.notes) out(`Note: ${n}`)
  for (const p of check.problems) err(`NOT OK: ${p}`)
  const unsigned = check.unsignedSnapshots ? ` and ${check.unsignedSnapshots} unsigned, accepted unproven` : ''
  out(check.ok ? `OK: ${check.signedSnapshots} signed snapshots${unsigned}; the totals are their sum.` : `NOT OK: ${check.problems.length} problem(s).`)
  return check.ok ? 0 : 1
}

/**
 * One line each, with every control character and bidi override of the file's text (names, times)
 * shown as '?': the file's writer chooses that text, and a newline, a terminal escape (one hides
 * all that follows) or a bidi override could make a failing file look OK on screen.
 */
const printable = (line: string) => line.replace(/[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, '?')
const out = (line: string) => console.log(printable(line))
const err = (line: string) => console.error(printable(line))

/** The totals per intervention and per measure bucket (summed over the breakdown cells), to compare with the report's figures. */
function totalsLines(totals: EvidenceContent['totals']): string[] {
  const counts = new Map<string, { referred: number; included: number; completed: number; includedCumulative: number }>()
  for (const r of totals.rows) {
    const t = counts.get(r.intervention) ?? { referred: 0, included: 0, completed: 0, includedCumulative: 0 }
    counts.set(r.intervention, { referred: t.referred + r.referred, included: t.included + r.included, completed: t.completed + r.completed, includedCumulative: t.includedCumulative + r.includedCumulative })
  }
  const measures = new Map<string, number>()
  for (const m of totals.measures) {
    const key = `${m.intervention} ${m.measure} ${m.bucket}`
    measures.set(key, (measures.get(key) ?? 0) + m.count)
  }
  return [
    'Totals (the sum of the snapshots):',
    ...[...counts].map(([i, t]) => `  ${i}: referred ${t.referred}, included ${t.included}, completed ${t.completed}, included up to the period's end ${t.includedCumulative}`),
    ...[...measures].map(([key, n]) => `  ${key}: ${n}`),
  ]
}

function usage(why: string): number {
  console.error(`${why}\nUsage: npm run verify-evidence -- <file> [--pin <organisation id>=<fingerprint> …] [--accept-unsigned]`)
  return 2
}

process.exitCode = await main(process.argv.slice(2))
