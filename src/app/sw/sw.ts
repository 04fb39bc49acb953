/// <reference lib="webworker" />
/**
 * The service worker: precaches the app shell, answers navigations with index.html
 * (never /api/), keeps the last /api/config for offline use, and activates a new version only when the page asks (update prompt).
 */
import { clientsClaim } from 'workbox-core'
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching'
import { NavigationRoute, registerRoute } from 'workbox-routing'
import { NetworkFirst } from 'workbox-strategies'

declare let self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Parameters<typeof precacheAndRoute>[0] }

// Messages come from pages of this origin; still, only one exact shape is honoured.
self.addEventListener('message', (event) => {
  const data: unknown = event.data
  if (typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'SKIP_WAITING') void self.skipWaiting()
})

precacheAndRoute(self.__WB_MANIFEST)
cleanupOutdatedCaches()
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/^\/api\//] }))
// The public app settings (the map's tile source): the last answer serves when offline. Nothing else under /api/ is kept.
registerRoute(({ url }) => url.origin === self.location.origin && url.pathname === '/api/config', new NetworkFirst({ cacheName: 'app-config', networkTimeoutSeconds: 5 }))
clientsClaim()
