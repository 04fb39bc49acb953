/** Runs the project's command-line tools against a fresh database (PGlite dir or PostgreSQL schema). */
import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { TEST_DATABASE_URL, testDatabase } from './helpers'

const run = promisify(execFile)
export const ROOT = new URL('../../', import.meta.url).pathname

const targets = new Map<string, Record<string, string>>()
const closers: (() => Promise<void>)[] = []

/** A new data directory; on the PostgreSQL run also a new schema the commands will use. */
export async function freshDataDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'swz-'))
  if (TEST_DATABASE_URL) {
    const { close, env } = await testDatabase()
    closers.push(close)
    targets.set(dir, env)
  }
  return dir
}

export async function closeDataDirs(): Promise<void> {
  for (const close of closers.splice(0)) await close()
}

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

export async function cli(script: string, args: string[], dataDir: string, options: { pgliteOnly?: boolean } = {}): Promise<CliResult> {
  const env = { ...process.env }
  delete env.DATABASE_URL
  const dbEnv = options.pgliteOnly ? {} : (targets.get(dataDir) ?? {})
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', `src/server/cli/${script}.ts`, ...args], { cwd: ROOT, env: { ...env, DATA_DIR: dataDir, ...dbEnv } })
    return { code: 0, stdout, stderr }
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string }
    return { code: err.code, stdout: err.stdout, stderr: err.stderr }
  }
}
