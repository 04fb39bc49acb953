/**
 * npm run bench — not a test: prints figures. Search build time, query latency (p50/p95)
 * and heap per engine at 1k, 10k and 50k synthetic services, our index against Fuse.js and
 * MiniSearch in the same process; the gzip size of the start page's JavaScript and CSS (the CSS
 * against the full NL Design System component library's, in the same run); then the
 * server's requests per second and p99 on PGlite and PostgreSQL side by side (bench/http.ts:
 * map fetch, count snapshots from 50 concurrent clients — today's, counts only, against the larger
 * snapshot with about 300 and 600 measure rows, as a ratio with p99 beside it — sign-in); then the case vault against
 * plain Dexie, and counting 10,000 cases on the device against reading their index (bench/vault.ts);
 * then sealing, sending, receiving and opening a referral for 1, 10 and 50 devices (bench/referrals.ts);
 * then the sign-in guard's cost against scrypt alone (bench/signInGuard.ts); then the method as data
 * (bench/method.ts): opening a case under a newer version against reading it, the guide's work
 * per change against the draft's own, a method version's download against the map's; then case sync
 * (bench/caseSync.ts): opening a case from a snapshot and 300 encrypted updates against the same Yjs
 * in clear, and the bytes of 100 edits on the wire; then the case record as a Yjs document
 * (bench/caseDoc.ts): a keystroke's doc write against the draft's JSON.stringify, reading the doc
 * back against the schema parse alone; then plans (bench/plans.ts): the resident's plan sealed and
 * opened against the same plan through JSON, and a shared samenwerkplan version for 1, 5 and 20
 * participants against sealing the whole case once; then the steering measures (bench/measures.ts):
 * facts and all measures for 10,000 cases against today's inclusion counting of the same cases; then
 * map updates by delta (bench/mapDelta.ts): bytes and time of one changed listing's delta against the
 * full document at 1,000 and 10,000 services; then Lighthouse on the start page (bench/lighthouse.ts):
 * mobile, throttled, median of three first visits, performance and accessibility against 0.95 and 1.
 * The last line is one JSON object.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { generateServices } from '../src/server/seed/syntheticServices'
import { httpBench } from './http'
import { caseDocBench } from './caseDoc'
import { methodBench } from './method'
import { caseSyncBench } from './caseSync'
import { planBench } from './plans'
import { mapDeltaBench } from './mapDelta'
import { lighthouseBench } from './lighthouse'
import { measuresBench } from './measures'
import { referralBench } from './referrals'
import { signInGuardBench } from './signInGuard'
import { countBench, vaultBench, vaultModesBench } from './vault'
import { fuse, miniSearch, ours, type Engine } from './searchEngines'
import { startPageAssets } from '../build/startPageAssets'

// BENCH_ONLY=search: the search section alone (it prints its own last line and stops).
const SEARCH_ONLY = process.env.BENCH_ONLY === 'search'
const SIZES = [1_000, 10_000, 50_000]
export const QUERIES: Record<string, string[]> = {
  prefix: ['wand', 'schuldh', 'geheug', 'mantelz', 'taalc'],
  typo: ['eenzamheid', 'wandelgorep', 'mantelzrog', 'vrijwiligers'],
  noDiacritics: ['cafe', 'coordinator', 'repair cafe'],
  multiWord: ['repair cafe heesch', 'hulp bij geldzaken oss', 'koffie inloop uden', 'geheugenkoor voor mensen met dementie'],
  // Everyday wording (issue 19): stop words, inflections, a need rather than a service's name.
  natural: ['hulp bij post', 'ik kan mijn brieven niet lezen', 'wandelgroep oss', 'ik voel me alleen', 'geldzorgen'],
}

const WARM_UP_MS = Number(process.env.BENCH_WARM_UP_MS ?? 1000)
const gc = (globalThis as { gc?: () => void }).gc
const heapMb = () => {
  gc?.()
  return process.memoryUsage().heapUsed / 1024 / 1024
}
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d

function measure(engine: Engine, services: ReturnType<typeof generateServices>, repetitions: number) {
  const before = heapMb()
  const t0 = performance.now()
  engine.build(services)
  const build = performance.now() - t0
  const heap = heapMb() - before
  const times: number[] = []
  const byKind: Record<string, number[]> = {}
  for (const [kind, queries] of Object.entries(QUERIES)) {
    // Warm up, so p95 measures searching rather than the JIT's compilations of each engine's code paths:
    // every engine gets the same time (WARM_UP_MS per query kind; at least three passes, at most 200),
    // Fuse one pass (a plain scan that a JIT does not change). Three passes alone left our several-words
    // path half compiled at 50,000 (its p95 was a cold start: docs/search.md, "Speed").
    const warmUntil = performance.now() + WARM_UP_MS
    for (let w = 0; w < (engine.name === 'fuse' ? 1 : 200) && (w < 3 || performance.now() < warmUntil); w++) for (const q of queries) engine.search(q)
    for (let r = 0; r < repetitions; r++) {
      for (const q of queries) {
        const s = performance.now()
        engine.search(q)
        const ms = performance.now() - s
        times.push(ms)
        ;(byKind[kind] ??= []).push(ms)
      }
    }
  }
  times.sort((a, b) => a - b)
  return {
    build_ms: round(build, 1),
    p50_ms: round(quantile(times, 0.5), 3),
    p95_ms: round(quantile(times, 0.95), 3),
    heap_mb: round(heap, 1),
    p95_by_kind_ms: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, round(quantile(v.sort((a, b) => a - b), 0.95), 3)])),
  }
}

// BENCH_DIST: another build folder (several people building on one machine).
const DIST = join(import.meta.dirname, '..', process.env.BENCH_DIST ?? 'dist')

/** What the start page loads (build/startPageAssets.ts, as the budget test counts it), or a note when there is no build. */
function startPage(): ReturnType<typeof startPageAssets> | { note: string } {
  if (!existsSync(join(DIST, '.vite', 'manifest.json'))) return { note: 'dist/ missing: run npm run build first' }
  return startPageAssets(DIST)
}

