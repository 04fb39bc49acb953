import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { buildExampleMap } from '../../src/server/seed/exampleMap'
import { addMember, createOrganisation } from '../../src/server/auth/accounts'
import type { Database } from '../../src/server/db/database'
import { openSealed } from '../../src/server/db/backup'
import { loadServerKey, purposeKey } from '../../src/server/secrets/serverKey'
import { describeFindings, findSecrets } from '../support/secretScan'
import { PASSWORD } from './agent'
import { cli, closeDataDirs, freshDataDir, openDataDir } from './cli'
import { TEST_DATABASE_URL, TEST_SERVER_KEY } from './helpers'

afterAll(closeDataDirs)

const exampleMap = buildExampleMap({ referenceDate: '2026-11-01' })
const otherKey = () => randomBytes(32).toString('base64')

async function exportedIds(dataDir: string): Promise<string[]> {
  const out = join(dataDir, `export-${Date.now()}.json`)
  expect((await cli('hsdsExport', [out], dataDir)).code).toBe(0)
  return (JSON.parse(readFileSync(out, 'utf8')) as { id: string }[]).map((s) => s.id).sort()
}

/**
 * Every row of every table of the app's schema, as PostgreSQL prints it (all columns), sorted: what
 * "exactly as it was" compares. Opened in this process and closed again before the next command.
 */
