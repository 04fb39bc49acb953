import { describe, expect, it } from 'vitest'
import { findingLine, routeOf, sameServer, testFileName } from '../e2e/layout'

describe('the layout check names screens and findings', () => {
  it('replaces ids and tokens in a route, keeps its words', () => {
    expect(routeOf('http://127.0.0.1:5000/werk/casus/1f0e4b2c-9d1a-4e55-8a0b-3c2d1e0f9a8b/plan?x=1#top')).toBe('/werk/casus/:id/plan')
    expect(routeOf('http://127.0.0.1:5000/plan/Zx8kP2mQ7rT4vW9yB3nC5dF1')).toBe('/plan/:id')
    expect(routeOf('http://127.0.0.1:5000/werk/verwijzingen')).toBe('/werk/verwijzingen')
    expect(routeOf('http://127.0.0.1:5000/')).toBe('/')
  })

  it('writes one line per screen, rule and place', () => {
    expect(findingLine('/werk', '320×640, 640×400', { rule: 'small-target', selector: 'li > a', element: '"Zoeken"', detail: '75.9×19 px' }, 2)).toBe(
      '/werk @ 320×640, 640×400: small-target: li > a "Zoeken" (75.9×19 px) and 2 more like it',
    )
    expect(testFileName('/work/main/test/e2e/referrals.e2e.ts')).toBe('referrals')
  })

  it('checks the app at localhost too (test/e2e/vault.e2e.ts), never another server', () => {
    expect(sameServer('http://localhost:5000/beheer', 'http://127.0.0.1:5000')).toBe(true)
    expect(sameServer('http://127.0.0.1:5000/beheer', 'http://127.0.0.1:5000')).toBe(true)
    expect(sameServer('http://localhost:5001/beheer', 'http://127.0.0.1:5000')).toBe(false)
    expect(sameServer('http://example.org:5000/', 'http://127.0.0.1:5000')).toBe(false)
  })
})
