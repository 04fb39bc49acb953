/** npm run hsds:export -- <file>: writes the social map as a JSON array of compiled HSDS services. */
import { rename, writeFile } from 'node:fs/promises'
import { listServices } from '../socialMap/repository'
import { fail, openForCli } from './openForCli'

async function main() {
  const file = process.argv[2]
  if (!file) fail('Usage: npm run hsds:export -- <file.json>')
  const { db, done } = await openForCli('export command')
  try {
    const services = await listServices(db)
    // Write beside the target and rename, so a crash never leaves half a file.
    const tmp = `${file}.partial`
    await writeFile(tmp, JSON.stringify(services, null, 2))
    await rename(tmp, file)
    console.log(`${services.length} services written to ${file}.`)
  } finally {
    await done()
  }
}

main().catch((e: unknown) => fail(`Export failed: ${e instanceof Error ? e.message : String(e)}`))