function startPageJs() {
  const assets = startPage()
  if ('note' in assets) return assets
  const gz = (u: string) => gzipSync(readFileSync(join(DIST, u))).length / 1024
  // The data worker loads beside the page, off its main thread.
  const worker = readdirSync(join(DIST, 'assets')).filter((f) => f.startsWith('dataWorker')).map((f) => `/assets/${f}`)
  const mainKb = assets.js.reduce((s, u) => s + gz(u), 0)
  return {
    main_thread_js_gzip_kb: round(mainKb, 1),
    aim_kb: 100,
    ratio_to_aim: round(mainKb / 100, 2),
    data_worker_js_gzip_kb: round(worker.reduce((s, u) => s + gz(u), 0), 1),
    files: assets.js,
  }
}

const results: Record<string, Record<string, ReturnType<typeof measure>>> = {}
for (const size of SIZES) {
  const services = generateServices(size)
  results[size] = {}
  for (const make of [ours, miniSearch, fuse]) {
    const engine = make()
    // Fuse scans every record per query: fewer repetitions keep the run short.
    const reps = engine.name === 'fuse' ? (size >= 50_000 ? 1 : size >= 10_000 ? 2 : 10) : 20
    const r = measure(engine, services, reps)
    results[size][engine.name] = r
    console.log(`${String(size).padStart(6)} ${engine.name.padEnd(15)} build ${String(r.build_ms).padStart(8)} ms  p50 ${String(r.p50_ms).padStart(8)} ms  p95 ${String(r.p95_ms).padStart(8)} ms  heap ${r.heap_mb} MB`)
  }
}
const at50k = results[50_000]!
const ratios = {
  p95_ours_vs_minisearch_50k: round(at50k.samenwerkwijze!.p95_ms / at50k.minisearch!.p95_ms, 3),
  p95_ours_vs_fuse_50k: round(at50k.samenwerkwijze!.p95_ms / at50k.fuse!.p95_ms, 4),
  build_ours_vs_minisearch_50k: round(at50k.samenwerkwijze!.build_ms / at50k.minisearch!.build_ms, 2),
  /** How many times faster than MiniSearch each query kind's p95 is at 50k (the aim: at least 20). */
  p95_speedup_vs_minisearch_by_kind_50k: Object.fromEntries(
    Object.keys(QUERIES).map((k) => [k, round(at50k.minisearch!.p95_by_kind_ms[k]! / at50k.samenwerkwijze!.p95_by_kind_ms[k]!, 1)]),
  ),
}
if (SEARCH_ONLY) {
  console.log('ratios', ratios)
  console.log(JSON.stringify({ search: results, ratios }))
  process.exit(0)
}
/**
 * The start page's CSS (build/startPageAssets.ts: what index.html links and the app's first chunks
 * bring) against the peer: @utrecht/component-library-css, all of NL Design System's Utrecht
 * components in one file, which is what we would load without picking per-component packages.
 */
