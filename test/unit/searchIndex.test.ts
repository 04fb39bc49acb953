import { beforeAll, describe, expect, it } from 'vitest'
import { buildExampleMap } from '../../src/server/seed/exampleMap'
import type { Service } from '../../src/shared/socialMap/hsds'
import { REGION_PLACES, searchDocumentOf } from '../../src/shared/socialMap/search/searchDocument'
import { SearchIndex } from '../../src/shared/socialMap/search/searchIndex'
import { SYNONYMS } from '../../src/shared/socialMap/search/synonyms'
import { placesOf } from '../../src/shared/socialMap/serviceFacts'
import { generateServices } from '../../src/server/seed/syntheticServices'

let map: Service[]
let index: SearchIndex
const names = (q: string, limit = 10) => index.search(q, { limit }).positions.map((p) => map[p]!.name)

beforeAll(() => {
  map = buildExampleMap({ referenceDate: '2026-11-01' })
  index = SearchIndex.build(map.map(searchDocumentOf), SYNONYMS, REGION_PLACES)
})

describe('searching the social map in Dutch', () => {
  it('finds "café" when typed without the accent', () => {
    expect(names('repair cafe')[0]).toMatch(/^Repair Café/)
  })
  it('matches a prefix while typing', () => {
    expect(names('wandelg').every((n) => n.startsWith('Wandelgroep'))).toBe(true)
    expect(names('wandelg').length).toBeGreaterThan(0)
  })
  it('tolerates a typo: eenzamheid finds eenzaamheid', () => {
    expect(names('eenzamheid')[0]).toMatch(/eenzaamheid/)
  })
  it('tolerates a letter typed three times: cooordinator finds coördinator', () => {
    expect(index.search('cooordinator').total).toBeGreaterThan(0)
    expect(names('cooordinator')[0]).toMatch(/^Vrijwilligerscentrale/)
  })
  it('finds the parts of compounds: schuldhulpverlening finds schuldhulp, hulp finds schuldhulp', () => {
    const viaLongWord = names('schuldhulpverlening', 50)
    expect(viaLongWord.some((n) => n.startsWith('Schuldhulp Maatje'))).toBe(true)
    expect(names('hulp', 100).some((n) => n.startsWith('Schuldhulp'))).toBe(true)
  })
  it('uses the synonym list: geldproblemen finds debt help', () => {
    expect(names('geldproblemen', 5).some((n) => /Schuld/.test(n))).toBe(true)
  })
  it('ranks a word in the name above the same word in the description', () => {
    // "koffie" is in the name of Koffie-inloop and only in descriptions elsewhere.
    expect(names('koffie', 3).every((n) => n.startsWith('Koffie-inloop'))).toBe(true)
  })
  it('reads a place word as a filter: repair cafe heesch gives the one in Heesch, first', () => {
    const r = index.search('repair cafe heesch')
    expect(r.places).toEqual(['heesch'])
    expect(map[r.positions[0]!]!.name).toBe('Repair Café Heesch')
    // Other cafés match one word of two and follow; all of them in Heesch.
    expect(r.total).toBeGreaterThan(1)
    expect(r.positions.every((p) => placesOf(map[p]!).villages[0] === 'Heesch')).toBe(true)
  })
  it('reads two-word place names: taalcafé sint oedenrode', () => {
    const r = index.search('stoelyoga sint oedenrode')
    expect(r.total).toBe(1)
    expect(map[r.positions[0]!]!.name).toBe('Stoelyoga en ouderengym Sint-Oedenrode')
  })
  it('searches the whole region when a place has no match, and says so', () => {
    const r = index.search('rouwgroep venhorst')
    expect(r.placeIgnored).toBe(true)
    expect(r.total).toBeGreaterThan(0)
  })
  it('prefers results that match every word', () => {
    const top = names('geheugen koor', 3)
    expect(top.every((n) => n.startsWith('Geheugenkoor'))).toBe(true)
  })
  it('does not match a word hidden inside an unrelated word', () => {
    // "taal" sits inside "betaalt" (Klussendienst) but that is no compound of taal.
    expect(names('taal', 100).some((n) => n.startsWith('Klussendienst'))).toBe(false)
  })
  it('applies filters given as an allow function', () => {
    const all = index.search('wandelgroep', { limit: 50 }).positions
    expect(all.length, 'several walking groups to choose from').toBeGreaterThan(2)
    // One that is not the best match: the filter, not the ranking, must leave exactly it.
    const chosen = all[all.length - 1]!
    const onlyChosen = index.search('wandelgroep', { allow: (p) => p === chosen })
    expect(onlyChosen.positions).toEqual([chosen])
    expect(onlyChosen.total).toBe(1)
    // A filter that allows only a listing that does not match leaves nothing.
    const other = map.findIndex((s) => !s.name.startsWith('Wandelgroep'))
    expect(index.search('wandelgroep', { allow: (p) => p === other }).total).toBe(0)
  })

  it('ranks a one-word search (its own fast path) exactly as the general path does', () => {
    // "w w" goes through the general path (coverage, sums): same listings, same order, same total.
    const big = generateServices(2_000)
    const bigIndex = SearchIndex.build(big.map(searchDocumentOf), SYNONYMS, REGION_PLACES)
    for (const q of ['cafe', 'wand', 'hulp', 'geheug', 'eenzamheid', 'post', 'schuldhulpverlening']) {
      const one = bigIndex.search(q, { limit: 40 })
      const twice = bigIndex.search(`${q} ${q}`, { limit: 40 })
      expect(one.total, q).toBeGreaterThan(0)
      expect(one.positions, q).toEqual(twice.positions)
      expect(one.total, q).toBe(twice.total)
    }
    // And it leaves nothing behind: the next search is not skewed by the scores of the last.
    expect(bigIndex.search('wandel', { limit: 40 })).toEqual(bigIndex.search('wandel', { limit: 40 }))
  })

  it('ranks several words (their own fast path) exactly as the general path does, places included', () => {
    // A caller's filter that allows everything sends a search through the general path (every match scored).
    const big = generateServices(3_000)
    const bigIndex = SearchIndex.build(big.map(searchDocumentOf), SYNONYMS, REGION_PLACES)
    const queries = ['repair cafe', 'repair cafe heesch', 'hulp bij geldzaken oss', 'koffie inloop uden', 'geheugenkoor voor mensen met dementie',
      'ik kan mijn brieven niet lezen', 'cafe cafe cafe', 'taal wand hulp geld', 'eenzamheid schuldhulpverlening', 'wandelgroep oss', 'xyzzy cafe', 'xyzzy qqqq']
    for (const limit of [1, 10, 40]) {
      for (const q of queries) {
        const fast = bigIndex.search(q, { limit })
        const general = bigIndex.search(q, { limit, allow: () => true })
        expect(fast.positions, `${q} @${limit}`).toEqual(general.positions)
        expect(fast.total, `${q} @${limit}`).toBe(general.total)
        expect(fast.places, q).toEqual(general.places)
      }
    }
    expect(bigIndex.search('repair cafe', { limit: 10 }).total).toBeGreaterThan(10)
    // Scratch bit sets are left clean: the same search twice gives the same answer.
    expect(bigIndex.search('koffie inloop', { limit: 40 })).toEqual(bigIndex.search('koffie inloop', { limit: 40 }))
  })
})
