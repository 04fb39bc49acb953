/**
 * The head script that hides the start page rendered at build time wherever the app will not show
 * it first (build/prerender.ts; docs/performance.md "The start page painted before its JavaScript"):
 * run as the browser runs it, against an address, a saved language and a storage that may throw.
 */
import { describe, expect, it } from 'vitest'
import { startPageCheck } from '../../build/prerender'
import { LOCAL_KEYS } from '../../src/app/core/storageNames'

/** True when the rendered start page stays hidden. */
function marks(pathname: string, saved: string | null | 'throws'): boolean {
  const classes = new Set<string>()
  const localStorage = {
    getItem: (key: string) => {
      if (saved === 'throws') throw new Error('SecurityError')
      return key === LOCAL_KEYS.locale ? saved : null
    },
  }
  const document = { documentElement: { classList: { add: (c: string) => classes.add(c) } } }
  new Function('location', 'localStorage', 'document', startPageCheck)({ pathname }, localStorage, document)
  return !classes.has('start-page')
}

describe('the start page check', () => {
  it('keeps the rendered page at / in Dutch, or with no language chosen', () => {
    expect(marks('/', null)).toBe(false)
    expect(marks('/', 'nl')).toBe(false)
  })
  it('hides it at any other address, in another language, and when storage cannot be read', () => {
    for (const path of ['/werk', '/aanbod/x', '/beheer/inloggen', '/over', '//']) expect(marks(path, null), path).toBe(true)
    for (const lang of ['en', 'ar', 'pl', 'tr']) expect(marks('/', lang), lang).toBe(true)
    expect(marks('/', 'throws')).toBe(true)
  })
})