function startPageCss() {
  const assets = startPage()
  if ('note' in assets) return assets
  const gz = (file: string) => gzipSync(readFileSync(file)).length / 1024
  const files = assets.css
  const kb = files.reduce((s, u) => s + gz(join(DIST, u)), 0)
  const peerKb = gz(join(import.meta.dirname, '..', 'node_modules', '@utrecht', 'component-library-css', 'dist', 'index.css'))
  return { start_css_gzip_kb: round(kb, 1), aim_kb: 15, ratio_to_aim: round(kb / 15, 2), full_nlds_library_css_gzip_kb: round(peerKb, 1), ratio_to_full_library: round(kb / peerKb, 2), files }
}

const js = startPageJs()
const css = startPageCss()
console.log('ratios', ratios, 'start page', js)
if ('start_css_gzip_kb' in css) console.log(`start page CSS: ${css.start_css_gzip_kb} KB gzip (aim ${css.aim_kb}), ${css.ratio_to_full_library}× the full NL Design System library's ${css.full_nlds_library_css_gzip_kb} KB`)
else console.log('start page CSS', css)
const server = await httpBench()
console.log('server', JSON.stringify(server, null, 1))
const cases = await vaultBench()
console.log('case vault', JSON.stringify(cases, null, 1))
const vaultModes = await vaultModesBench()
console.log('vault modes: unlock and offline guessing', JSON.stringify(vaultModes, null, 1))
const counting = await countBench()
console.log('counting on the device', JSON.stringify(counting, null, 1))
const referrals = await referralBench()
console.log('referrals', JSON.stringify(referrals, null, 1))
const signInGuard = await signInGuardBench()
console.log('sign-in guard', JSON.stringify(signInGuard, null, 1))
const method = methodBench()
console.log('method as data', JSON.stringify(method, null, 1))
const caseDoc = caseDocBench()
console.log('case as a Yjs document', JSON.stringify(caseDoc, null, 1))
const caseSync = await caseSyncBench()
console.log('case sync', JSON.stringify(caseSync, null, 1))
const plans = await planBench()
console.log('plans', JSON.stringify(plans, null, 1))
const measures = measuresBench()
console.log('steering measures', JSON.stringify(measures, null, 1))
const mapDelta = await mapDeltaBench()
console.log('map updates by delta', JSON.stringify(mapDelta, null, 1))
const lighthouse = await lighthouseBench()
console.log(`Lighthouse start page (mobile, throttled), median of ${lighthouse.runs}: performance ${lighthouse.median.performance} (aim 0.95), accessibility ${lighthouse.median.accessibility} (aim 1)`, JSON.stringify(lighthouse.median))
console.log(JSON.stringify({ search: results, ratios, startPage: js, startPageCss: css, server, cases, vaultModes, counting, referrals, signInGuard, method, caseDoc, caseSync, plans, measures, mapDelta, lighthouse, gcExposed: !!gc }))
