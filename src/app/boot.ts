import { createPinia } from 'pinia'
import { createApp, nextTick } from 'vue'
import App from './App.vue'
import { i18n, localeForPage, showLocale } from './i18n'
import { isProPath } from './shell/proPaths'
import { router } from './router'
import { giveTo, takeFrom } from './shell/takeOver'

/**
 * The app itself, loaded by main.ts: on the start page only after the page rendered at build time
 * has been painted (docs/performance.md, "The app fetched after the start page's first paint").
 *
 * `mount` mounts over that rendered page, which the app's first render replaces; what a person did
 * on it meanwhile is done again on the app's page (shell/takeOver.ts).
 */
function mount() {
  const painted = document.querySelector('#app[data-prerendered]')
  const taken = painted && document.documentElement.classList.contains('start-page') ? takeFrom(painted) : undefined
  document.getElementById('app')?.removeAttribute('data-prerendered')
  createApp(App).use(createPinia()).use(router).use(i18n).mount('#app')
  if (taken) void router.isReady().then(nextTick).then(() => giveTo(document.getElementById('app'), taken))
}

// The mount in a task of its own, not in the one that evaluated the modules: two shorter tasks, with room between
// them for the phone to answer a tap or a key (docs/performance.md, "Where the blocking time is now").
void showLocale(localeForPage(isProPath(window.location.pathname))).finally(() => setTimeout(mount, 0))
