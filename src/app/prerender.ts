/**
 * The start page as its first render shows it, rendered at build time into index.html (build/prerender.ts;
 * docs/performance.md "The start page painted before its JavaScript"): Dutch, the map not yet read
 * from the phone. The app's own components, router, store and texts; boot.ts hydrates it, so its first render must match this one.
 */
import { createSSRApp } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { createPinia } from 'pinia'
import App from './App.vue'
import { i18n } from './i18n'
import { createAppRouter } from './router'

export async function renderStartPage(): Promise<string> {
  const router = createAppRouter()
  const app = createSSRApp(App).use(createPinia()).use(router).use(i18n)
  // Any error or warning fails the build: a page that rendered half would be painted on every phone.
  const problems: string[] = []
  app.config.errorHandler = (e) => void problems.push(String(e))
  app.config.warnHandler = (msg) => void problems.push(msg)
  await router.push('/')
  await router.isReady()
  const html = await renderToString(app)
  if (problems.length) throw new Error(`The start page did not render cleanly at build time:\n${problems.join('\n')}`)
  return html
}
