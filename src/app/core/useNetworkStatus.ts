/**
 * What to do when the browser's online state changes, for the page's main thread (components,
 * composables, stores). Built on VueUse: a listener made inside a component or store goes away with
 * it. Workers keep their own listeners (VueUse needs a window).
 */
import { useEventListener } from '@vueuse/core'

/** Calls fn each time the browser comes back online. Returns the function that stops listening. */
export function onBackOnline(fn: () => void): () => void {
  return useEventListener(window, 'online', fn)
}

/** Calls fn each time the browser goes offline. Returns the function that stops listening. */
export function onGoneOffline(fn: () => void): () => void {
  return useEventListener(window, 'offline', fn)
}
