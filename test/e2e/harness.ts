/**
 * Starts the real server (built app, embedded database in a temporary directory; the server as its
 * production bundle, made once per run by test/support/serverBundle.ts) and Debian's Chromium through
 * playwright-core. Each test file gets its own of both.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { freePort } from '../freePort'
import { migratedPgliteDataDir } from '../server/helpers'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { expect, inject } from 'vitest'
import { LayoutCheck, testFileName } from './layout'
import { LogWatch, neverLog } from './logWatch'

export { neverLog }

const ROOT = new URL('../../', import.meta.url).pathname
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'


export interface Harness {
  baseUrl: string
  staticDir: string
  browser: Browser
  /** The server's data directory (PGlite's files), for scans. */
  dataDir: string
  /** What the admin CLI printed for each `setup` command, in order. */
  setupOutput: string[]
  /** What the server printed so far (never the one-time code: that is in dataDir/bootstrap-link.txt). */
  output: () => string
  /** Values the server must never log (also `neverLog` from this module, for helpers without the harness). */
  neverLog: (...values: (string | null | undefined)[]) => void
  /**
   * Stops browser and server, then fails if the server's output breaks the README's log promise:
   * a line that is not JSON (beyond the known start-up lines), a field beyond route, status, timing
   * and error kind, a request line without a route template, or any value the tests registered or
   * the harness saw (cookies, CSRF tokens, TOTP secrets, the bootstrap code, set-up passwords, ids
   * in paths, query values, request bodies) in any form (test/e2e/logWatch.ts, test/support/logScan.ts).
   */
  stop: () => Promise<void>
}

/**
 * How to start the server or the admin command: the bundle the e2e project's global set-up made
 * once for the run (test/support/serverBundle.ts: the production build, started with plain node), or
 * the TypeScript source through tsx where there is none (the harness used outside that project).
 */
function serverEntry(name: 'main' | 'admin'): string[] {
  const bundle = inject('serverBundle')
  if (bundle) return [join(bundle, `${name}.js`)]
  return ['--import', 'tsx', name === 'main' ? 'src/server/main.ts' : 'src/server/cli/admin.ts']
}

/**
 * Runs the admin commands on the data directory and returns what each printed. The directory they
 * leave and their output are kept in the run's bundle folder per list of commands, and a later
 * test file with the same list (referrals.e2e and referralCase.e2e run the same six) starts from a
 * copy of them instead of running the commands again (~2.8 s of CPU a command).
 */
function runSetup(dataDir: string, setup: string[][]): string[] {
  const run = () => setup.map((args) => execFileSync(process.execPath, [...serverEntry('admin'), ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8' }))
  const bundle = inject('serverBundle')
  if (!bundle || setup.length === 0) return run()
  const kept = join(bundle, 'setups', createHash('sha256').update(JSON.stringify(setup)).digest('hex').slice(0, 16))
  if (existsSync(join(kept, 'output.json'))) {
    rmSync(dataDir, { recursive: true, force: true })
    cpSync(join(kept, 'data'), dataDir, { recursive: true })
    return JSON.parse(readFileSync(join(kept, 'output.json'), 'utf8')) as string[]
  }
  const output = run()
  // Made under a temporary name and renamed: a file starting at the same time never copies half of it.
  const partial = `${kept}.${process.pid}.partial`
  cpSync(dataDir, join(partial, 'data'), { recursive: true })
  writeFileSync(join(partial, 'output.json'), JSON.stringify(output))
  try {
    renameSync(partial, kept)
  } catch {
    rmSync(partial, { recursive: true, force: true })
  }
  return output
}

/**
 * `setup`: admin CLI commands (e.g. ['org:create', 'Praktijk']) run on the data directory before the server starts.
 * The database starts as a copy of a migrated one (test/server/helpers.ts, migratedPgliteDataDir: saves
 * initdb and every migration, ~10 s of CPU, per start); `firstStart`: the server makes it itself, as on a
 * new install.
 */
export async function startHarness(options: { setup?: string[][]; firstStart?: boolean; env?: Record<string, string> } = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'swz-e2e-'))
  if (!options.firstStart) await migratedPgliteDataDir(join(dir, 'data'))
  const setupOutput = runSetup(join(dir, 'data'), options.setup ?? [])
  const staticDir = join(dir, 'dist')
  // A private copy of the build, so a test can publish a "new version" of the app.
  // E2E_DIST: another build folder (two people building at once on one machine).
  cpSync(join(ROOT, process.env.E2E_DIST ?? 'dist'), staticDir, { recursive: true })
  const port = await freePort()
  const server: ChildProcess = spawn(process.execPath, serverEntry('main'), {
    cwd: ROOT,
    // `env`: settings of the test's own (MAP_TILE_URL pointing at a local tile stub: tests never reach the internet).
    env: { ...process.env, ...options.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: join(dir, 'data'), STATIC_DIR: staticDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  server.stdout?.on('data', (d) => (output += d))
  server.stderr?.on('data', (d) => (output += d))
  const baseUrl = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    try {
      if ((await fetch(`${baseUrl}/api/health/ready`)).ok) break
    } catch {
      // not up yet
    }
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`The server did not start:\n${output}`)
    await new Promise((r) => setTimeout(r, 200))
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  // The layout check of every screen the tests visit (test/e2e/layout.ts); it hooks the browser first.
  const layout = new LayoutCheck(baseUrl, testFileName(expect.getState().testPath), undefined, inject('layoutSeen'))
  layout.watch(browser)
  const watch = new LogWatch(baseUrl)
  watch.fromSetup(options.setup ?? [], setupOutput)
  watch.watch(browser)
  // The first start's one-time code (a file, when stdout is no terminal): read now, it goes once used.
  const bootstrapFile = join(dir, 'data', 'bootstrap-link.txt')
  const bootstrapCode = existsSync(bootstrapFile) ? /Code: (\S+)/.exec(readFileSync(bootstrapFile, 'utf8'))?.[1] : undefined
  return {
    baseUrl,
    staticDir,
    dataDir: join(dir, 'data'),
    setupOutput,
    browser,
    output: () => output,
    neverLog,
    stop: async () => {
      const layoutProblems = await layout.finish(browser)
      await watch.settled()
      await browser.close()
      server.kill('SIGTERM')
      // 'close': the process has exited and its stdout and stderr are read to the end ('exit' may come before the last output).
      await new Promise((r) => server.once('close', r))
      rmSync(dir, { recursive: true, force: true })
      const problems = watch.problems(output, bootstrapCode ? [bootstrapCode] : [])
      if (problems.length) throw new Error(`The server's log breaks the README's promise (JSON lines: route templates, status and timing only):\n${problems.join('\n')}`)
      if (layoutProblems.length) throw new Error(`The layout check (test/e2e/layout.ts) found ${layoutProblems.length} problems at 320×640 and 640×400 (narrow-text: wraps in a box under 4ch; sideways-scroll; small-target: under 44×44 CSS px):\n${layoutProblems.join('\n')}`)
    },
  }
}
