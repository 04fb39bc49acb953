/**
 * One chunk for the app's own start-up modules (docs/performance.md, "The app in a few files").
 *
 * The automatic split cut what src/app/boot.ts imports statically into a dozen files of 0.1–5 KB, each shared with
 * some lazily loaded page. The start page asks for every one of them at once (Vite's preload links), and each
 * request costs the main thread 0.5–2.3 ms to start, in one task right after the first paint, and a slow line a
 * connection of its own. Here the modules boot.ts reaches by static import — but not those index.html's entry
 * (src/app/main.ts) reaches, which must stay out of the app's chunks, nor Vue's (their own group) — are captured in one
 * group: the app starts with boot's chunk, this one and Vue's. Lazily loaded pages import the same modules from this
 * chunk, which every page has loaded already.
 *
 * The set is read from the module graph at the end of the build phase, before chunks are made.
 */
import type { Plugin } from 'vite'

const BOOT = /[\\/]src[\\/]app[\\/]boot\.ts$/

interface GraphLike {
  getModuleIds(): IterableIterator<string>
  getModuleInfo(id: string): { importedIds: readonly string[]; isEntry: boolean } | null
}

/** The modules reachable by static import from `from`, `from` included. */
export function staticallyReachable(graph: GraphLike, from: string): Set<string> {
  const found = new Set<string>()
  const todo = [from]
  for (let id = todo.pop(); id !== undefined; id = todo.pop()) {
    if (found.has(id)) continue
    found.add(id)
    todo.push(...(graph.getModuleInfo(id)?.importedIds ?? []))
  }
  return found
}

/**
 * The start-up modules: reached from boot.ts, not from any entry (index.html's main.ts, and whatever else the HTML
 * may one day load itself), and not matched by `exclude` (Vue's own group).
 */
export function startModules(graph: GraphLike, exclude: RegExp): Set<string> {
  const ids = [...graph.getModuleIds()]
  const entries = ids.filter((id) => graph.getModuleInfo(id)?.isEntry)
  const boot = ids.find((id) => BOOT.test(id))
  if (entries.length === 0 || !boot) throw new Error('startChunk: no entry, or src/app/boot.ts is not in the build')
  const early = new Set(entries.flatMap((entry) => [...staticallyReachable(graph, entry)]))
  const start = new Set<string>()
  for (const id of staticallyReachable(graph, boot)) if (!early.has(id) && !exclude.test(id) && !BOOT.test(id)) start.add(id)
  return start
}

/** The plugin that reads the graph, and the test for the code-splitting group that captures what it found. */
export function startChunk(exclude: RegExp): { plugin: Plugin; test: (id: string) => boolean } {
  let start = new Set<string>()
  const plugin: Plugin = {
    name: 'samenwerkwijze:start-chunk',
    // The client's build only: a server-side build has neither the entry nor boot.ts as such.
    apply: (_, env) => env.command === 'build' && !env.isSsrBuild,
    buildEnd(error) {
      if (error) return
      start = startModules(this, exclude)
    },
    // The point of it all, checked: the entry's chunk must not import the start chunk (it would load the whole app
    // before the first paint), nor may the start chunk import boot's (a cycle).
    generateBundle(_, bundle) {
      const chunks = Object.values(bundle).flatMap((c) => (c.type === 'chunk' ? [c] : []))
      const startFile = chunks.find((c) => c.name === 'start')?.fileName
      if (!startFile) return
      for (const c of chunks) {
        if (c.isEntry && c.imports.includes(startFile)) this.error(`startChunk: the entry ${c.fileName} imports ${startFile}, so the app would load before the first paint`)
        if (c.fileName === startFile && chunks.some((b) => b.facadeModuleId && BOOT.test(b.facadeModuleId) && c.imports.includes(b.fileName))) this.error(`startChunk: ${startFile} imports boot.ts's chunk`)
      }
    },
  }
  return { plugin, test: (id) => start.has(id) }
}
