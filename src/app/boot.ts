import { createPinia, type Pinia } from 'pinia'
import { createApp, createSSRApp } from 'vue'
import type { Router } from 'vue-router'
import App from './App.vue'
import { dataClient } from './features/socialMap/data/dataClient'
import { useSocialMapStore } from './features/socialMap/useSocialMapStore'
import { i18n, localeForPage, showLocale } from './i18n'
import { isProPath } from './shell/proPaths'
import { createAppRouter } from './router'
import { giveTo, putBack, takeFrom } from './shell/takeOver'

/**
 * The app itself, loaded by main.ts: on the start page only after the page rendered at build time
 * has been painted (docs/performance.md, "The app fetched after the start page's first paint").
 *
 * On that page the app hydrates the painted markup instead of replacing it: the same elements stay,
 * so the browser neither builds nor styles the page a second time (docs/performance.md, "The painted
 * page hydrated"). What a person did on it meanwhile is done again through the app (shell/takeOver.ts).
 * Elsewhere the painted page is hidden and the app mounts over it.
 */
function mount(router: Router, pinia: Pinia) {
  const root = document.getElementById('app')
  if (!root?.hasAttribute('data-prerendered') || !document.documentElement.classList.contains('start-page')) {
    root?.removeAttribute('data-prerendered')
    createApp(App).use(pinia).use(router).use(i18n).mount('#app')
    return
  }
  const app = createSSRApp(App).use(pinia).use(router).use(i18n)
  // The first page resolved before hydrating, as it was when rendered at build time: the same markup. The hydration
  // in a task of its own, after the one that set the app and its router up (docs/performance.md, "The app in a few files").
  const painted = root
  const hydrate = () => {
    painted.removeAttribute('data-prerendered')
    const taken = takeFrom(painted)
    if (taken) putBack(painted, taken)
    app.mount(painted)
    // At once: hydration is synchronous, its listeners are on, and the page is still the painted one that takeFrom
    // counted (the filters open on a wide screen in the next render, adding controls before the ones after them).
    if (taken) giveTo(painted, taken)
  }
  void router.isReady().then(() => setTimeout(hydrate, 0))
}

/** Runs each step in a task of its own, in order: room between them for the phone to answer a tap or a key. */
function inTasks(...steps: (() => void)[]) {
  const next = () => {
    steps.shift()?.()
    if (steps.length) setTimeout(next, 0)
  }
  setTimeout(next, 0)
}

// The start in tasks, not one: the modules' evaluation (this module's), then starting the data worker (a few ms of the
// main thread), making the router, making the map's store that App.vue uses (before, its set-up was part of the
// hydration), setting the app up and, on the start page, hydrating (docs/performance.md, "Where the blocking time is
// now", "The app in a few files", "The router made in a task of its own").
void showLocale(localeForPage(isProPath(window.location.pathname))).finally(() => {
  let router: Router
  const pinia = createPinia()
  inTasks(
    dataClient,
    () => (router = createAppRouter()),
    () => void useSocialMapStore(pinia),
    () => mount(router, pinia),
  )
})
