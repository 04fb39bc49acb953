import { beforeAll, describe, expect, it } from 'vitest'
import { findActivities, type ActivitySearch } from '../../src/app/features/cases/activitySearch'
import { filtersSchema } from '../../src/app/features/socialMap/data/protocol'
import { MapSearch } from '../../src/app/features/socialMap/data/search'
import { buildExampleMap } from '../../src/server/seed/exampleMap'
import { placesOf } from '../../src/shared/socialMap/serviceFacts'

const services = buildExampleMap({ referenceDate: '2026-11-01' })
const now = new Date('2026-11-24T09:30:00Z')
const mapSearch = new MapSearch()
const calls: Record<string, string>[] = []
// The worker's own search, with the filters checked as the worker checks them.
const search: ActivitySearch = (query, raw, limit) => {
  calls.push(raw)
  return Promise.resolve(mapSearch.search(query, filtersSchema.parse(raw), limit, 'nl', now))
}
const municipalityOf = (id: string) => placesOf(services.find((s) => s.id === id)!).municipalities

beforeAll(() => mapSearch.load(services))

describe("the case flow's activity search", () => {
  it('"wandelgroep oss" for a resident of Bernheze gives the walking groups of Oss, not of Bernheze', async () => {
    const found = await findActivities(search, 'wandelgroep oss', 'Bernheze', 8)
    const inOss = services.filter((s) => s.name.startsWith('Wandelgroep ') && placesOf(s).municipalities.includes('Oss'))
    expect(inOss.length).toBeGreaterThan(1)
    expect(found.map((s) => s.id).sort()).toEqual(inOss.map((s) => s.id).sort())
    expect(found.every((s) => municipalityOf(s.id).includes('Oss'))).toBe(true)
  })

  it('without a place in the query it stays in the resident\'s municipality', async () => {
    calls.length = 0
    const found = await findActivities(search, 'wandelgroep', 'Bernheze', 8)
    expect(found.length).toBeGreaterThan(0)
    expect(found.every((s) => s.name.startsWith('Wandelgroep ') && municipalityOf(s.id).includes('Bernheze'))).toBe(true)
    expect(calls).toEqual([{ gemeente: 'Bernheze' }])
  })

  it('a place inside the resident\'s own municipality narrows to that village', async () => {
    const found = await findActivities(search, 'wandelgroep heesch', 'Bernheze', 8)
    expect(found.map((s) => s.name)).toEqual(['Wandelgroep Heesch'])
  })
})
