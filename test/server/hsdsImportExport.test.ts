import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import { afterAll, describe, expect, it } from 'vitest'
import { lockDataDir } from '../../src/server/db/dataDirLock'
import { buildExampleMap } from '../../src/server/seed/exampleMap'
import { generateServices } from '../../src/server/seed/syntheticServices'
import { recordsOf, validateRecords } from '../../src/server/socialMap/hsdsImport'
import { cli as runCli, closeDataDirs, freshDataDir, ROOT } from './cli'

const HSDS = join(ROOT, '../shared/hsds-3.0')
const compiledSchema = JSON.parse(readFileSync(join(HSDS, 'schema/compiled/service.json'), 'utf8')) as object
const ajv = new Ajv({ strict: false, allErrors: true })
addFormats.default(ajv)
const validateHsds = ajv.compile(compiledSchema)

afterAll(closeDataDirs)

const cli = (script: 'hsdsImport' | 'hsdsExport', file: string, dataDir: string, options: { pgliteOnly?: boolean } = {}) => runCli(script, [file], dataDir, options)

describe('HSDS import checks', () => {
  const valid = buildExampleMap({ referenceDate: '2026-11-01' }).slice(0, 3)

  it('reads a JSON array, an API page with "contents", and a single service', () => {
    expect(recordsOf(JSON.stringify(valid))).toHaveLength(3)
    expect(recordsOf(JSON.stringify({ total_items: 3, contents: valid }))).toHaveLength(3)
    expect(recordsOf(readFileSync(join(HSDS, 'examples/service_full.json'), 'utf8'))).toHaveLength(1)
    expect(() => recordsOf('{"foo": 1}')).toThrow(/JSON array of HSDS services/)
    expect(() => recordsOf('[{')).toThrow(/not valid JSON/)
  })

  it('reports each rejected record with its index, id and reason, and keeps the valid ones', () => {
    const bad = { ...valid[1]!, schedules: [{ id: valid[1]!.id, opens_at: '25:00' }] }
    const dup = { ...valid[2]!, id: valid[0]!.id }
    const result = validateRecords([valid[0], bad, dup, { name: 'no id' }])
    expect(result.valid.map((s) => s.id)).toEqual([valid[0]!.id])
    expect(result.rejected).toEqual([
      { index: 1, id: valid[1]!.id, reason: expect.stringMatching(/schedules\.0\.opens_at: must be a time/) },
      { index: 2, id: valid[0]!.id, reason: 'duplicate id: the same id is already used by record 0' },
      { index: 3, id: undefined, reason: expect.stringMatching(/^id: /) },
    ])
  })
})

// Every step is a separate process opening the database (as in adminCli and backup): slow on a busy machine.
describe('npm run hsds:import / hsds:export', { timeout: 120_000 }, () => {
  it('imports the official examples and exports them unchanged, valid against the HSDS schema', async () => {
    const dataDir = await freshDataDir()
    const out = join(dataDir, 'export.json')
    const imported = await cli('hsdsImport', join(HSDS, 'examples/service_full.json'), dataDir)
    expect(imported.code).toBe(0)
    expect(imported.stdout).toMatch(/1 of 1 services stored/)
    expect((await cli('hsdsExport', out, dataDir)).code).toBe(0)
    const exported = JSON.parse(readFileSync(out, 'utf8')) as unknown[]
    expect(exported).toEqual([JSON.parse(readFileSync(join(HSDS, 'examples/service_full.json'), 'utf8'))])
    for (const s of exported) expect(validateHsds(s), ajv.errorsText(validateHsds.errors)).toBe(true)

    // The API-page example holds a smaller version of the same service.
    const listDir = await freshDataDir()
    expect((await cli('hsdsImport', join(HSDS, 'examples/service_list.json'), listDir)).code).toBe(0)
    expect((await cli('hsdsExport', out, listDir)).code).toBe(0)
    const page = JSON.parse(readFileSync(join(HSDS, 'examples/service_list.json'), 'utf8')) as { contents: unknown[] }
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(page.contents)
  })

  it('exports the example map (with our extensions) valid against the compiled HSDS service schema', () => {
    for (const s of buildExampleMap({ referenceDate: '2026-11-01' })) expect(validateHsds(s), ajv.errorsText(validateHsds.errors)).toBe(true)
  })

  it('exits non-zero and lists what it rejected, storing the rest', async () => {
    const dataDir = await freshDataDir()
    const [a, b] = buildExampleMap({ referenceDate: '2026-11-01' })
    const file = join(dataDir, 'mixed.json')
    writeFileSync(file, JSON.stringify([a, { ...b, description: 'x'.repeat(2_000_000) }]))
    const result = await cli('hsdsImport', file, dataDir)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`Rejected record 1 (id ${b!.id}): description: must be at most 10000 characters`)
    expect(result.stdout).toMatch(/1 of 2 services stored/)
  })

  it('shows progress on a large file and stores every record', async () => {
    const dataDir = await freshDataDir()
    const file = join(dataDir, 'large.json')
    writeFileSync(file, JSON.stringify({ contents: generateServices(1_500) }))
    const result = await cli('hsdsImport', file, dataDir)
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('Checking: 500/1500 (30%)')
    expect(result.stderr).toContain('Checking: 1500/1500 (100%)')
    expect(result.stderr).toContain('Storing: 0/1500 (0%)')
    expect(result.stderr).toContain('Storing: 1500/1500 (100%)')
    expect(result.stdout).toMatch(/1500 of 1500 services stored/)
  })

  it('leaves the previous data intact when the file cannot be read', async () => {
    const dataDir = await freshDataDir()
    const file = join(dataDir, 'one.json')
    writeFileSync(file, JSON.stringify(buildExampleMap({ referenceDate: '2026-11-01' }).slice(0, 2)))
    expect((await cli('hsdsImport', file, dataDir)).code).toBe(0)
    writeFileSync(file, '[{"id": ')
    const broken = await cli('hsdsImport', file, dataDir)
    expect(broken.code).toBe(2)
    expect(broken.stderr).toMatch(/not valid JSON/)
    const out = join(dataDir, 'out.json')
    await cli('hsdsExport', out, dataDir)
    expect(JSON.parse(readFileSync(out, 'utf8'))).toHaveLength(2)
  })

  it('says plainly that the server holds the database instead of touching it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'swz-'))
    const release = lockDataDir(dataDir, 'server')
    try {
      // The lock is PGlite's: one process owns a data directory.
      const result = await cli('hsdsExport', join(dataDir, 'out.json'), dataDir, { pgliteOnly: true })
      expect(result.code).toBe(3)
      expect(result.stderr).toMatch(new RegExp(`in use by the server \\(process ${process.pid}\\)\\. Stop it first`))
    } finally {
      release()
    }
  })
})
