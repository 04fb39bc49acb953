/**
 * Where the region's villages and four-digit postcodes (PC4) lie, for "near me" from a typed
 * place. APPROXIMATE: village centres read off OpenStreetMap (place nodes, © OpenStreetMap
 * contributors, ODbL) to about 0.005° (a few hundred metres), and PC4 areas mapped to the village
 * they serve (PostNL's public postcode-to-place assignment), so a postcode resolves to its village's
 * centre, not its own centroid. Good enough to rank services by "which is closer"; not for routing.
 * To replace: load CBS "Kerncijfers per postcode" PC4 centroids (docs/social-map-location.md).
 */
import * as z from 'zod/mini'
import { distanceKm, type LatLon } from './geo'
import { MUNICIPALITIES, VILLAGES, type Municipality } from './places'

export const CENTROID_SOURCE = 'OpenStreetMap (© OpenStreetMap contributors, ODbL), approximate'

export const VILLAGE_CENTROIDS: Record<string, LatLon> = {
  // Oss
  Oss: { lat: 51.765, lon: 5.518 },
  Berghem: { lat: 51.77, lon: 5.57 },
  Megen: { lat: 51.822, lon: 5.562 },
  Haren: { lat: 51.809, lon: 5.599 },
  Macharen: { lat: 51.793, lon: 5.586 },
  Ravenstein: { lat: 51.797, lon: 5.65 },
  Herpen: { lat: 51.771, lon: 5.639 },
  Geffen: { lat: 51.74, lon: 5.462 },
  Nuland: { lat: 51.725, lon: 5.435 },
  Vinkel: { lat: 51.706, lon: 5.431 },
  Lith: { lat: 51.805, lon: 5.438 },
  Oijen: { lat: 51.823, lon: 5.503 },
  Maren: { lat: 51.808, lon: 5.395 },
  Alem: { lat: 51.791, lon: 5.338 },
  Dieden: { lat: 51.802, lon: 5.668 },
  Deursen: { lat: 51.797, lon: 5.634 },
  Demen: { lat: 51.804, lon: 5.687 },
  Keent: { lat: 51.797, lon: 5.705 },
  Overlangel: { lat: 51.788, lon: 5.671 },
  Neerloon: { lat: 51.787, lon: 5.659 },
  Huisseling: { lat: 51.789, lon: 5.628 },
  Lithoijen: { lat: 51.811, lon: 5.45 },
  Teeffelen: { lat: 51.814, lon: 5.463 },
  Kessel: { lat: 51.803, lon: 5.412 },
  // Maashorst
  Uden: { lat: 51.661, lon: 5.619 },
  Volkel: { lat: 51.646, lon: 5.654 },
  Odiliapeel: { lat: 51.64, lon: 5.698 },
  Zeeland: { lat: 51.698, lon: 5.679 },
  Reek: { lat: 51.744, lon: 5.682 },
  Schaijk: { lat: 51.746, lon: 5.632 },
  // Meierijstad
  Veghel: { lat: 51.617, lon: 5.549 },
  Schijndel: { lat: 51.623, lon: 5.433 },
  'Sint-Oedenrode': { lat: 51.568, lon: 5.46 },
  Erp: { lat: 51.6, lon: 5.607 },
  Boerdonk: { lat: 51.574, lon: 5.626 },
  Keldonk: { lat: 51.592, lon: 5.571 },
  Mariaheide: { lat: 51.611, lon: 5.581 },
  Zijtaart: { lat: 51.594, lon: 5.53 },
  Eerde: { lat: 51.601, lon: 5.505 },
  Wijbosch: { lat: 51.618, lon: 5.417 },
  Nijnsel: { lat: 51.55, lon: 5.478 },
  Olland: { lat: 51.585, lon: 5.422 },
  Boskant: { lat: 51.554, lon: 5.423 },
  // Bernheze
  Heesch: { lat: 51.733, lon: 5.531 },
  Nistelrode: { lat: 51.705, lon: 5.562 },
  'Heeswijk-Dinther': { lat: 51.65, lon: 5.48 },
  Vorstenbosch: { lat: 51.656, lon: 5.585 },
  Loosbroek: { lat: 51.664, lon: 5.514 },
  // Boekel
  Boekel: { lat: 51.603, lon: 5.675 },
  Venhorst: { lat: 51.613, lon: 5.738 },
  'Huize Padua': { lat: 51.597, lon: 5.656 },
}

/** A municipality typed as a place means its main town (the first village in places.ts). */
const MUNICIPALITY_TOWN: Record<Municipality, string> = Object.fromEntries(MUNICIPALITIES.map((m) => [m, VILLAGES[m][0]!])) as Record<Municipality, string>

