import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { buildExampleMap } from '../../src/server/seed/exampleMap'
import { cli, closeDataDirs, freshDataDir } from './cli'

afterAll(closeDataDirs)

const exampleMap = buildExampleMap({ referenceDate: '2026-11-01' })

async function exportedIds(dataDir: string): Promise<string[]> {
  const out = join(dataDir, `export-${Date.now()}.json`)
  expect((await cli('hsdsExport', [out], dataDir)).code).toBe(0)
  return (JSON.parse(readFileSync(out, 'utf8')) as { id: string }[]).map((s) => s.id).sort()
}

describe('npm run db:backup / db:restore', () => {
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

  it('refuses a file that is not a backup and changes nothing', async () => {
    const dataDir = await freshDataDir()
    const file = join(dataDir, 'map.json')
    writeFileSync(file, JSON.stringify(exampleMap.slice(0, 2)))
    expect((await cli('hsdsImport', [file], dataDir)).code).toBe(0)
    const result = await cli('dbRestore', [file], dataDir)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/Restore failed, nothing was changed: .*is not a (PGlite backup|pg_dump SQL file)/)
    expect(await exportedIds(dataDir)).toHaveLength(2)
  })
})
