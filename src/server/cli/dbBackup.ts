/** npm run db:backup -- <file>: PGlite data-dir dump (.tar.gz), or pg_dump SQL on PostgreSQL. */
import { databaseTarget, readConfig } from '../config'
import { backupPglite, backupPostgres } from '../db/backup'
import { DataDirBusyError, lockDataDir } from '../db/dataDirLock'
import { fail } from './openForCli'

const file = process.argv[2]
if (!file) fail('Usage: npm run db:backup -- <file>')
const target = databaseTarget(readConfig())
try {
  if (target.kind === 'postgres') await backupPostgres(target.url, file)
  else {
    const release = lockDataDir(target.dataDir!, 'backup command')
    try {
      await backupPglite(target.dataDir!, file)
    } finally {
      release()
    }
  }
  console.log(`Backup written to ${file}.`)
} catch (e) {
  fail(e instanceof DataDirBusyError ? e.message : `Backup failed, nothing was written: ${(e as Error).message}`, e instanceof DataDirBusyError ? 3 : 2)
}
