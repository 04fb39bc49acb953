/**
 * The token of a one-time link travels in the URL fragment, so it never reaches the server's logs
 * or a Referer header. The page takes it out of the address bar at once and keeps it in this
 * tab's sessionStorage only, so a reload or a sign-in on the way still finds it; it is forgotten
 * when the link is used or turns out invalid.
 */
import { SESSION_KEYS } from '../../core/storageNames'

const KEY = SESSION_KEYS.accountLink
const TOKEN = /^[A-Za-z0-9_-]{20,64}$/

export interface LinkTokenPlace {
  hash: string
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>
  /** Replaces the address without the fragment (history.replaceState). */
  clearHash: () => void
}

export function takeLinkToken(place: LinkTokenPlace): string | null {
  const fromHash = place.hash.replace(/^#/, '')
  if (fromHash) {
    place.clearHash()
    if (TOKEN.test(fromHash)) {
      place.storage.setItem(KEY, fromHash)
      return fromHash
    }
    place.storage.removeItem(KEY)
    return null
  }
  const kept = place.storage.getItem(KEY)
  return kept && TOKEN.test(kept) ? kept : null
}

export function forgetLinkToken(storage: Pick<Storage, 'removeItem'>): void {
  storage.removeItem(KEY)
}

/** The browser's own places. */
export function browserLinkPlace(): LinkTokenPlace {
  return {
    hash: window.location.hash,
    storage: window.sessionStorage,
    clearHash: () => history.replaceState(history.state, '', window.location.pathname + window.location.search),
  }
}
