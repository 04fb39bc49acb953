import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { buildExampleMap } from '../../src/server/seed/exampleMap'
import { cli, closeDataDirs, freshDataDir } from './cli'

afterAll(closeDataDirs)

const exampleMap = buildExampleMap({ referenceDate: '2026-11-01' })
const otherKey = () => randomBytes(32).toString('base64')

async function exportedIds(dataDir: string): Promise<string[]> {
  const out = join(dataDir, `export-${Date.now()}.json`)
  expect((await cli('hsdsExport', [out], dataDir)).code).toBe(0)
  return (JSON.parse(readFileSync(out, 'utf8')) as { id: string }[]).map((s) => s.id).sort()
}

/** What someone holding the file can read: its bytes, and what they unpack to when they are gzip. */
function readableText(file: string): string {
  const bytes = readFileSync(file)
  let unpacked = ''
  try {
    unpacked = gunzipSync(bytes).toString('latin1')
  } catch {
    // Not gzip: the bytes are all there is to read.
  }
  return bytes.toString('latin1') + unpacked
}

// Every step is a separate process opening the database: slow on a busy machine.
describe('npm run db:backup / db:restore', { timeout: 240_000 }, () => {
  it('restores the map exactly as it was when the backup was made', async () => {
    const dataDir = await freshDataDir()
    const first = join(dataDir, 'first.json')
    const second = join(dataDir, 'second.json')
    writeFileSync(first, JSON.stringify(exampleMap.slice(0, 3)))
    writeFileSync(second, JSON.stringify(exampleMap.slice(3, 8)))
    expect((await cli('hsdsImport', [first], dataDir)).code).toBe(0)
    const before = await exportedIds(dataDir)

    const backup = join(dataDir, 'backup.dump')
    const made = await cli('dbBackup', [backup], dataDir)
    expect(made.code, made.stderr).toBe(0)

    expect((await cli('hsdsImport', [second], dataDir)).code).toBe(0)
    expect(await exportedIds(dataDir)).toHaveLength(8)

    const restored = await cli('dbRestore', [backup], dataDir)
    expect(restored.code, restored.stderr).toBe(0)
    expect(await exportedIds(dataDir)).toEqual(before)
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
    const text = readableText(backup)
    expect(text.length).toBeGreaterThan(1000)
    for (const known of [exampleMap[0]!.name, email, 'Welzijn Maashorst']) expect(text).not.toContain(known)
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
