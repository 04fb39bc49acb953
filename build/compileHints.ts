/**
 * Marks the chunks the start page runs at once — the entry (index.html's src/app/main.ts), the app it
 * loads (src/app/boot.ts) and what either imports statically — with V8's explicit compile hint
 * `//# allFunctionsCalledOnLoad` as their first line (docs/performance.md, "Compiled while it downloads").
 *
 * Without it V8 compiles a function the first time it is called: on the main thread, in the middle of
 * the mount, where a trace of the start page counted 30–45 ms of the host's time (about a third of the
 * mount's task). With it V8 compiles the whole file while it streams in, on a background thread.
 * Browsers without the hint read an ordinary comment. Lazily loaded pages are not marked: most of their
 * functions are not called at load, and compiling them eagerly would only cost memory.
 */
import type { Plugin } from 'vite'

export const COMPILE_HINT = '//# allFunctionsCalledOnLoad\n'

interface OutputChunkLike {
  type: 'chunk'
  code: string
  imports: string[]
  facadeModuleId: string | null
}

/** The file names of the chunks reachable by static import from the chunks whose module matches `roots`. */
export function chunksRunAtStart(bundle: Record<string, { type: string }>, roots: readonly RegExp[]): string[] {
  const chunkAt = (file: string) => (bundle[file]?.type === 'chunk' ? (bundle[file] as OutputChunkLike) : undefined)
  const found = new Set<string>()
  const visit = (file: string) => {
    const chunk = chunkAt(file)
    if (!chunk || found.has(file)) return
    found.add(file)
    for (const i of chunk.imports) visit(i)
  }
  for (const file of Object.keys(bundle)) {
    const id = chunkAt(file)?.facadeModuleId
    if (id && roots.some((r) => r.test(id))) visit(file)
  }
  return [...found]
}

const ROOTS = [/[\\/]src[\\/]app[\\/]main\.ts$/, /[\\/]src[\\/]app[\\/]boot\.ts$/]

export function compileHintsForStart(): Plugin {
  return {
    name: 'samenwerkwijze:compile-hints',
    apply: 'build',
    // Last: after minification (which would drop the comment) and after Vite puts its preload map at the top.
    enforce: 'post',
    generateBundle: {
      order: 'post',
      handler(_, bundle) {
        for (const file of chunksRunAtStart(bundle, ROOTS)) {
          const chunk = bundle[file] as unknown as OutputChunkLike
          if (!chunk.code.startsWith(COMPILE_HINT)) chunk.code = COMPILE_HINT + chunk.code
        }
      },
    },
  }
}
