/** npm run db:backup -- <file>: the database (PGlite data dir or pg_dump SQL), sealed under the server key, mode 0600. */
import { databaseTarget, readConfig } from '../config'
import { backupPglite, backupPostgres } from '../db/backup'
import { DataDirBusyError, lockDataDir } from '../db/dataDirLock'
import { backupKey } from './backupKey'
import { fail } from './openForCli'

const file = process.argv[2]
if (!file) fail('Usage: npm run db:backup -- <file>')
const config = readConfig()
const target = databaseTarget(config)
try {
  if (target.kind === 'postgres') await backupPostgres(target.url, file, backupKey(config, target))
  else {
    const release = lockDataDir(target.dataDir!, 'backup command')
    try {
      await backupPglite(target.dataDir!, file, backupKey(config, target))
    } finally {
      release()
    }
  }
  console.log(`Backup written to ${file} (encrypted under the server key; keep that key apart from the backups).`)
} catch (e) {
  fail(e instanceof DataDirBusyError ? e.message : `Backup failed, nothing was written: ${(e as Error).message}`, e instanceof DataDirBusyError ? 3 : 2)
}
