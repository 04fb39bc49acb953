/**
 * The entry: the stylesheets (so the page's CSS stays in index.html's head) and the app, loaded from
 * boot.ts. On the start page rendered at build time (build/prerender.ts) the app is fetched only once
 * that page has been painted: otherwise, with the JavaScript in before the HTML is parsed, the browser
 * runs the app and replaces the page before ever painting it, and a phone shows nothing until the
 * app has loaded and mounted (docs/performance.md, "The app fetched after the start page's first paint").
 */
import { SESSION_KEYS } from './core/storageNames'
import { afterFirstPaint } from './shell/afterFirstPaint'
import './styles/nlds.css'
import './styles/theme.css'
import './styles/main.css'

// A deploy can remove the chunks an open tab still expects: reload once, not in a loop.
window.addEventListener('vite:preloadError', (event) => {
  if (sessionStorage.getItem(SESSION_KEYS.reloaded)) return
  sessionStorage.setItem(SESSION_KEYS.reloaded, '1')
  event.preventDefault()
  window.location.reload()
})

const boot = () => void import('./boot')
if (document.documentElement.classList.contains('start-page')) afterFirstPaint(boot)
else boot()
