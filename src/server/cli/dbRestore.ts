/** npm run db:restore -- <file>: replaces the database with a backup made by db:backup under the same server key. */
import { databaseTarget, readConfig } from '../config'
import { restorePglite, restorePostgres } from '../db/backup'
import { DataDirBusyError, lockDataDir } from '../db/dataDirLock'
import { backupKey } from './backupKey'
import { fail } from './openForCli'

const file = process.argv[2]
if (!file) fail('Usage: npm run db:restore -- <file>')
const config = readConfig()
const target = databaseTarget(config)
try {
  if (target.kind === 'postgres') {
    await restorePostgres(target.url, file, backupKey(config, target))
    console.log(`Restored ${file}.`)
  } else {
    const release = lockDataDir(target.dataDir!, 'restore command')
    try {
      const n = await restorePglite(target.dataDir!, file, backupKey(config, target))
      console.log(`Restored ${file}: the social map has ${n} services. The previous data was kept beside it (pglite.before-restore-…).`)
    } finally {
      release()
    }
  }
} catch (e) {
  fail(e instanceof DataDirBusyError ? e.message : `Restore failed, nothing was changed: ${(e as Error).message}`, e instanceof DataDirBusyError ? 3 : 2)
}
