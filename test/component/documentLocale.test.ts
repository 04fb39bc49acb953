/**
 * `<html lang dir>` follow the language shown, and are left alone when they already say it: writing them again
 * restyles the whole painted start page (docs/performance.md, "No restyling of the painted page").
 */
import { describe, expect, it } from 'vitest'
import { applyDocumentLocale } from '../../src/app/i18n'

/** The page's <html> as painted: lang="nl" dir="ltr" (index.html), or without dir. */
function watched(dir: string | null = 'ltr') {
  const root = document.documentElement
  root.setAttribute('lang', 'nl')
  if (dir === null) root.removeAttribute('dir')
  else root.setAttribute('dir', dir)
  const writes: string[] = []
  const observer = new MutationObserver(() => {})
  observer.observe(root, { attributes: true, attributeOldValue: true })
  const take = () => {
    for (const r of observer.takeRecords()) writes.push(`${r.attributeName}:${r.oldValue}->${root.getAttribute(r.attributeName!)}`)
    return writes.splice(0)
  }
  return { root, take }
}

describe('the document language', () => {
  it('writes nothing when the page is painted in the language shown (Dutch, left to right, or no dir at all)', () => {
    for (const dir of ['ltr', null]) {
      const { root, take } = watched(dir)
      applyDocumentLocale('nl')
      expect(take()).toEqual([])
      expect(root.getAttribute('dir')).toBe(dir)
    }
  })

  it('writes what changes: Arabic right to left, back to Dutch left to right, English keeping the direction', () => {
    const { root, take } = watched()
    applyDocumentLocale('ar')
    expect(take()).toEqual(['lang:nl->ar', 'dir:ltr->rtl'])
    applyDocumentLocale('ar')
    expect(take()).toEqual([])
    applyDocumentLocale('nl')
    expect(take()).toEqual(['lang:ar->nl', 'dir:rtl->ltr'])
    applyDocumentLocale('en')
    expect(take()).toEqual(['lang:nl->en'])
    expect([root.lang, root.dir]).toEqual(['en', 'ltr'])
  })
})
