import { createPinia } from 'pinia'
import { createApp, nextTick } from 'vue'
import App from './App.vue'
import { i18n, localeForPage, showLocale } from './i18n'
import { isProPath } from './shell/proPaths'
import { router } from './router'
import { SESSION_KEYS } from './core/storageNames'
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

/**
 * Mounts over the start page rendered at build time (build/prerender.ts), which the app's first
 * render replaces. What a resident typed into its search box meanwhile is carried over, with the
 * focus and the caret: nothing typed is lost.
 */
function mount() {
  const box = document.querySelector<HTMLInputElement>('#app[data-prerendered] #search-input')
  const focused = !!box && document.activeElement === box
  const typed = box ? { value: box.value, start: box.selectionStart, end: box.selectionEnd } : undefined
  document.getElementById('app')?.removeAttribute('data-prerendered')
  createApp(App).use(createPinia()).use(router).use(i18n).mount('#app')
  if (!typed || (!typed.value && !focused)) return
  void router.isReady().then(nextTick).then(() => {
    const input = document.querySelector<HTMLInputElement>('#search-input')
    if (!input) return
    if (typed.value && input.value !== typed.value) {
      input.value = typed.value
      input.dispatchEvent(new Event('input'))
    }
    if (focused) {
      input.focus()
      input.setSelectionRange(typed.start, typed.end)
    }
  })
}

void showLocale(localeForPage(isProPath(window.location.pathname))).finally(mount)
