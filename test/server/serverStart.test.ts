import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { closeDataDirs, freshDataDir } from './cli'
import { startServer } from './serverProcess'

afterAll(closeDataDirs)

// The one-time code creates the first beheerder: it must not land in collected logs.
describe('the server started without a terminal (a service manager, a container)', { timeout: 180_000 }, () => {
  it('keeps the one-time link out of stdout and in a file only its owner can read', async () => {
    const dataDir = await freshDataDir()
    const server = await startServer(['--import', 'tsx', 'src/server/main.ts'], dataDir)
    try {
      await expect.poll(() => server.stdout(), { timeout: 10_000 }).toMatch(/No accounts yet/)
      const stdout = server.stdout()
      // The code is 24 characters of base64url; nothing that long belongs on stdout.
      expect(stdout).not.toMatch(/[A-Za-z0-9_-]{24}/)
      const file = join(dataDir, 'bootstrap-link.txt')
      expect(stdout).toContain(file)
      expect((statSync(file).mode & 0o777).toString(8)).toBe('600')
      const code = /\/beheer\/start#([A-Za-z0-9_-]{24})\n/.exec(readFileSync(file, 'utf8'))?.[1]
      expect(code).toBeTruthy()
      expect(stdout + server.stderr()).not.toContain(code)
    } finally {
      expect(await server.stop()).toBe(0)
    }
  })
})
