/**
 * The service worker: registered once a page load, after the start has settled, not as the app starts
 * (docs/performance.md, "The service worker after the map").
 *
 * Installing it downloads the whole app for use offline: about 190 files, 1.2 MB compressed, against the social map's
 * 0.14 MB. Registered as the app started, that download shared a phone's slow line with the map the resident was
 * waiting for, and storing it (the browser compiles every script it keeps) took the processor while the page started.
 * Now it waits for the map's first refresh to end, however it ends (updated, unchanged, offline, failed), and then for
 * the next idle moment; at the latest `REGISTER_AT_LATEST_MS` after UpdatePrompt.vue first mounts, so a map that never
 * answers cannot keep the app from working offline. A new version the browser installs is not put to work on its own:
 * UpdatePrompt.vue asks the person first.
 */
import { ref } from 'vue'
import { registerSW } from 'virtual:pwa-register'

const HOUR = 60 * 60 * 1000
/** Registered this long after the first call at the latest, settled or not. */
export const REGISTER_AT_LATEST_MS = 15_000
/** How long the browser may wait for an idle moment once the start has settled. */
const IDLE_TIMEOUT_MS = 2_000

/** A new version is installed and waiting for the person to reload (UpdatePrompt.vue). */
export const needRefresh = ref(false)

let scheduled = false
let update: ((reloadPage?: boolean) => Promise<void>) | undefined

/** Registers the service worker once `settled` has ended (resolved or rejected) and the page is idle; once per load. */
export function registerServiceWorkerAfter(settled: Promise<unknown>): void {
  if (scheduled || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return
  scheduled = true
  let registered = false
  const register = () => {
    if (registered) return
    registered = true
    update = registerSW({
      immediate: true,
      onNeedRefresh: () => void (needRefresh.value = true),
      onRegisteredSW(_url, registration) {
        if (!registration) return
        // A new version the browser began installing before this registration (a returning visit after a deploy):
        // Workbox tells of one already waiting, or of one found after it registered, but not of this one.
        const installing = registration.installing
        if (installing && navigator.serviceWorker.controller) {
          installing.addEventListener('statechange', () => {
            if (installing.state === 'installed') needRefresh.value = true
          })
        }
        // A tab left open for days still hears of a new version.
        setInterval(() => void registration.update(), HOUR)
      },
    })
  }
  const whenIdle = () => (typeof requestIdleCallback === 'function' ? requestIdleCallback(register, { timeout: IDLE_TIMEOUT_MS }) : setTimeout(register, 0))
  settled.then(whenIdle, whenIdle)
  setTimeout(register, REGISTER_AT_LATEST_MS)
}

/**
 * Lets the waiting version take over; the page reloads into it once it controls the page. The plugin reloads only
 * for updates its own Workbox instance found; one found by the hourly `registration.update()` counts as "external"
 * and would never reload, so the reload is done here, once.
 */
export function takeNewVersion(): void {
  navigator.serviceWorker.addEventListener('controllerchange', () => window.location.reload(), { once: true })
  void update?.(true)
}
