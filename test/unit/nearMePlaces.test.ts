import { describe, expect, it } from 'vitest'
import { MapSearch } from '../../src/app/features/socialMap/data/search'
import { buildExampleMap } from '../../src/server/seed/exampleMap'
import { placeKey, resolvePlace, VILLAGE_CENTROIDS, villageOfPostcode } from '../../src/shared/socialMap/centroids'
import { distanceKm, isLatLon } from '../../src/shared/socialMap/geo'
import { MUNICIPALITIES, VILLAGES } from '../../src/shared/socialMap/places'

describe('distance between two points', () => {
  it('measures Oss to Uden as about 13.5 km and a point to itself as 0', () => {
    // The two town centres in the table, ~0.104° of latitude and ~0.101° of longitude apart.
    expect(distanceKm({ lat: 51.765, lon: 5.518 }, { lat: 51.661, lon: 5.619 })).toBeCloseTo(13.5, 0)
    expect(distanceKm({ lat: 51.7, lon: 5.5 }, { lat: 51.7, lon: 5.5 })).toBe(0)
  })

  it('gives one degree of latitude as ~111 km', () => {
    expect(distanceKm({ lat: 51, lon: 5 }, { lat: 52, lon: 5 })).toBeCloseTo(111.2, 0)
  })

  it('accepts only coordinates on earth', () => {
    expect(isLatLon(51.7, 5.5)).toBe(true)
    expect(isLatLon(100, 5.5)).toBe(false)
    expect(isLatLon(Number.NaN, 5.5)).toBe(false)
    expect(isLatLon(undefined, 5.5)).toBe(false)
  })
})

describe('the centroid table', () => {
  it('has a centre, inside the region, for every village in places.ts', () => {
    for (const m of MUNICIPALITIES)
      for (const v of VILLAGES[m]) {
        const c = VILLAGE_CENTROIDS[v]
        expect(c, v).toBeDefined()
        // The five municipalities lie within 51.5–51.85 N, 5.3–5.8 E.
        expect(c!.lat, v).toBeGreaterThan(51.5)
        expect(c!.lat, v).toBeLessThan(51.85)
        expect(c!.lon, v).toBeGreaterThan(5.3)
        expect(c!.lon, v).toBeLessThan(5.8)
      }
  })

  it('maps the towns postcode ranges to their towns', () => {
    expect(villageOfPostcode(5341)).toBe('Oss')
    expect(villageOfPostcode(5349)).toBe('Oss')
    expect(villageOfPostcode(5401)).toBe('Uden')
    expect(villageOfPostcode(5462)).toBe('Veghel')
    expect(villageOfPostcode(5427)).toBe('Boekel')
    expect(villageOfPostcode(1012)).toBeUndefined()
  })
})

describe('reading a typed postcode or village', () => {
  it('reads "5341", "5341 AB" and "5341ab" as Oss', () => {
    for (const input of ['5341', '5341 AB', ' 5341ab ']) {
      const r = resolvePlace(input)
      expect(r, input).toMatchObject({ ok: true, label: '5341 (Oss)', origin: VILLAGE_CENTROIDS.Oss })
    }
  })

  it('reads village names whatever their case, accents and hyphens', () => {
    expect(resolvePlace('sint oedenrode')).toMatchObject({ ok: true, label: 'Sint-Oedenrode' })
    expect(resolvePlace('HEESWIJK-DINTHER')).toMatchObject({ ok: true, label: 'Heeswijk-Dinther' })
    expect(resolvePlace('Nïstelrode')).toMatchObject({ ok: true, label: 'Nistelrode' })
    expect(placeKey('Sint–Oedenrode')).toBe('sint oedenrode')
  })

  it('reads a municipality as its main town', () => {
    expect(resolvePlace('Meierijstad')).toMatchObject({ ok: true, label: 'Veghel' })
    expect(resolvePlace('maashorst')).toMatchObject({ ok: true, label: 'Uden' })
  })

  it('says which postcode or place it does not know, and refuses empty or long input', () => {
    expect(resolvePlace('1012 AB')).toEqual({ ok: false, reason: 'unknown-postcode', input: '1012' })
    expect(resolvePlace('Amsterdam')).toEqual({ ok: false, reason: 'unknown-place', input: 'Amsterdam' })
    expect(resolvePlace('   ')).toMatchObject({ ok: false, reason: 'invalid' })
    expect(resolvePlace('x'.repeat(61))).toMatchObject({ ok: false, reason: 'invalid' })
    expect(resolvePlace(42)).toMatchObject({ ok: false, reason: 'invalid' })
  })
})

