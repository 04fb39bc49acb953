/**
 * A Vite build plugin: the start page rendered into index.html (src/app/prerender.ts), so a phone
 * paints it as soon as the HTML and CSS arrive, before the JavaScript (docs/performance.md "The start
 * page painted before its JavaScript").
 *
 * index.html answers every address of the app, and the rendered page is Dutch. A small script in
 * the head (`start-page.js`, a file of its own: the Content-Security-Policy allows no inline script)
 * lets it show before the first paint only where it is what the app will show first: the address
 * `/`, Dutch or no language chosen on this phone. boot.ts (the app, loaded by main.ts) drops the mark when it mounts.
 */
import type { Plugin } from 'vite'
import { LOCAL_KEYS } from '../src/app/core/storageNames'

const MARK = '<div id="app"></div>'
const SCRIPT_NAME = 'start-page.js'

/**
 * The head script: sets `start-page` on <html> where the rendered start page is what the app shows
 * first. Opt-in: without scripts (or where this one fails) nothing of it shows, only the notice that
 * the app needs JavaScript.
 */
export const startPageCheck = `try {
  var saved = localStorage.getItem(${JSON.stringify(LOCAL_KEYS.locale)})
  if (location.pathname === '/' && (!saved || saved === 'nl')) document.documentElement.classList.add('start-page')
} catch (e) {}
`

export function prerenderStartPage(configFile: string): Plugin {
  return {
    name: 'swz-prerender-start-page',
    apply: (_config, env) => env.command === 'build' && !env.isSsrBuild && !process.env.SWZ_PRERENDERING,
    buildStart() {
      this.emitFile({ type: 'asset', name: SCRIPT_NAME, source: startPageCheck })
    },
    transformIndexHtml: {
      order: 'post',
      async handler(html, ctx) {
        if (!html.includes(MARK)) throw new Error(`index.html has no ${MARK} to render the start page into`)
        const script = Object.values(ctx.bundle ?? {}).find((a) => a.type === 'asset' && (a.names ?? []).includes(SCRIPT_NAME))
        if (!script) throw new Error(`${SCRIPT_NAME} was not emitted`)
        // The app's stylesheets (boot.ts's chunk and the chunks it imports, which main.ts loads after the first
        // paint) are in the head as well, before the entry's, in the order main.ts once imported them: the rendered
        // page needs them at its first paint. Loading the chunks later finds them there and does not load them again.
        const chunks = new Map(Object.values(ctx.bundle ?? {}).flatMap((c) => (c.type === 'chunk' ? [[c.fileName, c] as const] : [])))
        const boot = [...chunks.values()].find((c) => c.facadeModuleId?.endsWith('/src/app/boot.ts'))
        if (!boot) throw new Error('no chunk for src/app/boot.ts')
        const css = new Set<string>()
        const seen = new Set<string>()
        const collect = (chunk: typeof boot) => {
          if (seen.has(chunk.fileName)) return
          seen.add(chunk.fileName)
          for (const i of chunk.imports) if (chunks.has(i)) collect(chunks.get(i)!)
          for (const f of chunk.viteMetadata?.importedCss ?? []) css.add(f)
        }
        collect(boot)
        // Boot imports from the entry's chunk too, whose stylesheet index.html links already.
        const bootCss = [...css].filter((f) => !html.includes(`/${f}"`)).map((f) => `<link rel="stylesheet" crossorigin href="/${f}">`).join('\n    ')
        process.env.SWZ_PRERENDERING = '1'
        const { createServer } = await import('vite')
        const server = await createServer({ configFile, mode: 'production', appType: 'custom', logLevel: 'error', server: { middlewareMode: true, hmr: false, ws: false } })
        try {
          const { renderStartPage } = (await server.ssrLoadModule('/src/app/prerender.ts')) as { renderStartPage: () => Promise<string> }
          const page = await renderStartPage()
          return html
            .replace('<title>', `<script src="/${script.fileName}"></script>\n    <title>`)
            .replace(MARK, `<div id="app" data-prerendered>${page}</div>`)
            .replace(/<link rel="stylesheet"/, `${bootCss}\n    <link rel="stylesheet"`)
        } finally {
          await server.close()
          delete process.env.SWZ_PRERENDERING
        }
      },
    },
  }
}