async function everyRow(dataDir: string, seed?: (db: Database) => Promise<void>): Promise<Record<string, string[]>> {
  const db = await openDataDir(dataDir)
  try {
    await seed?.(db)
    const { rows: tables } = await db.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`,
    )
    const content: Record<string, string[]> = {}
    for (const { name } of tables) {
      const { rows } = await db.query<{ row: string }>(`SELECT t::text AS row FROM "${name}" t ORDER BY 1`)
      content[name] = rows.map((r) => r.row)
    }
    return content
  } finally {
    await db.close()
  }
}

/** What someone holding the file can read: its bytes, and what they unpack to when they are gzip. */
function readable(bytes: Buffer): Buffer[] {
  try {
    return [bytes, gunzipSync(bytes)]
  } catch {
    return [bytes] // not gzip: the bytes are all there is to read
  }
}

/** The backup key the commands for `dataDir` use (the test's SERVER_KEY on PostgreSQL, DATA_DIR/server.key on PGlite). */
function backupKeyOf(dataDir: string): Buffer {
  const serverKey = TEST_DATABASE_URL ? TEST_SERVER_KEY : loadServerKey({ dataDir, embedded: true })
  return purposeKey(serverKey, 'backup')
}

// Every step is a separate process opening the database: slow on a busy machine.
describe('npm run db:backup / db:restore', { timeout: 240_000 }, () => {
  it('restores every table exactly as it was when the backup was made', async () => {
    const dataDir = await freshDataDir()
    const first = join(dataDir, 'first.json')
    const second = join(dataDir, 'second.json')
    writeFileSync(first, JSON.stringify(exampleMap.slice(0, 3)))
    // After the backup: five new listings, and the first one changed in content under the same id.
    const changed = { ...exampleMap[0]!, name: 'Hernoemd na de back-up', description: 'Anders na de back-up.' }
    writeFileSync(second, JSON.stringify([changed, ...exampleMap.slice(3, 8)]))
    expect((await cli('hsdsImport', [first], dataDir)).code).toBe(0)
    // Beside the map: an organisation with a member (users, memberships, the audit log).
    let org = ''
    const before = await everyRow(dataDir, async (db) => {
      org = await createOrganisation(db, 'Welzijn Maashorst', null)
      await addMember(db, { email: 'ans@welzijn.example', name: 'Ans de Vries', password: PASSWORD }, org, 'sociaal-werker', null)
    })
    expect(before.services, 'the map to back up').toHaveLength(3)
    expect(Object.entries(before).filter(([, rows]) => rows.length).map(([table]) => table)).toEqual(
      expect.arrayContaining(['audit_log', 'map_version', 'memberships', 'organisations', 'services', 'users']),
    )

    const backup = join(dataDir, 'backup.dump')
    const made = await cli('dbBackup', [backup], dataDir)
    expect(made.code, made.stderr).toBe(0)

    expect((await cli('hsdsImport', [second], dataDir)).code).toBe(0)
    // And beside the map: a second member (so a membership and an audit line more), and the first one's row changed.
    const between = await everyRow(dataDir, async (db) => {
      await addMember(db, { email: 'bert@welzijn.example', name: 'Bert Jansen', password: PASSWORD }, org, 'sociaal-werker', null)
      await db.query(`UPDATE users SET name = 'Ans Hernoemd' WHERE email = 'ans@welzijn.example'`)
    })
    expect(between.services).toHaveLength(8)
    for (const table of ['users', 'memberships', 'audit_log']) expect(between[table], `the table ${table} changed after the backup`).not.toEqual(before[table])
    expect(between.users?.find((r) => r.includes('ans@welzijn.example'))).toContain('Ans Hernoemd')
    // Planted: a change of content alone (the same id) is seen by this comparison.
    const rowOf = (rows: string[] | undefined) => rows?.find((r) => r.includes(changed.id))
    expect(rowOf(between.services)).toContain(changed.name)
    expect(rowOf(between.services)).not.toBe(rowOf(before.services))

    const restored = await cli('dbRestore', [backup], dataDir)
    expect(restored.code, restored.stderr).toBe(0)
    const after = await everyRow(dataDir)
    expect(Object.keys(after)).toEqual(Object.keys(before))
    for (const table of Object.keys(before)) expect(after[table], `the table ${table}`).toEqual(before[table])
  })

  it('writes a backup only its owner can read, in which no name or e-mail address can be found', async () => {
    const dataDir = await freshDataDir()
    const map = join(dataDir, 'map.json')
    writeFileSync(map, JSON.stringify(exampleMap.slice(0, 3)))
    expect((await cli('hsdsImport', [map], dataDir)).code).toBe(0)
    expect((await cli('admin', ['org:create', 'Welzijn Maashorst'], dataDir)).code).toBe(0)
    const email = 'geheim.adres@welzijn.example'
    expect((await cli('admin', ['user:create', email, 'Ans Geheim', 'Welzijn Maashorst', 'sociaal-werker'], dataDir)).code).toBe(0)

    const backup = join(dataDir, 'backup.dump')
    const made = await cli('dbBackup', [backup], dataDir)
    expect(made.code, made.stderr).toBe(0)

    expect((statSync(backup).mode & 0o777).toString(8)).toBe('600')
    // The person and their organisation (the map's listings are public, and PGlite keeps their long documents compressed).
    const known = ['Ans Geheim', email, 'Welzijn Maashorst']
    const bytes = readFileSync(backup)
    expect(bytes.length).toBeGreaterThan(1000)
    expect(describeFindings(readable(bytes).flatMap((b) => findSecrets(b, known, backup)))).toEqual([])
    // Planted: opened with the server key, the same backup shows all three to the same scan.
    const opened = openSealed(bytes, backupKeyOf(dataDir), TEST_DATABASE_URL ? 'postgres' : 'pglite', backup)
    const seen = new Set(readable(opened).flatMap((b) => findSecrets(b, known, 'opened backup')).map((f) => f.secret))
    expect([...seen].sort()).toEqual([...known].sort())
  })

  it('refuses a backup made with another server key and changes nothing', async () => {
    const dataDir = await freshDataDir()
    const map = join(dataDir, 'map.json')
    writeFileSync(map, JSON.stringify(exampleMap.slice(0, 2)))
    expect((await cli('hsdsImport', [map], dataDir)).code).toBe(0)
    const backup = join(dataDir, 'backup.dump')
    const made = await cli('dbBackup', [backup], dataDir, { env: { SERVER_KEY: otherKey() } })
    expect(made.code, made.stderr).toBe(0)
    writeFileSync(map, JSON.stringify(exampleMap.slice(2, 5)))
    expect((await cli('hsdsImport', [map], dataDir)).code).toBe(0)

    const result = await cli('dbRestore', [backup], dataDir)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/Restore failed, nothing was changed: .*was made with another server key/)
    expect(await exportedIds(dataDir)).toHaveLength(5)
    expect(readdirSync(dataDir).filter((f) => f.includes('before-restore') || f.includes('restoring'))).toEqual([])
  })

  it('refuses a file that is not a backup and changes nothing', async () => {
    const dataDir = await freshDataDir()
    const file = join(dataDir, 'map.json')
    writeFileSync(file, JSON.stringify(exampleMap.slice(0, 2)))
    expect((await cli('hsdsImport', [file], dataDir)).code).toBe(0)
    const result = await cli('dbRestore', [file], dataDir)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/Restore failed, nothing was changed: .*is not a backup of this app/)
    expect(await exportedIds(dataDir)).toHaveLength(2)
  })
})
