/**
 * npm run hsds:import -- <file>
 * Stores every valid service of an HSDS file; lists each rejected record with its index,
 * id and reason, and exits 1 when anything was rejected (2 on an unreadable file,
 * 3 when the server holds the database). Storing is all-or-nothing.
 */
import { readFile, stat } from 'node:fs/promises'
import { ImportFileError, recordsOf, validateRecords } from '../socialMap/hsdsImport'
import { storeServices } from '../socialMap/repository'
import { fail, openForCli } from './openForCli'
import { progressBar } from './progress'

const MAX_FILE_BYTES = 512 * 1024 * 1024
const PROGRESS_FROM = 1_000

async function main() {
  const file = process.argv[2]
  if (!file) fail('Usage: npm run hsds:import -- <file.json>')
  const size = await stat(file).then((s) => s.size, () => fail(`Cannot read ${file}: no such file.`))
  if (size > MAX_FILE_BYTES) fail(`${file} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB; split it into smaller files.`)
  let records: unknown[]
  try {
    records = recordsOf(await readFile(file, 'utf8'))
  } catch (e) {
    if (e instanceof ImportFileError) fail(`${file}: ${e.message}`)
    throw e
  }
  const progress = records.length >= PROGRESS_FROM ? progressBar('Checking', records.length) : undefined
  const { valid, rejected, total } = validateRecords(records, progress)
  for (const r of rejected) console.error(`Rejected record ${r.index} (id ${r.id ?? 'missing'}): ${r.reason}`)

  const { db, done } = await openForCli('import command')
  try {
    const storing = valid.length >= PROGRESS_FROM ? progressBar('Storing', valid.length) : undefined
    const version = valid.length ? await storeServices(db, valid, storing) : undefined
    console.log(
      `${valid.length} of ${total} services stored` +
        (version !== undefined ? `; the social map is now version ${version}.` : '; nothing was changed.') +
        (rejected.length ? ` ${rejected.length} rejected (see above).` : ''),
    )
  } finally {
    await done()
  }
  process.exit(rejected.length ? 1 : 0)
}

main().catch((e: unknown) => fail(`Import failed, nothing was changed: ${e instanceof Error ? e.message : String(e)}`))
