import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { buildExampleMap } from '../../src/server/seed/exampleMap'
import { describeIssues } from '../../src/shared/core/zodIssues'
import { serviceSchema } from '../../src/shared/socialMap/hsds'
import { LIFE_DOMAINS } from '../../src/shared/socialMap/lifeDomains'
import { MUNICIPALITIES } from '../../src/shared/socialMap/places'
import { isFree, lifeDomainsOf, placesOf } from '../../src/shared/socialMap/serviceFacts'

const example = JSON.parse(readFileSync(new URL('../../../shared/hsds-3.0/examples/service_full.json', import.meta.url), 'utf8')) as Record<string, unknown>
const base = { id: '3f9c2b9e-8f2d-4c51-9a57-1c1e2d3f4a5b', name: 'Wandelgroep', status: 'active' }

/** The domains of every web and mail address anywhere in the records (service, organisation, location, schedule links). */
function addressDomains(records: unknown): { web: Set<string>; mail: Set<string> } {
  const text = JSON.stringify(records)
  return {
    web: new Set([...text.matchAll(/\bhttps?:\/\/([^/\s"'\\?#]+)/g)].map((m) => m[1]!)),
    mail: new Set([...text.matchAll(/[\w.+-]+@([\w.-]+)/g)].map((m) => m[1]!)),
  }
}

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

describe('links in a listing: only web addresses that cannot run code', () => {
  const scripts = ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', '  javascript:alert(1)', '\tjavascript:alert(1)', 'java\nscript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)', 'ftp://files.example/x']
  for (const url of scripts) {
    it(`rejects the service url ${JSON.stringify(url)} with a clear reason`, () => {
      expect(reason({ ...base, url })).toMatch(/url: must be a web address starting with https:\/\/ or http:\/\//)
    })
  }
  it('rejects a script link in a location, an organisation website and a schedule link too', () => {
    const js = 'javascript:alert(1)'
    expect(reason({ ...base, service_at_locations: [{ id: base.id, location: { id: base.id, location_type: 'virtual', url: js } }] })).toMatch(/location\.url: must be a web address/)
    expect(reason({ ...base, organization: { id: base.id, name: 'X', description: 'Y', website: js } })).toMatch(/organization\.website: must be a web address/)
    expect(reason({ ...base, schedules: [{ id: base.id, schedule_link: js }] })).toMatch(/schedule_link: must be a web address/)
  })
  it('keeps identifiers (organisation uri, term uri) open to other schemes such as urn:, but not to script schemes', () => {
    expect(reason({ ...base, organization: { id: base.id, name: 'X', description: 'Y', uri: 'urn:oin:00000001234567890000' } })).toBe('valid')
    expect(reason({ ...base, organization: { id: base.id, name: 'X', description: 'Y', uri: 'javascript:alert(1)' } })).toMatch(/organization\.uri/)
  })
  it('accepts ordinary http and https addresses', () => {
    expect(reason({ ...base, url: 'https://www.voorbeeld.example/aanbod?x=1#top' })).toBe('valid')
    expect(reason({ ...base, url: 'http://example.com' })).toBe('valid')
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
    const found = addressDomains(map)
    expect(found.web.size, 'the example map has web addresses to check').toBeGreaterThan(10)
    expect(found.mail.size, 'the example map has mail addresses to check').toBeGreaterThan(10)
    expect([...found.web, ...found.mail].filter((d) => !d.endsWith('.example'))).toEqual([])
    // Planted: a real domain in a listing's url, e-mail and organisation website is seen.
    const planted = addressDomains([{ ...map[0]!, url: 'https://www.voorbeeld.nl/x', email: 'info@gmail.com', organization: { id: base.id, name: 'X', description: 'Y', website: 'http://echt.nl' } }])
    expect([...planted.web, ...planted.mail].filter((d) => !d.endsWith('.example')).sort()).toEqual(['echt.nl', 'gmail.com', 'www.voorbeeld.nl'])
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
