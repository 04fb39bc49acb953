/**
 * The server's own secret key: 32 random bytes that encrypt secrets at rest (TOTP secrets,
 * backups). It comes from SERVER_KEY (base64, for several processes on one PostgreSQL, which must
 * all hold the same key); with the embedded database, which one process owns, it is made once
 * into DATA_DIR/server.key with mode 0600. Keep a copy apart from the database: without it the
 * TOTP secrets and backups cannot be read (docs/security.md).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const SERVER_KEY_FILE = 'server.key'
const KEY_BYTES = 32

export class ServerKeyError extends Error {}

function parseKey(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64')
  if (key.length !== KEY_BYTES) throw new ServerKeyError(`${where} must hold ${KEY_BYTES} bytes in base64 (make one with: openssl rand -base64 32).`)
  return key
}

/**
 * SERVER_KEY when set; else, for the embedded database only, DATA_DIR/server.key (made on first
 * use, mode 0600). Several processes on PostgreSQL must share one key: there it is required.
 */
export function loadServerKey(options: { envKey?: string; dataDir?: string; embedded: boolean }): Buffer {
  if (options.envKey) return parseKey(options.envKey, 'SERVER_KEY')
  if (!options.embedded || !options.dataDir) {
    throw new ServerKeyError('Set SERVER_KEY (32 random bytes in base64, the same for every server process; make one with: openssl rand -base64 32).')
  }
  const file = join(options.dataDir, SERVER_KEY_FILE)
  if (!existsSync(file)) {
    mkdirSync(options.dataDir, { recursive: true })
    writeFileSync(file, randomBytes(KEY_BYTES).toString('base64') + '\n', { mode: 0o600, flag: 'wx' })
  }
  // A key others may read is no secret: tighten it rather than refuse to start.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600)
  return parseKey(readFileSync(file, 'utf8'), file)
}

/** A key for one purpose, so the TOTP key and the backup key are never the same bytes. */
export function purposeKey(serverKey: Buffer, purpose: 'totp-secret' | 'backup' | 'account-key'): Buffer {
  return Buffer.from(hkdfSync('sha256', serverKey, Buffer.alloc(0), `samenwerkwijze/${purpose}/v1`, KEY_BYTES))
}

const PREFIX = 'v1.'

/** AES-256-GCM with `context` (e.g. the user id) as associated data: a secret moved to another row does not open. */
export function sealSecret(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(context))
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()])
  return `${PREFIX}${iv.toString('base64url')}.${body.toString('base64url')}`
}

export function isSealedSecret(value: string): boolean {
  return value.startsWith(PREFIX)
}

export function openSecret(key: Buffer, sealed: string, context: string): string {
  if (!isSealedSecret(sealed)) throw new Error('not a sealed secret')
  const [iv, body] = sealed.slice(PREFIX.length).split('.') as [string, string]
  const bytes = Buffer.from(body, 'base64url')
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
  decipher.setAAD(Buffer.from(context))
  decipher.setAuthTag(bytes.subarray(bytes.length - 16))
  return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8')
}
