/**
 * Backups. PGlite: a gzip tarball of the data directory (PGlite's own dump). PostgreSQL:
 * plain SQL from pg_dump (schema of the running app, with DROP … IF EXISTS first), restored
 * with psql in one transaction. Every write goes to a side file first, and a restore keeps
 * the old data until the new data has been opened and checked: nothing is lost halfway.
 */
import { execFile } from 'node:child_process'
import { existsSync, renameSync, rmSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'

const run = promisify(execFile)
const GZIP_MAGIC = [0x1f, 0x8b]

export async function backupPglite(dataDir: string, file: string): Promise<void> {
  const db = await PGlite.create(join(dataDir, 'pglite'))
  try {
    const dump = await db.dumpDataDir('gzip')
    await writeFile(`${file}.partial`, Buffer.from(await dump.arrayBuffer()))
    renameSync(`${file}.partial`, file)
  } finally {
    await db.close()
  }
}

export async function restorePglite(dataDir: string, file: string): Promise<number> {
  const bytes = await readFile(file)
  if (bytes[0] !== GZIP_MAGIC[0] || bytes[1] !== GZIP_MAGIC[1]) {
    throw new Error(`${file} is not a PGlite backup (expected a .tar.gz made by npm run db:backup).`)
  }
  const live = join(dataDir, 'pglite')
  const incoming = join(dataDir, 'pglite.restoring')
  rmSync(incoming, { recursive: true, force: true })
  const db = await PGlite.create(incoming, { loadDataDir: new Blob([bytes]) })
  let services: number
  try {
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM services')
    services = rows[0]!.n
  } catch (e) {
    await db.close()
    rmSync(incoming, { recursive: true, force: true })
    throw new Error(`The backup could not be opened, nothing was changed: ${(e as Error).message}`, { cause: e })
  }
  await db.close()
  const previous = `${live}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`
  if (existsSync(live)) renameSync(live, previous)
  renameSync(incoming, live)
  return services
}

/** The schema the app's tables live in (public, or a test's own schema via PGOPTIONS). */
async function currentSchema(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]!.s
  } finally {
    await client.end()
  }
}

export async function backupPostgres(url: string, file: string): Promise<void> {
  const schema = await currentSchema(url)
  await run('pg_dump', ['--clean', '--if-exists', '--no-owner', '--no-privileges', '--schema', schema, '--file', `${file}.partial`, url])
  renameSync(`${file}.partial`, file)
}

export async function restorePostgres(url: string, file: string): Promise<void> {
  const head = (await readFile(file, 'utf8')).slice(0, 2_000)
  if (!head.includes('PostgreSQL database dump')) throw new Error(`${file} is not a pg_dump SQL file.`)
  await run('psql', ['--quiet', '--single-transaction', '-v', 'ON_ERROR_STOP=1', '--file', file, url])
}
