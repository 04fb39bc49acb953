import { describe, expect, it } from 'vitest'
import { readSearchState } from '../../src/app/features/socialMap/data/searchFilters'
import { writeSearchState } from '../../src/app/features/socialMap/data/searchState'

describe('query and filters in the URL', () => {
  it('reads valid filters and the query', () => {
    const { state, dropped } = readSearchState({ q: 'koor', gemeente: 'Oss', domein: 'mantelzorg', gratis: '1', open: 'nu', vorm: 'online' })
    expect(state).toEqual({ q: 'koor', filters: { gemeente: 'Oss', domein: 'mantelzorg', gratis: true, open: 'nu', vorm: 'online' } })
    expect(dropped).toEqual([])
  })
  it('drops a bad value and names the filter it dropped', () => {
    const { state, dropped } = readSearchState({ gemeente: 'Atlantis', open: 'morgen', leeftijd: 'baby' })
    expect(state.filters).toEqual({})
    expect(dropped).toEqual(['gemeente', 'leeftijd', 'open'])
  })
  it('writes only what is set, so links stay short', () => {
    expect(writeSearchState({ q: ' ', filters: { gratis: false, gemeente: 'Boekel' } })).toEqual({ gemeente: 'Boekel' })
    expect(writeSearchState({ q: 'taal', filters: { gratis: true, open: '2026-12-01' } })).toEqual({ q: 'taal', gratis: '1', open: '2026-12-01' })
  })
})
