import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { boundedDistance, collapseRepeats, foldText, tokenize, withinOneEdit } from '../../src/shared/socialMap/search/normalise'

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
  it('says "within one edit" exactly when the edit distance says at most 1', () => {
    expect(withinOneEdit('wandelgorep', 'wandelgroep')).toBe(true)
    expect(withinOneEdit('cafe', 'care')).toBe(true)
    expect(withinOneEdit('cafe', 'cafes')).toBe(true)
    expect(withinOneEdit('abab', 'baba')).toBe(false)
    expect(withinOneEdit('aab', 'aba')).toBe(true)
    // Small alphabets make near misses (repeats, swaps next to repeats) common.
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 7 })
    fc.assert(fc.property(word, word, (a, b) => withinOneEdit(a, b) === boundedDistance(a, b, 1) <= 1), { numRuns: 5000 })
  })
})
