/** The key backups are sealed with: the server key's backup key, loaded as the server loads it. */
import type { ServerConfig } from '../config'
import type { DatabaseTarget } from '../db/database'
import { loadServerKey, purposeKey } from '../secrets/serverKey'

export function backupKey(config: ServerConfig, target: DatabaseTarget): Buffer {
  return purposeKey(loadServerKey({ envKey: config.SERVER_KEY, dataDir: config.DATA_DIR, embedded: target.kind === 'pglite' }), 'backup')
}
