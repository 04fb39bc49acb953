/**
 * Server figures: requests per second and latency percentiles for fetching the social map, for
 * count snapshots from 50 clients (today's, counts only, against the larger snapshot of issue 18
 * with a realistic measures array, in the same run: the ratio with p99 beside it) and for the
 * password step of sign-in, with the real server process on PGlite and on PostgreSQL, the same
 * load from this process against each. Without a PostgreSQL the output says so; no figure is made up.
 */
import { spawn, execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { ApiClient, bootstrapCode } from '../test/e2e/apiClient'
import { countingPhone } from '../test/e2e/countingPhone'
import { freePort } from '../test/freePort'
import { signMessage } from '../src/shared/crypto/signatures'
import { factsOf } from '../src/shared/kpi/caseFacts'
import { countMeasures } from '../src/shared/kpi/measureCounts'
import type { MeasureRow } from '../src/shared/kpi/measures'
import { snapshotMessage } from '../src/shared/kpi/snapshot'
import { BUNDLED_METHOD } from '../src/shared/method/sigMethod'
import { generateCases } from './measures'

const ROOT = new URL('..', import.meta.url).pathname
const PASSWORD = 'Zilver-Reiger-Over-Maas-7'


async function startServer(env: Record<string, string>) {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'swz-bench-'))
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    // SERVER_KEY: required on PostgreSQL (several processes share it); PGlite would make its own.
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dir, STATIC_DIR: join(dir, 'none'), LOG_LEVEL: 'silent', SIGN_IN_LIMITS: '100000000,100000000', SERVER_KEY: randomBytes(32).toString('base64'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; i < 300; i++) {
    try {
      // Not a terminal: the one-time start link goes to a 0600 file in the data directory.
      if ((await fetch(`${base}/api/health/ready`)).ok && existsSync(join(dir, 'bootstrap-link.txt'))) break
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  if (!existsSync(join(dir, 'bootstrap-link.txt'))) throw new Error(`server did not start:\n${out}`)
  const code = bootstrapCode(dir)
  const res = await fetch(`${base}/api/auth/bootstrap`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code, organisation: 'Bench', name: 'Bench', email: 'bench@example.org', password: PASSWORD }),
  })
  if (res.status !== 201) throw new Error(`bootstrap failed: ${res.status}`)
  const { organisationId } = (await res.json()) as { organisationId: string }
  return {
    base,
    organisationId,
    stop: async () => {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** `concurrency` loops send requests for `seconds`; every answer must be the expected status. */
async function load(seconds: number, concurrency: number, send: () => Promise<Response>, expected: number) {
  const latencies: number[] = []
  let failures = 0
  const end = performance.now() + seconds * 1000
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now()
        const res = await send()
        await res.arrayBuffer()
        latencies.push(performance.now() - t)
        if (res.status !== expected) failures++
      }
    }),
  )
  latencies.sort((a, b) => a - b)
  const q = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]! * 100) / 100
  return { requests: latencies.length, rps: Math.round(latencies.length / seconds), p50_ms: q(0.5), p99_ms: q(0.99), failures }
}

const INGEST_CLIENTS = 50

/**
 * A realistic measures array (issue 18): one half-year's rows of one worker's cases, counted by the
 * app's own code from generated cases (bench/measures.ts) — 100 cases over three years (about 300
 * rows in 2026-H1) and a busy worker's 200 (about 600).
 */
function measureRows(cases: number): MeasureRow[] {
  return countMeasures(generateCases(cases).map((c) => factsOf(c, BUNDLED_METHOD)), '2026-H1', '2027-10-01')
}
const MEASURE_SNAPSHOTS = [
  { name: 'measures_100_cases', period: '2026-H1', measures: measureRows(100) },
  { name: 'measures_200_cases', period: '2025-H2', measures: measureRows(200) },
] as const

/**
 * Count snapshots: 50 social workers, each signed in with their own session bound to their own
 * approved phone, each sending the signed snapshot of their phone for one period again and again
 * with a rising version (every one is stored: the old counts replaced), as phones coming online
 * would. First today's snapshot (counts only, signed v1), then the same counts with a measures
 * array (signed v2; the measures replaced whole each time), each in its own period so one does not
 * replace the other's rows.
 */
