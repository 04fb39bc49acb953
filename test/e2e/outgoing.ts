/**
 * Every request a browser context makes, to prove what leaves the device: URL, method, every
 * header (request.allHeaders(), cookies included) and the body. The context's 'request' event
 * also reports what the service worker fetches (Chromium; request.serviceWorker() names it),
 * so the capture must start before the first page of the context opens.
 */
import type { BrowserContext, Page, Request } from 'playwright-core'
import { findSecrets, type Finding } from '../support/secretScan'

export interface Outgoing {
  url: string
  method: string
  headers: Record<string, string>
  body: Buffer | null
  /** True for a request the service worker made. */
  fromServiceWorker: boolean
}

/** Starts capturing; `sent()` gives what was sent so far (headers are read asynchronously). */
export function captureRequests(context: BrowserContext): { sent: () => Promise<Outgoing[]> } {
  const captured: Promise<Outgoing>[] = []
  const capture = (r: Request) =>
    captured.push(
      r.allHeaders().then(
        (headers) => ({ url: r.url(), method: r.method(), headers, body: r.postDataBuffer(), fromServiceWorker: r.serviceWorker() !== null }),
        // A request whose page went away before its headers were read: its raw headers as the browser reported them.
        () => ({ url: r.url(), method: r.method(), headers: r.headers(), body: r.postDataBuffer(), fromServiceWorker: r.serviceWorker() !== null }),
      ),
    )
  context.on('request', capture)
  return { sent: () => Promise.all(captured) }
}

/** Every form of every secret in the captured requests; `where` names the request and the part (url, headers, body). */
export function scanRequests(requests: Outgoing[], secrets: string[]): Finding[] {
  return requests.flatMap((r, i) => {
    const label = `request #${i} ${r.method} ${new URL(r.url).pathname}`
    return [
      ...findSecrets(r.url, secrets, `${label} url`),
      ...findSecrets(Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`).join('\n'), secrets, `${label} headers`),
      ...(r.body ? findSecrets(r.body, secrets, `${label} body`) : []),
    ]
  })
}

/** A request from the page carrying `text` in the path (%20), the query string (form-encoded: +), a header and the body. */
export async function sendPlant(page: Page, text: string): Promise<void> {
  await page.evaluate(async (text) => {
    const query = new URLSearchParams({ note: text })
    await fetch(`/api/dump-plant/${encodeURIComponent(text)}?${query}`, { method: 'POST', headers: { 'x-plant': text }, body: JSON.stringify({ note: text }) })
  }, text)
}

/** How sendPlant's text must be found: [part of the request, form findSecrets names]. */
export const PLANTED_REQUEST_FORMS: [part: 'url' | 'headers' | 'body', form: string][] = [
  ['url', 'url'],
  ['url', 'form-url'],
  ['headers', 'text'],
  ['body', 'text'],
]
