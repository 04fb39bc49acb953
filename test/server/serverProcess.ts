/** Starts the real server as its own process (stdout a pipe, not a terminal), as a service manager would. */
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { freePort } from '../freePort'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT, envFor } from './cli'

export interface ServerProcess {
  baseUrl: string
  /** Everything written to stdout so far. */
  stdout: () => string
  stderr: () => string
  /** Sends the signal and resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>
}

/** `args` after `node`, e.g. ['--import', 'tsx', 'src/server/main.ts']; waits until `readyPath` answers 200. `env` is added last. */
export async function startServer(args: string[], dataDir: string, readyPath = '/api/health', env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort()
  const staticDir = mkdtempSync(join(tmpdir(), 'swz-static-'))
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: envFor(dataDir, { env: { PORT: String(port), HOST: '127.0.0.1', STATIC_DIR: staticDir, ...env } }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const baseUrl = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 120_000
  for (;;) {
    try {
      if ((await fetch(baseUrl + readyPath)).ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL')
      throw new Error(`The server did not start:\n${stdout}\n${stderr}`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  return {
    baseUrl,
    stdout: () => stdout,
    stderr: () => stderr,
    stop: (signal = 'SIGTERM') => {
      child.kill(signal)
      return exited
    },
  }
}