describe('the example map', () => {
  it('places every physical location within 1.5 km of its village centre, with a postcode of that village or a neighbour', () => {
    const map = buildExampleMap({ referenceDate: '2026-11-01' })
    let physical = 0
    for (const s of map)
      for (const sal of s.service_at_locations ?? []) {
        const l = sal.location
        if (l?.location_type !== 'physical') continue
        physical++
        const a = l.addresses![0]!
        expect(isLatLon(l.latitude, l.longitude), s.name).toBe(true)
        expect(distanceKm({ lat: l.latitude!, lon: l.longitude! }, VILLAGE_CENTROIDS[a.city]!), s.name).toBeLessThan(1.5)
        // Its own postcode, or a neighbour's for a hamlet the table has none for.
        const pc4Village = villageOfPostcode(Number(a.postal_code.slice(0, 4)))
        expect(pc4Village, s.name).toBeDefined()
        expect(distanceKm(VILLAGE_CENTROIDS[pc4Village!]!, VILLAGE_CENTROIDS[a.city]!), s.name).toBeLessThan(6)
      }
    expect(physical).toBeGreaterThan(150)
  })
})

describe('sorting search results by distance (the data worker)', () => {
  const search = new MapSearch()
  search.load(buildExampleMap({ referenceDate: '2026-11-01' }))
  const now = new Date('2026-11-02T10:00:00Z')
  const schaijk = VILLAGE_CENTROIDS.Schaijk!

  it('puts the nearest match first, keeps every match, and shows the distance', () => {
    const plain = search.search('wandelgroep', {}, 500, 'nl', now)
    const near = search.search('wandelgroep', {}, 500, 'nl', now, VILLAGE_CENTROIDS.Uden!)
    expect(near.total).toBe(plain.total)
    expect(new Set(near.items.map((i) => i.id))).toEqual(new Set(plain.items.map((i) => i.id)))
    const km = near.items.map((i) => i.distanceKm ?? Number.POSITIVE_INFINITY)
    expect(km).toEqual([...km].sort((a, b) => a - b))
    expect(near.items[0]!.villages).toEqual(['Uden'])
    expect(plain.items[0]!.villages).not.toEqual(['Uden'])
    expect(near.items[0]!.distanceKm).toBeLessThan(1.5)
    expect(plain.items[0]!.distanceKm).toBeUndefined()
  })

  it('combines with the filters: only Oss listings, nearest to Schaijk first', () => {
    const near = search.search('', { gemeente: 'Oss' }, 5, 'nl', now, schaijk)
    expect(near.items).toHaveLength(5)
    expect(near.total).toBe(search.search('', { gemeente: 'Oss' }, 500, 'nl', now).total)
    // Herpen (~3.3 km) is the nearest Oss village to Schaijk.
    expect(near.items[0]!.villages).toEqual(['Herpen'])
  })

  it('gives every result with a physical location its position for the map', () => {
    const all = search.search('', {}, 500, 'nl', now)
    const withPosition = all.items.filter((i) => i.position)
    expect(withPosition.length).toBeGreaterThan(150)
    for (const i of all.items) if (!i.position) expect(i.online, i.name).toBe(true)
  })
})
