/**
 * Graceful stop on SIGTERM/SIGINT: report not ready, take no new connections, let requests in
 * flight finish (at most `graceMs`), then close the database and release the data directory.
 */
import type { Readiness } from './routes/health'

export interface ClosableServer {
  close(callback?: (err?: Error) => void): unknown
  closeIdleConnections?(): void
  closeAllConnections?(): void
}

export interface ShutdownParts {
  server: ClosableServer
  readiness: Readiness
  closeDatabase: () => Promise<void>
  release: () => void
  graceMs?: number
}

export async function shutDown({ server, readiness, closeDatabase, release, graceMs = 10_000 }: ShutdownParts): Promise<{ isClean: boolean }> {
  readiness.stop()
  const isClean = await new Promise<boolean>((resolve) => {
    // A kept-alive connection turns idle once its response is sent: close those as they appear.
    const idle = setInterval(() => server.closeIdleConnections?.(), 100)
    const deadline = setTimeout(() => {
      clearInterval(idle)
      server.closeAllConnections?.()
      resolve(false)
    }, graceMs)
    server.close(() => {
      clearInterval(idle)
      clearTimeout(deadline)
      resolve(true)
    })
    server.closeIdleConnections?.()
  })
  await closeDatabase()
  release()
  return { isClean }
}
