/**
 * Global set-up of the server and e2e projects: bundles the server and its command-line tools once
 * per run (scripts/buildServer.mjs, what `npm run build:server` makes for production: ~1.4 s), so
 * the processes the tests start run plain `node` instead of compiling the TypeScript through tsx
 * in each process (~1.2 s of CPU more per process, measured: a server start 4.3-4.6 s of CPU
 * through tsx, 3.1 s bundled; an admin command 4.0 s and 2.8 s).
 * - Browser tests (test/e2e/harness.ts): every server and admin command (~30 processes a run).
 * - Server tests (test/server/cli.ts `cli`): the command-line tools (~33 processes a run, on PGlite
 *   and again on PostgreSQL). test/server/adminCli.test.ts also runs one through tsx as
 *   `npm run admin` does, and serverStart/logging start src/server/main.ts through tsx.
 * Inside the project (.tmp/, git-ignored), so the bundles find node_modules as dist-server/ does;
 * its own folder per run and project, so runs at the same time on one machine share none.
 */
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
// @ts-expect-error plain JavaScript build script without types
import { buildServer } from '../../scripts/buildServer.mjs'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder with the bundled server (main.js) and command-line tools (admin.js, dbBackup.js, …). */
    serverBundle: string
    /** Browser tests: the screens the layout check already checked in this run, one file per signature (test/e2e/layout.ts). */
    layoutSeen: string
  }
}

const ROOT = new URL('../../', import.meta.url).pathname

const DIR = join(ROOT, '.tmp')
/** Older than this, a bundle folder is left over from a run that was killed before its teardown. */
const STALE_MS = 6 * 3600_000

export default async function setup(project: TestProject) {
  for (const name of existsSync(DIR) ? readdirSync(DIR) : []) {
    const folder = join(DIR, name)
    if (name.startsWith('server-bundle-') && Date.now() - statSync(folder).mtimeMs > STALE_MS) rmSync(folder, { recursive: true, force: true })
  }
  const outdir = join(DIR, `server-bundle-${project.name}-${randomUUID().slice(0, 8)}`)
  await (buildServer as (dir: string) => Promise<string>)(outdir)
  project.provide('serverBundle', outdir)
  const layoutSeen = join(outdir, 'layout-seen')
  mkdirSync(layoutSeen, { recursive: true })
  project.provide('layoutSeen', layoutSeen)
  return () => rmSync(outdir, { recursive: true, force: true })
}
