/** Distances on the earth's surface, for "near me" (computed on the phone: docs/social-map-location.md). Pure. */

export interface LatLon {
  lat: number
  lon: number
}

const EARTH_RADIUS_KM = 6371.0088

/** Great-circle distance in kilometres (haversine); well within 0.5 % at the region's scale. */
export function distanceKm(a: LatLon, b: LatLon): number {
  const rad = Math.PI / 180
  const dLat = (b.lat - a.lat) * rad
  const dLon = (b.lon - a.lon) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)))
}

/** A real position on earth (HSDS does not range-check its coordinates; we do before using them). */
export function isLatLon(lat: unknown, lon: unknown): boolean {
  return typeof lat === 'number' && typeof lon === 'number' && Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180
}
