/** Runs the project's command-line tools against a fresh database (PGlite dir or PostgreSQL schema). */
import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { inject } from 'vitest'
import { openDatabase, type Database } from '../../src/server/db/database'
import { migratedPgliteDataDir, TEST_DATABASE_URL, TEST_SERVER_KEY, testDatabase } from './helpers'

const run = promisify(execFile)
export const ROOT = new URL('../../', import.meta.url).pathname

const targets = new Map<string, Record<string, string>>()
const closers: (() => Promise<void>)[] = []

/** A new data directory; on the PostgreSQL run also a new schema the commands will use. */
export async function freshDataDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'swz-'))
  if (!TEST_DATABASE_URL) {
    // Its PGlite database starts as a copy of a migrated one (helpers.ts, migratedPgliteDataDir)
    // instead of initdb and every migration in the first command's process.
    await migratedPgliteDataDir(dir)
  } else {
    const { close, env } = await testDatabase()
    closers.push(close)
    // Several processes share one PostgreSQL: there the server key comes from SERVER_KEY.
    targets.set(dir, { ...env, SERVER_KEY: TEST_SERVER_KEY.toString('base64') })
  }
  return dir
}

/** The database the commands for `dataDir` use, opened in this process (close it before the next command on PGlite). */
export function openDataDir(dataDir: string): Promise<Database> {
  const schema = /search_path=(\w+)/.exec(targets.get(dataDir)?.PGOPTIONS ?? '')?.[1]
  return TEST_DATABASE_URL && schema ? openDatabase({ kind: 'postgres', url: TEST_DATABASE_URL, schema }) : openDatabase({ kind: 'pglite', dataDir })
}

export async function closeDataDirs(): Promise<void> {
  for (const close of closers.splice(0)) await close()
}

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** The environment a command or server started for `dataDir` gets (its database, on the PostgreSQL run). */
export function envFor(dataDir: string, options: { pgliteOnly?: boolean; env?: Record<string, string> } = {}): NodeJS.ProcessEnv {
  const env = { ...process.env }
  delete env.DATABASE_URL
  delete env.SERVER_KEY
  const dbEnv = options.pgliteOnly ? {} : (targets.get(dataDir) ?? {})
  return { ...env, DATA_DIR: dataDir, ...dbEnv, ...options.env }
}

/**
 * Runs a command-line tool (src/server/cli/<script>.ts) as its own process: from the bundle the
 * server project's global set-up made once for the run (test/support/serverBundle.ts: the
 * production build, plain node, ~1.2 s of CPU less a process), or through tsx as `npm run <tool>`
 * does when `tsx` is set or there is no bundle.
 */
export async function cli(script: string, args: string[], dataDir: string, options: { pgliteOnly?: boolean; env?: Record<string, string>; tsx?: boolean } = {}): Promise<CliResult> {
  const bundle = options.tsx ? undefined : inject('serverBundle')
  const entry = bundle ? [join(bundle, `${script}.js`)] : ['--import', 'tsx', `src/server/cli/${script}.ts`]
  try {
    const { stdout, stderr } = await run(process.execPath, [...entry, ...args], { cwd: ROOT, env: envFor(dataDir, options) })
    return { code: 0, stdout, stderr }
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string }
    return { code: err.code, stdout: err.stdout, stderr: err.stderr }
  }
}
