import { createPinia } from 'pinia'
import { createApp } from 'vue'
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

void showLocale(localeForPage(isProPath(window.location.pathname))).finally(() => createApp(App).use(createPinia()).use(router).use(i18n).mount('#app'))
