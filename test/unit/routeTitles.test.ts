import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import nl from '../../src/app/i18n/nl.json'
import en from '../../src/app/i18n/en.json'

// App.vue sets document.title from `title.<route name>`; the router is read as text (its pages are Vue files).
const routeNames = [...readFileSync(new URL('../../src/app/router.ts', import.meta.url), 'utf8').matchAll(/name: '([^']+)'/g)].map((m) => m[1]!)

describe('page titles', () => {
  it('has a Dutch and an English title for every route', () => {
    expect(routeNames.length).toBeGreaterThan(20)
    expect(routeNames.filter((n) => !(n in nl.title))).toEqual([])
    expect(routeNames.filter((n) => !(n in en.title))).toEqual([])
  })
})
