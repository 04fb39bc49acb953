import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import VueI18nPlugin from '@intlify/unplugin-vue-i18n/vite'
import { defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'
import { compileHintsForStart } from './build/compileHints'
import { prerenderStartPage } from './build/prerender'
import { startChunk } from './build/startChunk'

const VUE = /node_modules[\\/](@vue|vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/
const start = startChunk(VUE)

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [
    vue(),
    VueI18nPlugin({
      include: [fileURLToPath(new URL('./src/app/i18n/*.json', import.meta.url))],
      runtimeOnly: true,
      compositionOnly: true,
      fullInstall: false,
      // Messages are compiled at build time; the runtime compiler would only add weight.
      dropMessageCompiler: true,
    }),
    prerenderStartPage(fileURLToPath(import.meta.url)),
    compileHintsForStart(),
    start.plugin,
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/app/sw',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        name: 'Samenwerkwijze — sociale kaart',
        short_name: 'Sociale kaart',
        description: 'Activiteiten, hulp en inloop in Oss, Maashorst, Meierijstad, Bernheze en Boekel. Werkt ook zonder internet.',
        lang: 'nl',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        // The theme's page colour and primary teal (src/app/styles/theme.css, docs/theme.md; test/unit/manifestColours.test.ts).
        background_color: '#f7f5f0',
        theme_color: '#0f5c6b',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
      },
      devOptions: { enabled: false },
    }),
  ],
  build: {
    outDir: 'dist',
    sourcemap: false,
    // .vite/manifest.json: the chunk graph, from which the start page's budget counts what it loads (build/startPageAssets.ts).
    manifest: true,
    rolldownOptions: {
      output: {
        // Vue, its router, store and texts in one chunk: every page needs them at start, and one file compresses
        // better than the six the automatic split makes of them (docs/performance.md, "The app fetched after the start page's first paint").
        codeSplitting: { groups: [{ name: 'vue', test: VUE, priority: 2 }, { name: 'start', test: start.test, priority: 1, includeDependenciesRecursively: false }] },
      },
    },
    target: 'es2022',
  },
  worker: { format: 'es' },
  define: {
    // The app uses the Composition API only; dropping the rest keeps the start-up bundle small.
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  server: { proxy: { '/api': 'http://localhost:8080' } },
})
