/**
 * What the start page loads before a resident can use it, from the build's chunk graph
 * (dist/.vite/manifest.json): the entry (index.html's src/app/main.ts), the app it loads on every
 * page (src/app/boot.ts, a dynamic import: on the start page right after the first paint), what
 * either imports, and their stylesheets; workbox-window, which src/app/sync/serviceWorker.ts imports
 * once the map's first refresh has ended (counted with the start page all the same); and the scripts
 * and stylesheets index.html links itself. Lazily loaded pages are not counted.
 * Used by the start page's size budget (test/e2e/budget.e2e.ts) and `npm run bench`.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'

const chunkSchema = z.object({
  file: z.string(),
  imports: z.array(z.string()).optional(),
  dynamicImports: z.array(z.string()).optional(),
  css: z.array(z.string()).optional(),
})
const manifestSchema = z.record(z.string(), chunkSchema)

/** index.html's own script, src/app/main.ts. */
export const ENTRY = 'index.html'
export const BOOT = 'src/app/boot.ts'

export function startPageAssets(dist: string): { js: string[]; css: string[] } {
  const manifest = manifestSchema.parse(JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8')))
  const entry = manifest[ENTRY]
  if (!entry?.dynamicImports?.includes(BOOT)) throw new Error(`${ENTRY} no longer loads ${BOOT}: the start page's budget must be counted anew`)
  const js = new Set<string>()
  const css = new Set<string>()
  const visit = (key: string) => {
    const chunk = manifest[key]
    if (!chunk) throw new Error(`${key} is not in the build's manifest`)
    if (js.has(`/${chunk.file}`)) return
    js.add(`/${chunk.file}`)
    for (const c of chunk.css ?? []) css.add(`/${c}`)
    for (const i of chunk.imports ?? []) visit(i)
  }
  visit(ENTRY)
  visit(BOOT)
  for (const f of readdirSync(join(dist, 'assets'))) if (f.startsWith('workbox-window')) js.add(`/assets/${f}`)
  // And what index.html links itself that the chunk graph does not hold (the head script, build/prerender.ts).
  const html = readFileSync(join(dist, 'index.html'), 'utf8')
  for (const m of html.matchAll(/<script[^>]* src="(\/assets\/[^"]+\.js)"/g)) js.add(m[1]!)
  for (const m of html.matchAll(/<link rel="stylesheet"[^>]* href="(\/assets\/[^"]+\.css)"/g)) css.add(m[1]!)
  return { js: [...js], css: [...css] }
}
