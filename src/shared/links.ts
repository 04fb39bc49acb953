/**
 * Links built from data other people wrote (an HSDS import, the map editor, a stored map):
 * a link is made only from a value that is what it claims to be, so no listing can put
 * `javascript:` or `data:` behind a "Website" link. The HSDS schema uses the same rule.
 */
import { z } from 'zod'

/** Whitespace and control characters the URL parser would silently drop ("java\tscript:"). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
const INVISIBLE = /[\u0000-\u0020\u007f-\u009f]/

/** A full http(s) address, written plainly: no leading spaces, no other scheme. */
export function isWebUrl(value: string): boolean {
  if (!/^https?:\/\//i.test(value) || INVISIBLE.test(value) || !URL.canParse(value)) return false
  const url = new URL(value)
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== ''
}

const emailAddress = z.email()
const PHONE_CHARACTERS = /^\+?[\d\s().\-/]+$/

export type LinkKind = 'web' | 'email' | 'phone'

/** The href for a web address, e-mail address or phone number; undefined when the value is not one. */
export function safeHref(kind: LinkKind, value: string | null | undefined): string | undefined {
  if (!value) return undefined
  if (kind === 'web') return isWebUrl(value) ? new URL(value).href : undefined
  if (kind === 'email') return emailAddress.safeParse(value).success ? `mailto:${value}` : undefined
  if (!PHONE_CHARACTERS.test(value.trim())) return undefined
  // "+31 (0)412 …": the 0 in brackets is not dialled from abroad.
  const dialled = value.replace(/\(0\)/g, '').replace(/[^+\d]/g, '')
  return /^\+?\d{3,20}$/.test(dialled) ? `tel:${dialled}` : undefined
}