/** PC4 ranges (inclusive) and the village they serve. Postcodes not listed are reported as unknown. */
const PC4_RANGES: readonly [from: number, to: number, village: string][] = [
  [5335, 5335, 'Alem'],
  [5340, 5349, 'Oss'],
  [5351, 5351, 'Berghem'],
  [5354, 5354, 'Deursen'],
  [5366, 5366, 'Megen'],
  [5371, 5371, 'Ravenstein'],
  [5373, 5373, 'Herpen'],
  [5374, 5374, 'Schaijk'],
  [5375, 5375, 'Reek'],
  [5382, 5382, 'Vinkel'],
  [5383, 5384, 'Heesch'],
  [5386, 5386, 'Geffen'],
  [5388, 5388, 'Nistelrode'],
  [5391, 5391, 'Nuland'],
  [5394, 5394, 'Oijen'],
  [5396, 5396, 'Lith'],
  [5397, 5397, 'Lithoijen'],
  [5398, 5398, 'Maren'],
  [5400, 5406, 'Uden'],
  [5408, 5408, 'Volkel'],
  [5409, 5409, 'Odiliapeel'],
  [5411, 5411, 'Zeeland'],
  [5427, 5427, 'Boekel'],
  [5428, 5428, 'Venhorst'],
  [5460, 5468, 'Veghel'],
  [5469, 5469, 'Erp'],
  [5472, 5472, 'Loosbroek'],
  [5473, 5474, 'Heeswijk-Dinther'],
  [5476, 5476, 'Vorstenbosch'],
  [5480, 5483, 'Schijndel'],
  [5490, 5492, 'Sint-Oedenrode'],
]

/** The village a PC4 belongs to, if the table knows it. */
export function villageOfPostcode(pc4: number): string | undefined {
  return PC4_RANGES.find(([from, to]) => pc4 >= from && pc4 <= to)?.[2]
}

/**
 * A plausible PC4 for a village, for example addresses (src/server/seed/exampleMap.ts): its own first
 * one, or that of the nearest village the table has (hamlets share a neighbour's postcode).
 */
export function postcodeOfVillage(village: string): number | undefined {
  const own = PC4_RANGES.find(([, , v]) => v === village)
  if (own) return own[0]
  const centre = VILLAGE_CENTROIDS[village]
  if (!centre) return undefined
  let best: [number, number] | undefined
  for (const [from, , v] of PC4_RANGES) {
    const d = distanceKm(centre, VILLAGE_CENTROIDS[v]!)
    if (!best || d < best[1]) best = [from, d]
  }
  return best?.[0]
}

/** Lower case, no diacritics, hyphens and repeated spaces as one space: "Sint-Oedenrode" = "sint oedenrode". */
export function placeKey(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\s\-‐–'’.]+/g, ' ')
    .trim()
}

const ALIASES: Record<string, string> = { 'st oedenrode': 'Sint-Oedenrode', 'heeswijk': 'Heeswijk-Dinther', 'dinther': 'Heeswijk-Dinther', 'maren kessel': 'Maren', 'deursen dennenburg': 'Deursen', 'padua': 'Huize Padua' }

const BY_KEY = new Map<string, string>([
  ...Object.keys(VILLAGE_CENTROIDS).map((v) => [placeKey(v), v] as const),
  ...Object.entries(MUNICIPALITY_TOWN).map(([m, town]) => [placeKey(m), town] as const),
  ...Object.entries(ALIASES),
])

/** Typed input: one line, at most 60 characters, something besides spaces. */
export const placeInputSchema = z.string().check(z.maxLength(60), z.refine((s) => s.trim().length > 0))

const POSTCODE = /^(\d{4})\s*([a-z]{2})?$/i

export type PlaceResolution =
  | { ok: true; label: string; origin: LatLon }
  | { ok: false; reason: 'invalid' | 'unknown-postcode' | 'unknown-place'; input: string }

/** Resolves "5341", "5341 AB", "5341ab" or a village name (any case, with or without accents) to a point. */
export function resolvePlace(input: unknown): PlaceResolution {
  const parsed = placeInputSchema.safeParse(input)
  if (!parsed.success) return { ok: false, reason: 'invalid', input: typeof input === 'string' ? input.slice(0, 60) : '' }
  const text = parsed.data.trim()
  const postcode = POSTCODE.exec(text)
  if (postcode) {
    const village = villageOfPostcode(Number(postcode[1]))
    if (!village) return { ok: false, reason: 'unknown-postcode', input: postcode[1]! }
    return { ok: true, label: `${postcode[1]} (${village})`, origin: VILLAGE_CENTROIDS[village]! }
  }
  const village = BY_KEY.get(placeKey(text))
  if (!village) return { ok: false, reason: 'unknown-place', input: text }
  return { ok: true, label: village, origin: VILLAGE_CENTROIDS[village]! }
}