async function ingestLoad(server: { base: string; organisationId: string }) {
  const admin = new ApiClient(server.base)
  await admin.signInFirstTime('bench@example.org', PASSWORD)
  const clients = await Promise.all(
    Array.from({ length: INGEST_CLIENTS }, async (_, n) => {
      const email = `werker${n}@example.org`
      await admin.invite(server.organisationId, { email, name: `Werker ${n}`, role: 'sociaal-werker' }, PASSWORD)
      const client = new ApiClient(server.base)
      await client.signInFirstTime(email, PASSWORD)
      // An approved phone bound to the session, with the counting id the server issued it (issue 11).
      return { client, phone: await countingPhone(client, admin, server.organisationId, `Telefoon ${n}`), version: 0 }
    }),
  )
  const rows = ['Oss', 'Bernheze', 'Boekel'].flatMap((municipality) =>
    (['wor', 'vg', 'sa'] as const).map((intervention) => ({ intervention, municipality, referrerType: 'huisarts', referred: 9, included: 7, completed: 2, includedCumulative: 11 })),
  )
  let next = 0
  const run = (period: string, measures?: readonly MeasureRow[]) =>
    load(5, INGEST_CLIENTS, async () => {
      const c = clients[next++ % INGEST_CLIENTS]!
      // The phone's clock as the version, rising; each snapshot signed by the phone as the app does.
      c.version = Math.max(c.version + 1, Date.now())
      let body: Record<string, unknown>
      if (!measures) body = await c.phone.snapshot(period, c.version, rows)
      else {
        const unsigned = { counterId: c.phone.counterId, period, snapshotVersion: c.version, rows, measures: [...measures] }
        body = { ...unsigned, signature: await signMessage(c.phone.device.keys.signing.privateKey, await snapshotMessage({ ...unsigned, organisationId: server.organisationId })) }
      }
      return fetch(`${server.base}/api/kpi/snapshots`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Cookie: c.client.cookie, 'X-CSRF-Token': c.client.csrf },
        body: JSON.stringify(body),
      })
    }, 200)
  const countsOnly = await run('2026-H2')
  const withMeasures: Record<string, Awaited<ReturnType<typeof load>> & { measure_rows: number; body_kb: number }> = {}
  for (const m of MEASURE_SNAPSHOTS) {
    const bodyKb = Math.round(JSON.stringify({ rows, measures: m.measures }).length / 102.4) / 10
    withMeasures[m.name] = { measure_rows: m.measures.length, body_kb: bodyKb, ...(await run(m.period, m.measures)) }
  }
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100
  return {
    countsOnly,
    withMeasures,
    // The larger snapshot against today's on the same server and clients: requests per second as a ratio, p99 beside it.
    measuresVsCountsOnly: Object.fromEntries(
      Object.entries(withMeasures).map(([name, m]) => [name, { measure_rows: m.measure_rows, rps_ratio: ratio(m.rps, countsOnly.rps), p99_ms: m.p99_ms, p99_ms_counts_only: countsOnly.p99_ms, p99_ratio: ratio(m.p99_ms, countsOnly.p99_ms), failures: m.failures }]),
    ),
  }
}

async function measure(env: Record<string, string>) {
  const server = await startServer(env)
  try {
    const map = await load(5, 16, () => fetch(`${server.base}/api/social-map`, { headers: { 'Accept-Encoding': 'gzip' } }), 200)
    const kpiIngest = await ingestLoad(server)
    const signIn = await load(5, 8, () => fetch(`${server.base}/api/auth/sign-in`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'bench@example.org', password: PASSWORD }) }), 200)
    return {
      social_map: map,
      kpi_ingest_50_clients: kpiIngest.countsOnly,
      kpi_ingest_with_measures_50_clients: kpiIngest.withMeasures,
      kpi_ingest_measures_vs_counts_only: kpiIngest.measuresVsCountsOnly,
      sign_in: signIn,
    }
  } finally {
    await server.stop()
  }
}

/** A PostgreSQL URL: TEST_DATABASE_URL, or (as root, Debian) the cluster .ci/postgres.sh starts. */
function postgresUrl(): string | undefined {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL
  if (process.getuid?.() !== 0) return undefined
  try {
    return execFileSync('bash', ['.ci/postgres.sh'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').at(-1)
  } catch {
    return undefined
  }
}

export async function httpBench() {
  const pglite = await measure({})
  const url = postgresUrl()
  let postgres: Awaited<ReturnType<typeof measure>> | { skipped: string } = { skipped: 'no PostgreSQL available (set TEST_DATABASE_URL)' }
  if (url) {
    const schema = `bench_${Date.now()}`
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    await admin.query(`CREATE SCHEMA ${schema}`)
    try {
      postgres = await measure({ DATABASE_URL: url, PGOPTIONS: `-c search_path=${schema}` })
    } finally {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`)
      await admin.end()
    }
  }
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100
  const ratios =
    'social_map' in postgres
      ? {
          social_map_rps_postgres_vs_pglite: ratio(postgres.social_map.rps, pglite.social_map.rps),
          sign_in_rps_postgres_vs_pglite: ratio(postgres.sign_in.rps, pglite.sign_in.rps),
          kpi_ingest_rps_postgres_vs_pglite: ratio(postgres.kpi_ingest_50_clients.rps, pglite.kpi_ingest_50_clients.rps),
          kpi_ingest_p99_postgres_vs_pglite: ratio(postgres.kpi_ingest_50_clients.p99_ms, pglite.kpi_ingest_50_clients.p99_ms),
          ...Object.fromEntries(
            Object.keys(pglite.kpi_ingest_with_measures_50_clients).flatMap((name) => [
              [`kpi_ingest_${name}_rps_postgres_vs_pglite`, ratio(postgres.kpi_ingest_with_measures_50_clients[name]!.rps, pglite.kpi_ingest_with_measures_50_clients[name]!.rps)],
              [`kpi_ingest_${name}_p99_postgres_vs_pglite`, ratio(postgres.kpi_ingest_with_measures_50_clients[name]!.p99_ms, pglite.kpi_ingest_with_measures_50_clients[name]!.p99_ms)],
            ]),
          ),
        }
      : {}
  return { pglite, postgres, ratios }
}
