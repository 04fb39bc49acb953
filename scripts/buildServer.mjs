// npm run build:server: bundles the server and the operators' command-line tools into
// dist-server/ (or the directory given) as plain ESM for Node, so production runs without a
// TypeScript loader: node dist-server/main.js. Packages stay in node_modules (external); the
// SQL migrations are copied beside the bundles, where migrate.ts looks for them.
import { cpSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const ENTRIES = ['main', 'cli/admin', 'cli/dbBackup', 'cli/dbRestore', 'cli/hsdsImport', 'cli/hsdsExport']

export async function buildServer(outdir = join(ROOT, 'dist-server')) {
  rmSync(outdir, { recursive: true, force: true })
  await build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(ENTRIES.map((entry) => [entry.replace(/^cli\//, ''), `src/server/${entry}.ts`])),
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  })
  cpSync(join(ROOT, 'src/server/db/migrations'), join(outdir, 'migrations'), { recursive: true, filter: (src) => statSync(src).isDirectory() || src.endsWith('.sql') })
  return outdir
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outdir = await buildServer(process.argv[2] ? resolve(process.argv[2]) : undefined)
  console.log(`Server built into ${outdir}: start it with node ${join(outdir, 'main.js')}`)
}
