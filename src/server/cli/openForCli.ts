/** Opens the database in DATA_DIR for a command-line tool, refusing plainly when the server holds it. */
import { databaseTarget, readConfig } from '../config'
import { openDatabase, type Database } from '../db/database'
import { DataDirBusyError, lockDataDir } from '../db/dataDirLock'

export async function openForCli(role: string): Promise<{ db: Database; dataDir: string; done: () => Promise<void> }> {
  const config = readConfig()
  const target = databaseTarget(config)
  let release: () => void = () => {}
  try {
    if (target.kind === 'pglite') release = lockDataDir(config.DATA_DIR, role)
  } catch (e) {
    if (e instanceof DataDirBusyError) {
      console.error(e.message)
      process.exit(3)
    }
    throw e
  }
  const db = await openDatabase(target)
  return {
    db,
    dataDir: config.DATA_DIR,
    done: async () => {
      await db.close()
      release()
    },
  }
}

export function fail(message: string, code = 2): never {
  console.error(message)
  process.exit(code)
}
