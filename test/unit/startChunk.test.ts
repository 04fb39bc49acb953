import { describe, expect, it } from 'vitest'
import { startModules, staticallyReachable } from '../../build/startChunk'

/** A module graph as the bundler's plugin context shows it: each module's static imports. */
function graph(imports: Record<string, string[]>, entries = ['/r/src/app/main.ts']) {
  return {
    getModuleIds: () => Object.keys(imports)[Symbol.iterator](),
    getModuleInfo: (id: string) => (id in imports ? { importedIds: imports[id]!, isEntry: entries.includes(id) } : null),
  }
}

const VUE = /node_modules\/vue\//
const example = graph({
  '/r/src/app/main.ts': ['/r/src/app/core/storageNames.ts', '\0vite/preload-helper.js'],
  '/r/src/app/core/storageNames.ts': [],
  '\0vite/preload-helper.js': [],
  '/r/src/app/boot.ts': ['/r/src/app/App.vue', '/r/node_modules/vue/index.js', '/r/src/app/router.ts'],
  '/r/src/app/App.vue': ['/r/src/app/core/storageNames.ts', '/r/src/app/ui/Status.vue', '/r/node_modules/vue/index.js'],
  '/r/src/app/ui/Status.vue': ['/r/src/app/App.vue'],
  '/r/src/app/router.ts': ['/r/node_modules/vue/index.js', '\0vite/preload-helper.js'],
  '/r/node_modules/vue/index.js': [],
  // Only loaded lazily: not part of the start.
  '/r/src/app/features/CasePage.vue': ['/r/src/app/ui/Status.vue'],
})

describe('the start chunk (build/startChunk.ts)', () => {
  it('follows static imports, through cycles', () => {
    expect([...staticallyReachable(example, '/r/src/app/App.vue')].sort()).toEqual([
      '/r/node_modules/vue/index.js',
      '/r/src/app/App.vue',
      '/r/src/app/core/storageNames.ts',
      '/r/src/app/ui/Status.vue',
    ])
  })

  it("captures boot's start-up modules, not the entry's, not Vue's, not boot itself, not lazy pages", () => {
    expect([...startModules(example, VUE)].sort()).toEqual(['/r/src/app/App.vue', '/r/src/app/router.ts', '/r/src/app/ui/Status.vue'])
  })

  it('leaves out what any entry reaches, not only main.ts', () => {
    const withTwo = graph(
      { '/r/src/app/main.ts': [], '/r/src/app/early.css': ['/r/src/app/ui/Status.vue'], '/r/src/app/boot.ts': ['/r/src/app/ui/Status.vue', '/r/src/app/App.vue'], '/r/src/app/ui/Status.vue': [], '/r/src/app/App.vue': [] },
      ['/r/src/app/main.ts', '/r/src/app/early.css'],
    )
    expect([...startModules(withTwo, VUE)]).toEqual(['/r/src/app/App.vue'])
  })

  it('refuses a build without an entry or without boot.ts, instead of capturing nothing', () => {
    expect(() => startModules(graph({ '/r/src/app/main.ts': [] }), VUE)).toThrow(/boot\.ts/)
    expect(() => startModules(graph({ '/r/src/app/boot.ts': [] }, []), VUE)).toThrow(/no entry/)
  })
})
