/**
 * The e2e project's global set-up: bundles the server and its command-line tools once per run
 * (scripts/buildServer.mjs, what `npm run build:server` makes for production: ~1 s), so every
 * browser-test server and admin command starts with plain `node` instead of compiling the
 * TypeScript through tsx in each process (~1.2 s of CPU per process, ~30 processes per run).
 * Inside the project (.tmp/, git-ignored), so the bundles find node_modules as dist-server/ does;
 * its own folder per run, so two runs at once on one machine do not share one.
 * The harness (test/e2e/harness.ts) runs `<folder>/main.js` and `<folder>/admin.js`.
 */
import { randomUUID } from 'node:crypto'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
// @ts-expect-error plain JavaScript build script without types
import { buildServer } from '../../scripts/buildServer.mjs'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder with the bundled server (main.js) and admin command (admin.js). */
    serverBundle: string
  }
}

const ROOT = new URL('../../', import.meta.url).pathname

export default async function setup(project: TestProject) {
  const outdir = join(ROOT, '.tmp', `e2e-server-${randomUUID().slice(0, 8)}`)
  await (buildServer as (dir: string) => Promise<string>)(outdir)
  project.provide('serverBundle', outdir)
  return () => rmSync(outdir, { recursive: true, force: true })
}
