/**
 * The entry: the stylesheets (so the page's CSS stays in index.html's head) and the app, loaded from
 * boot.ts. On the start page rendered at build time (build/prerender.ts) the app is fetched only once
 * that page has been painted: otherwise, with the JavaScript in before the HTML is parsed, the browser
 * runs the app and replaces the page before ever painting it, and a phone shows nothing until the
 * app has loaded and mounted (docs/performance.md, "The app fetched after the start page's first paint").
 */
import { SESSION_KEYS } from './core/storageNames'
import { afterFirstPaint } from './shell/afterFirstPaint'
import { writeFirstHistoryState } from './shell/historyState'
import './styles/nlds.css'
import './styles/theme.css'
import './styles/main.css'

// A deploy can remove the chunks an open tab still expects: reload once, not in a loop.
window.addEventListener('vite:preloadError', (event) => {
  try {
    if (sessionStorage.getItem(SESSION_KEYS.reloaded)) return
    sessionStorage.setItem(SESSION_KEYS.reloaded, '1')
  } catch {
    // Storage blocked: a reload could not be counted, so none (the error shows as it is).
    return
  }
  event.preventDefault()
  window.location.reload()
})

const boot = () => {
  void import('./boot')
  // Vue's router reads the tab's saved scroll positions from sessionStorage as its module runs. Two costs come with
  // that, both taken here, in a task of its own while the app downloads, not in the task that runs the app's modules:
  // a tab's first look at sessionStorage loads it from the browser (a few ms), and on a first visit the key is missing,
  // the router's JSON.parse throws, and the exception made V8 parse Vue's whole chunk again for its stack (20–80 ms
  // in a trace). An empty record is what the router assumes when there is none (docs/performance.md, "The app in a few files").
  setTimeout(() => {
    try {
      if (sessionStorage.getItem(SESSION_KEYS.routerScroll) === null) sessionStorage.setItem(SESSION_KEYS.routerScroll, '{}')
    } catch {
      // Storage blocked: the router catches the same error when it reads.
    }
  }, 0)
  // The router's state for this page, written before the router is made, in a task of its own (shell/historyState.ts).
  setTimeout(writeFirstHistoryState, 0)
}

if (document.documentElement.classList.contains('start-page')) afterFirstPaint(boot)
else boot()
