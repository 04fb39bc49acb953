/** A browser context without a network, and back (the resident's offline paths). */
import type { BrowserContext } from 'playwright-core'

export async function goOffline(context: BrowserContext) {
  // setOffline alone does not stop requests the service worker makes: abort them too.
  await context.route('**/*', (route) => route.abort('internetdisconnected'))
  await context.setOffline(true)
}

export async function goOnline(context: BrowserContext) {
  await context.unroute('**/*')
  await context.setOffline(false)
}
