import { describe, expect, it } from 'vitest'
import { boundedDistance, collapseRepeats, foldText, tokenize } from '../../src/shared/socialMap/search/normalise'

describe('Dutch normalisation', () => {
  it('folds case and diacritics: café, coördinator, ĳs', () => {
    expect(foldText('Café')).toBe('cafe')
    expect(foldText('Coördinator')).toBe('coordinator')
    expect(foldText('ĳsbaan')).toBe('ijsbaan')
  })
  it('splits words and keeps hyphenated names whole too', () => {
    expect(tokenize('Sint-Oedenrode, Repair Café!')).toEqual(['sint', 'oedenrode', 'repair', 'cafe', 'sintoedenrode'])
  })
  it('collapses a letter typed three times', () => {
    expect(collapseRepeats('cooordinator')).toBe('coordinator')
    expect(collapseRepeats('koffie')).toBe('koffie')
  })
  it('measures edit distance with swaps and stops early', () => {
    expect(boundedDistance('eenzamheid', 'eenzaamheid', 1)).toBe(1)
    expect(boundedDistance('wandelgorep', 'wandelgroep', 1)).toBe(1)
    expect(boundedDistance('schulden', 'wandelen', 2)).toBe(3)
  })
})
