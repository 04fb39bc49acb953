/**
 * Backups. PGlite: a gzip tarball of the data directory (PGlite's own dump). PostgreSQL:
 * plain SQL from pg_dump (schema of the running app, with DROP … IF EXISTS first), gzipped,
 * restored with psql in one transaction. Either is sealed whole with AES-256-GCM under the
 * server key's backup key, and written with mode 0600: a copied backup file gives away
 * nothing without the server key, which is kept apart from backups (docs/operations.md).
 * Every write goes to a side file first, and a restore keeps the old data until the new data
 * has been opened and checked: nothing is lost halfway.
 */
import { spawn } from 'node:child_process'
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { createWriteStream, existsSync, renameSync, rmSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip, gunzipSync } from 'node:zlib'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { pgDumpInvocation, psqlInvocation, type PgInvocation } from './pgCommandLine'

export type BackupKind = 'pglite' | 'postgres'

/** A backup this app cannot restore here; the message says why in plain words. */
export class BackupError extends Error {}

// Header: magic, format version, kind, GCM nonce. It is the associated data, so none of it can be altered.
const MAGIC = Buffer.from('SWZ-BACKUP', 'latin1')
const VERSION = 1
const KIND_BYTE: Record<BackupKind, number> = { pglite: 1, postgres: 2 }
const IV_BYTES = 12
const TAG_BYTES = 16
const HEADER_BYTES = MAGIC.length + 2 + IV_BYTES
const KIND_NAME: Record<BackupKind, string> = { pglite: 'the embedded database (PGlite)', postgres: 'PostgreSQL' }

function header(kind: BackupKind, iv: Buffer): Buffer {
  return Buffer.concat([MAGIC, Buffer.from([VERSION, KIND_BYTE[kind]]), iv])
}

/**
 * Streams `content` sealed into `file` via `file.partial`, owner-only from the first byte.
 * `produced` is the producer's own verdict (pg_dump's exit status): a dump cut short never
 * replaces the file.
 */
async function writeSealed(file: string, key: Buffer, kind: BackupKind, content: Readable, produced: Promise<void> = Promise.resolve()): Promise<void> {
  const partial = `${file}.partial`
  rmSync(partial, { force: true })
  const iv = randomBytes(IV_BYTES)
  const head = header(kind, iv)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(head)
  const written = pipeline(
    content,
    cipher,
    async function* (sealed) {
      yield head
      for await (const chunk of sealed) yield chunk as Buffer
      yield cipher.getAuthTag()
    },
    createWriteStream(partial, { flags: 'wx', mode: 0o600 }),
  )
  const failed = (await Promise.allSettled([produced, written])).find((r) => r.status === 'rejected')
  if (failed) {
    rmSync(partial, { force: true })
    throw failed.reason
  }
  renameSync(partial, file)
}

/** The content of a sealed backup, or a BackupError that says plainly what is wrong. */
export function openSealed(bytes: Buffer, key: Buffer, expected: BackupKind, file: string): Buffer {
  if (bytes.length < HEADER_BYTES + TAG_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new BackupError(`${file} is not a backup of this app (make one with npm run db:backup).`)
  }
  const version = bytes[MAGIC.length]!
  if (version !== VERSION) throw new BackupError(`${file} was made by a newer version of this app (backup format ${version}); restore it with that version.`)
  const kind = (Object.keys(KIND_BYTE) as BackupKind[]).find((k) => KIND_BYTE[k] === bytes[MAGIC.length + 1])
  if (!kind) throw new BackupError(`${file} is not a backup of this app (unknown database kind).`)
  if (kind !== expected) throw new BackupError(`${file} is a backup of ${KIND_NAME[kind]}, but this server uses ${KIND_NAME[expected]}.`)
  const head = bytes.subarray(0, HEADER_BYTES)
  const decipher = createDecipheriv('aes-256-gcm', key, head.subarray(MAGIC.length + 2))
  decipher.setAAD(head)
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES))
  try {
    return Buffer.concat([decipher.update(bytes.subarray(HEADER_BYTES, bytes.length - TAG_BYTES)), decipher.final()])
  } catch {
    throw new BackupError(
      `${file} was made with another server key (or has been damaged). Restore it with the key it was made with: ` +
        `the same SERVER_KEY, or the server.key file of the data directory it came from.`,
    )
  }
}

export async function backupPglite(dataDir: string, file: string, key: Buffer): Promise<void> {
  const db = await PGlite.create(join(dataDir, 'pglite'))
  try {
    const dump = await db.dumpDataDir('gzip')
    await writeSealed(file, key, 'pglite', Readable.from([Buffer.from(await dump.arrayBuffer())]))
  } finally {
    await db.close()
  }
}

export async function restorePglite(dataDir: string, file: string, key: Buffer): Promise<number> {
  const tarball = openSealed(await readFile(file), key, 'pglite', file)
  const live = join(dataDir, 'pglite')
  const incoming = join(dataDir, 'pglite.restoring')
  rmSync(incoming, { recursive: true, force: true })
  let services: number
  try {
    const db = await PGlite.create(incoming, { loadDataDir: new Blob([new Uint8Array(tarball)]) })
    try {
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM services')
      services = rows[0]!.n
    } finally {
      await db.close()
    }
  } catch (e) {
    rmSync(incoming, { recursive: true, force: true })
    throw new Error(`The backup could not be opened, nothing was changed: ${(e as Error).message}`, { cause: e })
  }
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

function spawnPg(command: string, invocation: PgInvocation) {
  const child = spawn(command, invocation.args, { env: { ...process.env, ...invocation.env }, stdio: ['pipe', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<void>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} failed (exit ${code}): ${stderr.trim()}`))))
  })
  return { child, exited }
}

export async function backupPostgres(url: string, file: string, key: Buffer): Promise<void> {
  const { child, exited } = spawnPg('pg_dump', pgDumpInvocation(url, await currentSchema(url)))
  child.stdin.end()
  await writeSealed(file, key, 'postgres', child.stdout.pipe(createGzip()), exited)
}

export async function restorePostgres(url: string, file: string, key: Buffer): Promise<void> {
  // Opened whole before psql sees a byte: unauthenticated SQL is never run.
  const sql = gunzipSync(openSealed(await readFile(file), key, 'postgres', file))
  if (!sql.subarray(0, 2_000).toString('utf8').includes('PostgreSQL database dump')) throw new BackupError(`${file} does not hold a pg_dump SQL file.`)
  const { child, exited } = spawnPg('psql', psqlInvocation(url))
  child.stdout.resume()
  child.stdin.on('error', () => {}) // psql stopping early is reported by its exit status
  child.stdin.end(sql)
  await exited
}
