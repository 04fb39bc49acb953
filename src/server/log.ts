/**
 * Structured logs (pino, JSON lines). What may be logged is decided here: route templates,
 * status codes, timings and error kinds. Never bodies, query strings, cookies, e-mail
 * addresses or concrete ids from paths.
 */
import pino from 'pino'

export type Logger = pino.Logger

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  const base = { level: options.level ?? process.env.LOG_LEVEL ?? 'info', base: { app: 'samenwerkwijze' }, redact: { paths: ['req.headers', '*.email', '*.password', '*.cookie'], remove: true } }
  return options.destination ? pino(base, options.destination) : pino(base)
}

export const silentLogger = (): Logger => pino({ level: 'silent' })
