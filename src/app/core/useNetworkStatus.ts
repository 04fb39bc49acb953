/**
 * Whether the browser says it is online, and what to do when that changes, for the page's main
 * thread (components, composables, stores). Built on VueUse: a listener made inside a component or
 * store goes away with it. Workers keep their own listeners (VueUse needs a window).
 */
import { createSharedComposable, useEventListener, useOnline } from '@vueuse/core'
import type { Ref } from 'vue'

/** The browser's online state as a ref; one pair of listeners for the whole app. */
export const useNetworkStatus = createSharedComposable((): { isOnline: Readonly<Ref<boolean>> } => ({ isOnline: useOnline() }))

/** Calls fn each time the browser comes back online. Returns the function that stops listening. */
export function onBackOnline(fn: () => void): () => void {
  return useEventListener(window, 'online', fn)
}

/** Calls fn each time the browser goes offline. Returns the function that stops listening. */
export function onGoneOffline(fn: () => void): () => void {
  return useEventListener(window, 'offline', fn)
}
