import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { buildExampleMap } from '../../src/server/seed/exampleMap'
import { describeIssues, serviceSchema } from '../../src/shared/socialMap/hsds'
import { LIFE_DOMAINS } from '../../src/shared/socialMap/lifeDomains'
import { MUNICIPALITIES } from '../../src/shared/socialMap/places'
import { isFree, lifeDomainsOf, placesOf } from '../../src/shared/socialMap/serviceFacts'

const example = JSON.parse(readFileSync(new URL('../../../shared/hsds-3.0/examples/service_full.json', import.meta.url), 'utf8')) as Record<string, unknown>
const base = { id: '3f9c2b9e-8f2d-4c51-9a57-1c1e2d3f4a5b', name: 'Wandelgroep', status: 'active' }

function reason(input: unknown): string {
  const r = serviceSchema.safeParse(input)
  return r.success ? 'valid' : describeIssues(r.error)
}

describe('the HSDS service schema', () => {
  it('accepts the official HSDS 3.0 example service and keeps every field', () => {
    const r = serviceSchema.safeParse(example)
    expect(r.success).toBe(true)
    expect(r.data).toEqual(example)
  })
  it('rejects an impossible time like 25:00 with a readable reason', () => {
    expect(reason({ ...base, schedules: [{ id: base.id, opens_at: '25:00', closes_at: '26:00' }] })).toMatch(/schedules\.0\.opens_at: must be a time of day/)
  })
  it('rejects a closing time before the opening time', () => {
    expect(reason({ ...base, schedules: [{ id: base.id, opens_at: '14:00', closes_at: '10:00' }] })).toMatch(/closes_at must be later/)
  })
  it('rejects a date that does not exist', () => {
    expect(reason({ ...base, assured_date: '2026-02-30' })).toMatch(/assured_date: is not a real calendar date/)
  })
  it('rejects a 2 MB description', () => {
    expect(reason({ ...base, description: 'x'.repeat(2_000_000) })).toMatch(/description: must be at most 10000 characters/)
  })
  it('rejects an oversized record even in fields it does not know', () => {
    expect(reason({ ...base, x_notes: 'y'.repeat(300_000) })).toMatch(/larger than 256 KB/)
  })
  it('rejects a missing name and an unknown status', () => {
    expect(reason({ id: base.id, status: 'open' })).toMatch(/name/)
    expect(reason({ ...base, status: 'open' })).toMatch(/status/)
  })
  it('rejects an id that is not a uuid', () => {
    expect(reason({ ...base, id: 'abc' })).toMatch(/id: must be a uuid/)
  })
  it('accepts translations as a documented extension and rejects unknown translated fields', () => {
    expect(reason({ ...base, x_translations: { en: { name: 'Walking group' } } })).toBe('valid')
    expect(reason({ ...base, x_translations: { en: { title: 'x' } } })).not.toBe('valid')
  })
})

describe('the example social map', () => {
  const map = buildExampleMap({ referenceDate: '2026-11-01' })
  it('has at least 150 valid services', () => {
    expect(map.length).toBeGreaterThanOrEqual(150)
    expect(map.filter((s) => !serviceSchema.safeParse(s).success)).toEqual([])
  })
  it('covers every life domain and all five municipalities', () => {
    expect(new Set(map.flatMap(lifeDomainsOf))).toEqual(new Set(LIFE_DOMAINS))
    expect(new Set(map.flatMap((s) => placesOf(s).municipalities))).toEqual(new Set(MUNICIPALITIES))
  })
  it('uses only the .example domain for web and mail', () => {
    for (const s of map) {
      if (s.url) expect(new URL(s.url).hostname).toMatch(/\.example$/)
      if (s.email) expect(s.email).toMatch(/@[^@]+\.example$/)
    }
  })
  it('uses phone numbers from the unissued 06-0 range', () => {
    expect(map.flatMap((s) => s.phones ?? []).every((p) => /^06 00\d{6}$/.test(p.number))).toBe(true)
  })
  it('is the same every time for the same seed', () => {
    expect(buildExampleMap({ referenceDate: '2026-11-01' })).toEqual(map)
  })
  it('has free and paid activities', () => {
    expect(map.some(isFree)).toBe(true)
    expect(map.some((s) => !isFree(s))).toBe(true)
  })
})
