/**
 * PGlite lets one process own a data directory. A lock file names the owner, so a second
 * process (the import command while the server runs) says so plainly instead of
 * corrupting the database.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'

export class DataDirBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: { pid: number; role: string },
  ) {
    super(
      `The database in ${dataDir} is in use by the ${owner.role} (process ${owner.pid}). ` +
        `Stop it first, then run this command again. Nothing was changed.`,
    )
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Takes the lock or throws DataDirBusyError. Returns a function that releases it. */
export function lockDataDir(dataDir: string, role: string): () => void {
  mkdirSync(dataDir, { recursive: true })
  const file = join(dataDir, 'owner.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx')
      writeSync(fd, JSON.stringify({ pid: process.pid, role }))
      closeSync(fd)
      let released = false
      const release = () => {
        if (released) return
        released = true
        rmSync(file, { force: true })
      }
      process.once('exit', release)
      return release
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      let owner: { pid: number; role: string } = { pid: 0, role: 'unknown' }
      try {
        owner = JSON.parse(readFileSync(file, 'utf8')) as typeof owner
      } catch {
        // An unreadable lock is a stale lock: its writer died mid-write.
      }
      if (owner.pid && owner.pid !== process.pid && isAlive(owner.pid)) throw new DataDirBusyError(dataDir, owner)
      rmSync(file, { force: true })
    }
  }
  throw new Error(`Could not take the lock on ${dataDir}`)
}
